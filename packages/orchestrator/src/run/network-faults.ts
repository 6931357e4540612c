// Network faults in the schedule: their helpers are made ready before the first step (one that
// cannot run ends the run here, before any fault is due, and the teardown removes what it made),
// then each network step goes through the environment's rules (netfaults/network-step-runner.ts).
import { networkStepNodes, NetworkStepRunner } from "../netfaults/network-step-runner.js";
import type { HealStep, NetworkFaultStep } from "../scenarios/network-steps.js";
import type { StartedEnvironment } from "../runtime/types.js";
import type { RunContext } from "./run-context.js";
import type { RunNodes } from "./run-nodes.js";

export type NetworkStepApplier = (step: NetworkFaultStep | HealStep, index: number) => Promise<void>;

export async function prepareNetworkFaults(
  run: RunContext,
  env: StartedEnvironment,
  nodes: RunNodes,
): Promise<NetworkStepApplier> {
  const named = networkStepNodes(run.scenario);
  const unavailable: NetworkStepApplier = async (_step, index) => {
    throw new Error(`steps[${index}]: the ${run.runtime.kind} runtime offers no network faults`);
  };
  if (named.length === 0 || !env.networkFaults) return unavailable;
  const running = named.filter((name) => nodes.get(name).node !== undefined);
  await env.networkFaults.prepare(running);
  run.note("network.ready", `network-fault helpers ready for ${running.join(", ")}`);
  const runner = new NetworkStepRunner(run.scenario, env.networkFaults, (event, message, fields) =>
    run.note(event, message, undefined, { network: fields.network }, fields.t),
  );
  return (step, index) => runner.run(step, index);
}

/** A deferred node about to start: the network faults in force that name it are written into its namespace. */
export async function admitToNetworkFaults(
  run: RunContext,
  env: StartedEnvironment,
  node: string,
): Promise<void> {
  const labels = (await env.networkFaults?.admit(node)) ?? [];
  if (labels.length)
    run.note("network.admitted", `${labels.join(", ")} in force for ${node} before it starts`, node);
}
