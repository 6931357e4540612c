// chain-join: the seed's own demo topology (master; 8002→8001; 8004→8001; 8003→8002).
import type { ScenarioDefinition } from "./types.js";

export const chainJoin: ScenarioDefinition = {
  name: "chain-join",
  summary: "the seed's demo: node1 master; node2 and node4 join node1; node3 joins through node2",
  build: () => ({
    name: "chain-join",
    description:
      "The seed article's topology. node1 falls back to master; node2 and node4 join through node1; node3 joins through node2, a member, not the master.",
    nodes: [
      { name: "node1", port: 8001, clusterip: "node1", makeMasterOnError: true, expect: { role: "master" } },
      { name: "node2", port: 8002, clusterip: "node1", expect: { role: "member" } },
      { name: "node4", port: 8004, clusterip: "node1", expect: { role: "member" } },
      { name: "node3", port: 8003, clusterip: "node2", expect: { role: "member" } },
    ],
  }),
};
