// The schedule phase: once the cluster is up, each step waits its time and then applies its fault
// through the fault dispatch; an interrupt ends the schedule between steps.
import type { StartedEnvironment } from "../runtime/types.js";
import { delay } from "../shared/delay.js";
import { FAULT_APPLIERS } from "./fault-appliers.js";
import type { RunContext } from "./run-context.js";
import type { RunNodes } from "./run-nodes.js";

export async function runFaultSchedule(
  run: RunContext,
  env: StartedEnvironment,
  nodes: RunNodes,
): Promise<void> {
  const steps = run.scenario.steps ?? [];
  if (steps.length === 0) return;
  run.emit({ kind: "phase", phase: "schedule" });
  for (const step of steps) {
    if (run.interrupted) return;
    await delay(step.afterMs, run.signal);
    if (run.interrupted) return;
    await FAULT_APPLIERS[step.fault](step, { run, env, nodes });
  }
}
