// split-brain: two nodes both fall back to master (their seed never answers), and each gathers a
// member: two clusters, which the clusters check reports as such.
import type { ScenarioDefinition } from "./types.js";

export const splitBrain: ScenarioDefinition = {
  name: "split-brain",
  summary:
    "node1 and node2 both dial a seed that never comes up and both become master; node3→node1, node4→node2",
  build: () => ({
    name: "split-brain",
    description:
      "node1 and node2 have --makeMasterOnError and the same cluster address, seed:8000, which never answers. The seed's rules make both master: two clusters, {node1, node3} and {node2, node4}. The checks expect and report exactly that; membership and failover (issue 5) are what would merge them.",
    nodes: [
      {
        name: "node1",
        port: 8001,
        clusterip: { host: "seed", port: 8000 },
        makeMasterOnError: true,
        expect: { role: "master" },
      },
      {
        name: "node2",
        port: 8002,
        clusterip: { host: "seed", port: 8000 },
        makeMasterOnError: true,
        expect: { role: "master" },
      },
      { name: "node3", port: 8003, clusterip: "node1", expect: { role: "member" } },
      { name: "node4", port: 8004, clusterip: "node2", expect: { role: "member" } },
    ],
    expectClusters: 2,
  }),
};
