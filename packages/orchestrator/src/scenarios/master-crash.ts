// master-crash: SIGKILL the master; the survivors must mark it failed and elect exactly one new master.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import type { ScenarioDefinition } from "./types.js";

export const masterCrash: ScenarioDefinition = {
  name: "master-crash",
  summary: "N nodes (default 5); kill the master (node1): every survivor marks it failed, one new master",
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default }) =>
    faultScenario(
      "master-crash",
      `${nodes} nodes, node1 master. node1's container is killed (SIGKILL, no leave): every survivor must log member.failed for it, and the survivors must agree on exactly one new master (the lowest id, by the failover rule) and converge on one view.`,
      nodes,
      [{ afterMs: SETTLE_BEFORE_FAULT_MS, fault: "kill", nodes: ["node1"] }],
    ),
};
