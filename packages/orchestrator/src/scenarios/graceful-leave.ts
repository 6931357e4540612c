// graceful-leave: SIGTERM one member; it announces a leave, which everyone records as left, not failed.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type ScenarioDefinition } from "./types.js";

export const gracefulLeave: ScenarioDefinition = {
  name: "graceful-leave",
  summary: "N nodes (default 5); stop (SIGTERM) a member: everyone records it left, never failed",
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default }) =>
    faultScenario(
      "graceful-leave",
      `${nodes} nodes, node1 master. ${nodeName(2)} is stopped gracefully (docker stop: SIGTERM): it sends leave, so every survivor must record member.left (reason leave) and none member.failed.`,
      nodes,
      [{ afterMs: SETTLE_BEFORE_FAULT_MS, fault: "stop", nodes: [nodeName(2)] }],
    ),
};
