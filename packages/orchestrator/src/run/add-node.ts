// A node added to a running run (a playground's "add"): its spec joins the scenario, so the merged
// log, the checks and the report know it like any other; its port is reserved, and it is brought
// up the way a deferred node is (bring-up.ts), beside the nodes already running.
import type { NodeSpec } from "../scenarios/types.js";
import { bringUpLate } from "./bring-up.js";
import type { FaultTarget } from "./fault-appliers.js";

export interface AddedNode {
  /** Settles once the node program was started (rejects when it never was). */
  launched: Promise<void>;
  /** Settles once the node reached its outcome, or failed to; never rejects. */
  done: Promise<void>;
}

/** The spec must be valid and its name and port unused in the run (the caller checks). */
export async function addNode({ run, env, nodes }: FaultTarget, spec: NodeSpec): Promise<AddedNode> {
  await env.reserve([spec], []);
  run.scenario.nodes.push(spec);
  const node = nodes.add(spec);
  run.boundSignalListeners();
  const done = bringUpLate(run, env, nodes, [spec.name]);
  return { launched: node.reached("started").then(() => {}), done };
}
