// The schedule phase: once the cluster is up (and the network-fault helpers are ready; a large run
// also waits for its last joiners to leave their newcomer window), each step waits its time and
// then applies its fault through the fault dispatch — node faults by kind, network faults and
// heals through the environment's rules, and a `start` step brings deferred nodes up without
// holding the schedule (it waits for them at its end) — and an interrupt ends the schedule
// between steps.
import type { StartedEnvironment } from "../runtime/types.js";
import { isNetworkStep } from "../netfaults/network-step-runner.js";
import { delay } from "../shared/delay.js";
import { bringUpLate } from "./bring-up.js";
import { FAULT_APPLIERS } from "./fault-appliers.js";
import { scheduleWarmUpMs } from "./large-run.js";
import { admitToNetworkFaults, prepareNetworkFaults } from "./network-faults.js";
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
  const network = await prepareNetworkFaults(run, env, nodes);
  const late: Promise<void>[] = [];
  try {
    await delay(scheduleWarmUpMs(run.scenario), run.signal);
    for (const [index, step] of steps.entries()) {
      if (run.interrupted) return;
      await delay(step.afterMs, run.signal);
      if (run.interrupted) return;
      if (step.fault === "start")
        late.push(
          bringUpLate(run, env, nodes, step.nodes, (node) => admitToNetworkFaults(run, env, node.name)),
        );
      else if (isNetworkStep(step)) await network(step, index);
      else await FAULT_APPLIERS[step.fault](step, { run, env, nodes });
    }
  } finally {
    // Late bring-ups settle on their own (readiness timeout, interrupt): never leave one running.
    await Promise.all(late);
  }
}
