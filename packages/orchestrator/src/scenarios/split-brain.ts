// split-brain: two nodes that both fall back to master (each is configured as the cluster's seed),
// and each gathers a member: two clusters, which the clusters check reports as such.
import type { ScenarioDefinition } from "./types.js";

export const splitBrain: ScenarioDefinition = {
  name: "split-brain",
  summary: "node1 and node2 are both configured as seeds and both become master; node3→node1, node4→node2",
  build: () => ({
    name: "split-brain",
    description:
      "node1 and node2 both have --makeMasterOnError and dial their own address, as the seed's demo master does, so nothing answers either of them. The seed's rules make both master: two clusters, {node1, node3} and {node2, node4}. The checks expect and report exactly that. Membership does not merge them: a node learns members only through a join or from members it already knows, and neither cluster ever hears of the other.",
    nodes: [
      { name: "node1", port: 8001, clusterip: "node1", makeMasterOnError: true, expect: { role: "master" } },
      {
        name: "node2",
        port: 8002,
        clusterip: "node2",
        makeMasterOnError: true,
        // Started together with node1, not after it: neither knows of the other.
        startAfter: [],
        expect: { role: "master" },
      },
      { name: "node3", port: 8003, clusterip: "node1", expect: { role: "member" } },
      { name: "node4", port: 8004, clusterip: "node2", expect: { role: "member" } },
    ],
    expectClusters: 2,
  }),
};
