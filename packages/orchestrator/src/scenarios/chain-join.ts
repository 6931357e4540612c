// chain-join: the seed's own demo topology, named as the seed article and compose.yaml name it.
import { JOIN_CHECKS } from "../checks/registry.js";
import type { ScenarioDefinition } from "./types.js";

export const chainJoin: ScenarioDefinition = {
  name: "chain-join",
  summary:
    "the seed's demo: node1 master (8001); node2 (8002) and node3 (8004) join node1; node4 (8003) joins through node2",
  build: () => ({
    name: "chain-join",
    description:
      "The seed article's topology, as compose.yaml names it. node1 (8001) falls back to master; node2 (8002) and node3 (8004) join through node1; node4 (8003) joins through node2, a member, not the master: the chain join is node4's.",
    nodes: [
      { name: "node1", port: 8001, clusterip: "node1", makeMasterOnError: true, expect: { role: "master" } },
      { name: "node2", port: 8002, clusterip: "node1", expect: { role: "member" } },
      { name: "node3", port: 8004, clusterip: "node1", expect: { role: "member" } },
      { name: "node4", port: 8003, clusterip: "node2", expect: { role: "member" } },
    ],
    checks: JOIN_CHECKS,
  }),
};
