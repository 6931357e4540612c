// One container's output followed into its node's log: the multiplexed stream with Docker's
// timestamps, split into records as they arrive, and the exit code read once the stream ends (the
// container has stopped). The source is the container's engine (Docker, and swarm tasks on hosts
// we reach) or the swarm manager's task logs (hosts whose engine we cannot reach).
import { PassThrough } from "node:stream";
import { LineSplitter } from "../logs/line-splitter.js";
import type { NodeLog } from "../logs/node-log.js";
import {
  formatTimestamp,
  nowMicros,
  RecordBuilder,
  type LogStream,
  type RecordOrder,
} from "../logs/records.js";
import type { DockerClient } from "./docker-client.js";
import type { ExitInfo } from "./types.js";

/** Where a container's output and exit come from. */
export interface OutputSource {
  /** The multiplexed stream (Tty false) with timestamps, from the container's start or `since`. */
  open(): Promise<NodeJS.ReadableStream>;
  /** Called once the stream ended (or failed): how the container ended. */
  readExit(streamError?: Error): Promise<ExitInfo>;
}

/** A container on an engine we reach: its logs, and its state once they end. */
export function containerSource(
  client: DockerClient,
  container: { id: string; name: string },
  /** Docker's `since` (seconds): a re-follow of a restarted container skips most of what was read. */
  since?: number,
): OutputSource {
  return {
    open: () => client.followLogs(container.id, container.name, since),
    async readExit(streamError) {
      try {
        const inspected = await client.inspectContainer(container.id, container.name);
        if (inspected && !inspected.State.Running) return { code: inspected.State.ExitCode, signal: null };
        if (inspected && streamError)
          return { code: null, signal: `log stream failed: ${streamError.message}` };
      } catch {
        // The engine went away: the exit code is unknown (null).
      }
      return { code: null, signal: null };
    },
  };
}

export interface FollowOptions {
  /** Records stamped at or before this engine time are an earlier process's, already read. */
  after?: number;
  /** The engine's clock to the orchestrator's (microseconds); the same clock when absent. */
  toLocal?: (engineT: number) => number;
  /** Told when the stream fails before its end (the checks then cannot tell). */
  onError?: (message: string) => void;
}

export class ContainerOutput {
  /** The newest engine timestamp seen (the next re-follow's `after`). */
  lastT = 0;
  /** Resolves once the stream has ended and the exit is known; never rejects. */
  readonly exit: Promise<ExitInfo>;
  private resolveExit!: (info: ExitInfo) => void;

  private constructor(
    private readonly demux: DockerClient,
    private readonly source: OutputSource,
    private readonly stream: NodeJS.ReadableStream,
  ) {
    this.exit = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /**
   * Starts following; `order` is the node's record order, shared by all its processes, and
   * `demux` any client of the engine API (its modem splits the multiplexed stream).
   */
  static async follow(
    demux: DockerClient,
    source: OutputSource,
    log: NodeLog,
    order: RecordOrder,
    options: FollowOptions,
  ): Promise<ContainerOutput> {
    const stream = await source.open();
    const output = new ContainerOutput(demux, source, stream);
    output.lastT = options.after ?? 0;
    output.pipe(log, order, options);
    return output;
  }

  private pipe(log: NodeLog, order: RecordOrder, options: FollowOptions): void {
    const splitterOf = (kind: LogStream) => {
      const builder = new RecordBuilder(log.node, kind, order);
      const splitter = new LineSplitter((line) => {
        const record = builder.fromTimestamped(line, nowMicros());
        if (options.after !== undefined && record.t <= options.after) return; // already read
        this.lastT = Math.max(this.lastT, record.t);
        if (options.toLocal) {
          record.t = options.toLocal(record.t);
          record.time = formatTimestamp(record.t);
        }
        log.add(record);
      });
      const sink = new PassThrough();
      sink.on("data", (chunk: Buffer) => splitter.push(chunk));
      return { sink, splitter };
    };
    const out = splitterOf("stdout");
    const err = splitterOf("stderr");
    this.demux.demuxLogs(this.stream, out.sink, err.sink);
    let finished = false;
    const finish = (error?: Error): void => {
      if (finished) return;
      finished = true;
      out.splitter.end();
      err.splitter.end();
      if (error) options.onError?.(`log stream failed: ${error.message}`);
      void this.source.readExit(error).then(this.resolveExit);
    };
    this.stream.on("end", () => finish());
    this.stream.on("close", () => finish());
    this.stream.on("error", (e: Error) => finish(e));
  }

  /** Closes our end of the stream without touching the container. */
  destroy(): void {
    (this.stream as Partial<NodeJS.ReadWriteStream & { destroy(): void }>).destroy?.();
  }
}
