// The join deadline a run gives its joiners. In a small run a joiner makes the seed's one attempt:
// the demo stays the seed's. In a large run (large-run.ts) the bring-up starves every node of CPU
// (64 containers on two cores): the master answers joins seconds late, and a joiner whose one
// attempt timed out would quit, so each joiner gets --joinDeadline and keeps trying until the
// master answers.
import type { NodeSpec, ScenarioSpec } from "../scenarios/types.js";
import { hasOwnFlag, isLargeRun } from "./large-run.js";

/**
 * 60 s: far more than any joiner of a 64-node bring-up in Docker on two cores needed (3 attempts at
 * most), yet short enough that a master that is really gone ends the run within a minute and a
 * half (the node's ready timeout is stretched to cover it).
 */
export const RUN_JOIN_DEADLINE_MS = 60_000;

/** The joiner's own bring-up allowance beyond its join deadline: start-up, membership, listen. */
const READY_AFTER_DEADLINE_MS = 10_000;

/** The --joinDeadline this node gets from the run, if any (a scenario's own flag wins). */
export function joinDeadlineFor(spec: NodeSpec, scenario: ScenarioSpec): number | undefined {
  const joiner = "role" in spec.expect && spec.expect.role === "member" && spec.program === undefined;
  if (!joiner || hasOwnFlag(spec, "--joinDeadline") || !isLargeRun(scenario)) return undefined;
  return RUN_JOIN_DEADLINE_MS;
}

/** How long the run waits for this node to be ready: long enough for its join deadline too. */
export function readyTimeoutFor(readyTimeoutMs: number, joinDeadlineMs: number | undefined): number {
  if (joinDeadlineMs === undefined) return readyTimeoutMs;
  return Math.max(readyTimeoutMs, joinDeadlineMs + READY_AFTER_DEADLINE_MS);
}
