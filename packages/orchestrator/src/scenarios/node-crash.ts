// node-crash: SIGKILL one member; every survivor marks it failed, the master stays.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type ScenarioDefinition } from "./types.js";

export const nodeCrash: ScenarioDefinition = {
  name: "node-crash",
  summary: "N nodes (default 5); kill the last member: every survivor marks it failed",
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default }) =>
    faultScenario(
      "node-crash",
      `${nodes} nodes, node1 master. ${nodeName(nodes)}'s container is killed (SIGKILL): every survivor must log member.failed for it (detection time reported), nobody else is declared failed, node1 stays master.`,
      nodes,
      [{ afterMs: SETTLE_BEFORE_FAULT_MS, fault: "kill", nodes: [nodeName(nodes)] }],
    ),
};
