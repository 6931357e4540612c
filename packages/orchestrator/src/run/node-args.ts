// The node program's flags for one node of a run: the scenario's names and ports in the
// environment's terms, JSON logs for the orchestrator, what a large run adds, then the scenario's
// own flags.
import type { StartedEnvironment } from "../runtime/types.js";
import type { NodeBringUp } from "./node-bring-up.js";

export function nodeArgs(node: NodeBringUp, env: StartedEnvironment, dialTimeoutMs: number): string[] {
  const { spec } = node;
  return [
    "--name",
    spec.name,
    "--myport",
    String(env.portOf(spec.name, spec.port)),
    "--clusterip",
    node.clusterip,
    "--advertise",
    env.advertiseHost(spec.name),
    "--logFormat",
    "json",
    "--dialTimeout",
    String(dialTimeoutMs),
    ...(node.joinDeadlineMs !== undefined ? ["--joinDeadline", String(node.joinDeadlineMs)] : []),
    ...node.membershipFlags,
    ...(spec.makeMasterOnError ? ["--makeMasterOnError"] : []),
    ...(spec.flags ?? []),
  ];
}
