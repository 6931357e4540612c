// The environment phase: the runtime can do what the scenario needs, or the run says so before
// anything exists; then the run's environment (a labelled network, or loopback ports) and its
// nodes addressed in it.
import { requiredCapabilities, type Capability } from "../scenarios/types.js";
import type { StartedEnvironment } from "../runtime/types.js";
import type { RunContext } from "./run-context.js";
import { isLargeRun } from "./large-run.js";
import { RunNodes } from "./run-nodes.js";

export async function createEnvironment(run: RunContext): Promise<StartedEnvironment> {
  const { scenario, runtime } = run;
  run.emit({ kind: "phase", phase: "environment" });
  const needed = requiredCapabilities(scenario);
  // What depends on the machine (the network-fault helper, the kernel's netem, the swarm's engines) is found out now.
  const why = (await runtime.checkCapabilities?.(needed)) ?? new Map<Capability, string>();
  const missing = needed.filter((c) => !runtime.capabilities.has(c) || why.has(c));
  if (missing.length) {
    const reasons = missing.filter((c) => why.has(c)).map((c) => `${c}: ${why.get(c)}`);
    throw new Error(
      `scenario ${scenario.name} needs ${missing.join(", ")}, which the ${runtime.kind} runtime cannot do${reasons.length ? ` here (${reasons.join("; ")})` : "; run it with --runtime docker"}`,
    );
  }
  const env = await runtime.createEnvironment({
    runId: run.runId,
    scenario: scenario.name,
    keep: !!run.options.keep,
    // Network cuts: a reconnected node keeps its address, as after a real partition.
    ...(needed.includes("network-cut") ? { stableAddresses: true } : {}),
    ...(isLargeRun(scenario) ? { largeRun: true } : {}),
  });
  run.options.onEnvironment?.(env);
  return env;
}

/** Reserves what the nodes need (the process runtime's ports) and addresses every node. */
export async function placeNodes(run: RunContext, env: StartedEnvironment): Promise<RunNodes> {
  const { nodes } = run.scenario;
  const literals = nodes.flatMap((n) => (typeof n.clusterip === "string" ? [] : [n.clusterip]));
  await env.reserve(nodes, literals);
  run.note("environment.ready", env.summary);
  return new RunNodes(run.scenario, env);
}
