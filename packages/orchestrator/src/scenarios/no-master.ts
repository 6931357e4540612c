// no-master: a lone node with no cluster and no --makeMasterOnError must quit with exit code 1.
import type { ScenarioDefinition } from "./types.js";

export const noMaster: ScenarioDefinition = {
  name: "no-master",
  summary: "one node, no cluster, no --makeMasterOnError: it must quit with exit code 1",
  build: () => ({
    name: "no-master",
    description:
      "node1 dials its own address (nothing listens yet) without --makeMasterOnError. The seed's rule: no cluster and no master flag means quit with an error. Passes only if it did.",
    nodes: [{ name: "node1", port: 8001, clusterip: "node1", expect: { quits: 1 } }],
    expectClusters: 0,
  }),
};
