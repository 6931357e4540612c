// The replay: the merged timeline, up to the checks (run.verified), applied entry by entry to a
// fresh ClusterState; each analysis is a fold that sees every step and the state after it.
import type { TimelineEntry } from "../../logs/timeline.js";
import { ClusterState, type ReplayStep } from "./cluster-state.js";

/** A fold over the replay: told each step with the state after it, then the final state. */
export interface ReplayFold<R> {
  step(step: ReplayStep, state: ClusterState): void;
  finish(state: ClusterState): R;
}

/** Only what happened before the checks ran (run.verified), not the teardown's leaves. */
export function activeTimeline(timeline: readonly TimelineEntry[]): readonly TimelineEntry[] {
  const end = timeline.findIndex((e) => e.kind === "orchestrator" && e.event.event === "run.verified");
  return end < 0 ? timeline : timeline.slice(0, end);
}

/** Replays `timeline` once, feeding every fold; returns the final state. */
export function replay(
  timeline: readonly TimelineEntry[],
  folds: readonly ReplayFold<unknown>[],
): ClusterState {
  const state = new ClusterState();
  for (const entry of timeline) {
    const step = state.apply(entry);
    for (const fold of folds) fold.step(step, state);
  }
  return state;
}
