// Readiness from log events: resolves on the first matching record read since the node started,
// rejects when the node's stream ends first, when the deadline passes, or when the run is aborted.
// Errors name what was awaited, like testcontainers' `Log message "x" not received after 60000ms`.
import type { NodeEvent } from "@joinlab/protocol";
import type { NodeLog } from "../logs/node-log.js";
import type { LogRecord } from "../logs/records.js";

export class WaitError extends Error {
  constructor(
    message: string,
    readonly reason: "deadline" | "ended" | "aborted",
  ) {
    super(message);
    this.name = "WaitError";
  }
}

export interface WaitOptions {
  /** Human description of what is awaited: `node.ready from node2`. */
  what: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Text for the ended case, e.g. the exit code; computed when it happens. */
  describeEnd?: () => string;
}

export function waitForRecord(
  log: NodeLog,
  predicate: (record: LogRecord) => boolean,
  options: WaitOptions,
): Promise<LogRecord> {
  const seen = log.records.find(predicate);
  if (seen) return Promise.resolve(seen);
  return new Promise<LogRecord>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      offRecord();
      offEnd();
      options.signal?.removeEventListener("abort", onAbort);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new WaitError(`${options.what} not received after ${options.timeoutMs}ms`, "deadline"));
    }, options.timeoutMs);
    const offRecord = log.onRecord((record) => {
      if (!predicate(record)) return;
      cleanup();
      resolve(record);
    });
    const offEnd = log.onEnd(() => {
      cleanup();
      const how = options.describeEnd?.() ?? "its output ended";
      reject(new WaitError(`${options.what} not received: ${how}`, "ended"));
    });
    const onAbort = (): void => {
      cleanup();
      reject(new WaitError(`${options.what}: run interrupted`, "aborted"));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (log.ended) {
      cleanup();
      reject(
        new WaitError(
          `${options.what} not received: ${options.describeEnd?.() ?? "its output ended"}`,
          "ended",
        ),
      );
    }
  });
}

/** Waits for a node log event (`node.ready`) from one node. */
export function waitForEvent(
  log: NodeLog,
  event: NodeEvent,
  options: Omit<WaitOptions, "what"> & { what?: string },
) {
  return waitForRecord(log, (r) => r.line?.event === event, {
    what: `${event} from ${log.node}`,
    ...options,
  });
}
