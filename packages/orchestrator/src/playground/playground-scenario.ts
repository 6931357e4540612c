// The cluster a playground starts with: the seed's chain join (node1 master on 8001, node2 and
// node3 join node1, node4 joins through node2), cut short below four nodes and extended past it
// by nodes joining the master. It is judged at the end by the checks that hold whatever a person
// did to it: every handshake matched, causal order, and one view and one master among the nodes
// left running.
import type { Capability, NodeSpec, ScenarioSpec } from "../scenarios/types.js";
import { chainJoin } from "../scenarios/chain-join.js";
import { joinerNode } from "../scenarios/topology.js";

export const PLAYGROUND_NODES = { default: 4, min: 1, max: 32 } as const;

const PLAYGROUND_CHECKS = ["handshakes", "causal-order", "converged", "one-master", "no-ghosts"];

export function playgroundScenario(count: number, capabilities: ReadonlySet<Capability>): ScenarioSpec {
  const chain = chainJoin.build({}).nodes;
  const nodes: NodeSpec[] = chain.slice(0, count);
  for (let i = chain.length + 1; i <= count; i++) nodes.push(joinerNode(i, "node1"));
  return {
    name: "playground",
    description: `A playground: ${count} node(s) started as the seed's chain join, then whatever a person did to them from the live page.`,
    nodes,
    checks: PLAYGROUND_CHECKS,
    // A cut node keeps its address when it is reconnected (Docker pins the subnet for it).
    ...(capabilities.has("network-cut") ? { requires: ["network-cut"] as Capability[] } : {}),
  };
}
