// partition-halves: split the cluster into two groups that go on talking among themselves (rules in
// each node's network namespace, not a disconnect): the majority keeps or elects one master, the
// minority's master resigns for want of a quorum, and after the heal there is one view, one master.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type ScenarioDefinition } from "./types.js";

/** Long enough for each side to declare the other failed (~1.1 s) and the majority to elect (+0.2 s). */
export const HALVES_HOLD_MS = 4000;

export const partitionHalves: ScenarioDefinition = {
  name: "partition-halves",
  summary: `N nodes (default 5) split into a minority with the master and a majority for ${HALVES_HOLD_MS / 1000} s, each side still talking inside; then healed`,
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default }) => {
    const all = Array.from({ length: nodes }, (_, i) => nodeName(i + 1));
    const minority = all.slice(0, Math.floor(nodes / 2));
    const majority = all.slice(minority.length);
    return faultScenario(
      "partition-halves",
      `${nodes} nodes, node1 master, split {${minority.join(", ")}} | {${majority.join(", ")}} for ${HALVES_HOLD_MS} ms by rules in each node's network namespace: traffic crosses no group boundary and flows freely inside each. While it holds, each side sees its own nodes alive and the other side failed, and nobody is declared failed by its own side; the majority elects exactly one master (the lowest id among them), the old master resigns (no quorum) and the minority has none. After the heal: one view and one master again.`,
      nodes,
      [
        {
          afterMs: SETTLE_BEFORE_FAULT_MS,
          fault: "partition",
          groups: [minority, majority],
          label: "halves",
        },
        { afterMs: HALVES_HOLD_MS, fault: "heal", label: "halves" },
      ],
    );
  },
};
