// restart-rejoin: crash a member and start it again at the same address: its new process (new id)
// rejoins and replaces the old entry, which must not haunt any view.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type ScenarioDefinition } from "./types.js";

export const restartRejoin: ScenarioDefinition = {
  name: "restart-rejoin",
  summary: "N nodes (default 5); crash-restart a member: its new process (new id) replaces the old entry",
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default }) =>
    faultScenario(
      "restart-rejoin",
      `${nodes} nodes, node1 master. ${nodeName(2)} is killed (SIGKILL) and its container started again at once: the new process (new id, same address) joins through node1 again. Every survivor must record the old id as left (replaced) or failed and the new one alive; one view, one master.`,
      nodes,
      [{ afterMs: SETTLE_BEFORE_FAULT_MS, fault: "restart", nodes: [nodeName(2)] }],
    ),
};
