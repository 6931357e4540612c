// The event stream out of a run: every timeline entry as it arrives (node log records and the
// orchestrator's own events), each phase as it begins, node progress, check results as they are
// evaluated, and the result at the end. Progress output, a live view or a report subscribe to it.
import type { CheckResult, Validity } from "../checks/types.js";
import type { TimelineEntry } from "../logs/timeline.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import type { RunResult } from "./run-result.js";

/** The run's phases, in order. */
export type RunPhase = "environment" | "bring-up" | "schedule" | "verify" | "teardown" | "record";

export type NodeProgress = "created" | "started" | "ready" | "exited" | "failed" | "skipped";

export type RunEvent =
  /** The first event: what runs, where. */
  | { kind: "run"; runId: string; scenario: ScenarioSpec; runtime: string; message: string }
  | { kind: "phase"; phase: RunPhase; message?: string }
  | { kind: "node"; node: string; state: NodeProgress; detail?: string }
  /** In arrival order; the merged timeline in the result is causally ordered. */
  | { kind: "entry"; entry: TimelineEntry }
  | { kind: "checks"; verdict: Validity; results: readonly CheckResult[] }
  /** The last event. */
  | { kind: "done"; result: RunResult };

/** `id` counts 1, 2, 3, ... within a run, so a subscriber can tell what it has seen. */
export type RunEventListener = (event: RunEvent, id: number) => void;
