// The shared shape of the fault scenarios: a small star cluster (node1 master, the others join it),
// a fault schedule, and the membership checks instead of the join-only ones. A large run's checks
// allow its slower detection (see large-run.ts).
import { MEMBERSHIP_CHECKS } from "../checks/registry.js";
import { withLargeRunBounds } from "../run/large-run.js";
import { starNodes } from "./topology.js";
import type { ScenarioSpec, ScenarioStep } from "./types.js";

export const FAULT_NODES = { default: 5, min: 3, max: 128 };

/** Before the first fault: the last joiner's admission settles (its first probe round). */
export const SETTLE_BEFORE_FAULT_MS = 1000;

export function faultScenario(
  name: string,
  description: string,
  count: number,
  steps: ScenarioStep[],
  extra: Partial<ScenarioSpec> = {},
): ScenarioSpec {
  return withLargeRunBounds({
    name,
    description,
    nodes: starNodes(count),
    checks: MEMBERSHIP_CHECKS,
    steps,
    // Watch up to 10 s after the last step for detection, failover and reconvergence.
    settleMs: 10_000,
    convergeWithinMs: 5000,
    ...extra,
  });
}
