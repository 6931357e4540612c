// What every phase of a run shares: its identity and directory, its clock, the orchestrator's own
// events, the first error, the interrupt signal, and the event stream out of the run.
import { setMaxListeners } from "node:events";
import { mergeTimeline } from "../logs/merge.js";
import { formatTimestamp, nowMicros, type LogRecord } from "../logs/records.js";
import type { OrchestratorEvent, TimelineEntry } from "../logs/timeline.js";
import { progressListener } from "../progress/run-progress.js";
import { traceTo } from "../progress/logger.js";
import { RunDir } from "../results/run-dir.js";
import { makeRunId } from "../results/run-id.js";
import type { ClockReport } from "../runtime/types.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import type { RunEvent, RunEventListener } from "./run-events.js";
import type { RunOptions } from "./run-options.js";
import type { RunTimings } from "./run-result.js";

/** Listeners on the run's signal beyond one per node's readiness wait (the schedule's delay, settle). */
const SIGNAL_LISTENERS_BESIDE_NODES = 8;

export class RunContext {
  readonly runId: string;
  readonly dir: RunDir;
  readonly timings: RunTimings = { totalMs: 0 };
  /** The engines' clocks against ours (runtimes with several engines), measured at the end. */
  clocks: ClockReport | undefined;
  /** The orchestrator's events, in the order they happened: part of the merged timeline. */
  readonly events: OrchestratorEvent[] = [];
  /** Aborts when the caller's signal does (Ctrl-C): every wait of the run listens here. */
  readonly signal: AbortSignal;
  /** Why the run could not tell; the first cause wins. */
  #error: string | undefined;
  readonly #t0 = performance.now();
  readonly #listeners: RunEventListener[];
  #nextEventId = 1;
  readonly #release: () => void;

  constructor(
    readonly scenario: ScenarioSpec,
    readonly options: RunOptions,
  ) {
    this.runId = options.runId ?? makeRunId();
    this.dir = RunDir.create(options.runsDir, scenario.name, this.runId, scenario);
    const reporter = options.reporter ? progressListener(options.reporter) : undefined;
    this.#listeners = [reporter, options.onEvent].filter((l): l is RunEventListener => l !== undefined);
    const untrace = traceTo(options.logger, this.dir.trace);
    const controller = new AbortController();
    this.signal = controller.signal;
    this.boundSignalListeners();
    const abort = (): void => controller.abort();
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    this.#release = () => {
      options.signal?.removeEventListener("abort", abort);
      untrace();
    };
  }

  /** Each node's readiness wait listens on the signal while it lasts: a bound that grows with the nodes, not a leak. */
  boundSignalListeners(): void {
    setMaxListeners(this.scenario.nodes.length + SIGNAL_LISTENERS_BESIDE_NODES, this.signal);
  }

  get runtime() {
    return this.options.runtime;
  }

  get logger() {
    return this.options.logger;
  }

  get interrupted(): boolean {
    return this.signal.aborted;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** Records why the run could not tell, unless an earlier cause is known. */
  fail(message: string): void {
    this.#error ??= message;
  }

  /** Milliseconds since the run began, to 0.1 ms. */
  ms(): number {
    return Math.round((performance.now() - this.#t0) * 10) / 10;
  }

  /**
   * An orchestrator event: into the timeline, the run directory and the event stream. `at` dates
   * it (microseconds) when it is noted after the fact: a network fault is noted once every rule is
   * in place, dated when its step came due.
   */
  note(
    event: string,
    message: string,
    node?: string,
    fields: Record<string, unknown> = {},
    at?: number,
  ): void {
    const t = at ?? nowMicros();
    const entry: OrchestratorEvent = {
      t,
      time: formatTimestamp(t),
      event,
      message,
      ...(node ? { node } : {}),
      ...fields,
    };
    this.events.push(entry);
    this.dir.writeEvent(entry);
    this.emit({
      kind: "entry",
      entry: { kind: "orchestrator", t, time: entry.time, index: this.events.length - 1, event: entry },
    });
  }

  /** Subscribes to the event stream from now on (the live checks); returns the unsubscribe. */
  subscribe(listener: RunEventListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Tells every subscriber; a failing subscriber is logged, never allowed to break the run. */
  emit(event: RunEvent): void {
    const id = this.#nextEventId++;
    for (const listener of [...this.#listeners]) {
      try {
        listener(event, id);
      } catch (err) {
        this.logger.warn(`run ${this.runId}: an event subscriber failed: ${(err as Error).message}`);
      }
    }
  }

  /** Every node's records and the orchestrator's events, merged (logs/merge.ts). */
  timeline(records: ReadonlyMap<string, readonly LogRecord[]>): TimelineEntry[] {
    return mergeTimeline(records, this.events);
  }

  /** Closes the run directory's streams and lets go of the caller's signal. */
  async close(): Promise<void> {
    this.#release();
    await this.dir.close();
  }
}
