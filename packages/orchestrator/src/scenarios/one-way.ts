// one-way: the master can send but not hear (every other node's packets to it are dropped; its own
// still arrive). Membership must conclude that it is failed: the others declare it failed and
// elect a new master; it, hearing nobody, declares the others failed and resigns (no quorum); no
// node that still hears the others is declared failed. After the heal: one view, one master.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type ScenarioDefinition } from "./types.js";

/** Detection (~1.1 s), the deaf node's resignation and its peers re-failing it after its role change. */
export const ONE_WAY_HOLD_MS = 4000;

export const oneWay: ScenarioDefinition = {
  name: "one-way",
  summary: `N nodes (default 5); the master hears nobody for ${ONE_WAY_HOLD_MS / 1000} s but is still heard: failed by the others, who elect a new master; then healed`,
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default }) => {
    const others = Array.from({ length: nodes - 1 }, (_, i) => nodeName(i + 2));
    return faultScenario(
      "one-way",
      `${nodes} nodes, node1 master. For ${ONE_WAY_HOLD_MS} ms every packet from ${others.join(", ")} to node1 is dropped, while node1's packets still arrive: node1 can send but not hear. A node that cannot answer a probe is failed, whatever it sends: the others declare node1 failed (its pings and accusations reach them, but its acks never do) and elect a new master; node1 hears no ack, declares everyone failed and resigns for want of a quorum; no node that still hears the others is declared failed by them. After the heal node1 refutes, and there is one view and one master (the new one).`,
      nodes,
      [
        { afterMs: SETTLE_BEFORE_FAULT_MS, fault: "one-way", from: others, to: ["node1"], label: "deaf" },
        { afterMs: ONE_WAY_HOLD_MS, fault: "heal", label: "deaf" },
      ],
    );
  },
};
