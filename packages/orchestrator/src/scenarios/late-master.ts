// late-master: joiners start before any master exists; the seed's rules make them quit, then the
// master comes up and a joiner that starts after it joins normally.
import type { ScenarioDefinition } from "./types.js";

export const lateMaster: ScenarioDefinition = {
  name: "late-master",
  summary:
    "node2, node3 dial node1 before it exists and quit (exit 1); node1 then becomes master; node4 joins it",
  build: () => ({
    name: "late-master",
    description:
      "The seed has no retry: a joiner whose cluster does not answer and that has no --makeMasterOnError quits with exit code 1. node2 and node3 start first and must quit; node1 starts after both have exited and falls back to master; node4 starts after node1 is ready and joins.",
    nodes: [
      { name: "node2", port: 8002, clusterip: "node1", startAfter: [], expect: { quits: 1 } },
      { name: "node3", port: 8003, clusterip: "node1", startAfter: [], expect: { quits: 1 } },
      {
        name: "node1",
        port: 8001,
        clusterip: "node1",
        makeMasterOnError: true,
        startAfter: [
          { node: "node2", state: "exited" },
          { node: "node3", state: "exited" },
        ],
        expect: { role: "master" },
      },
      { name: "node4", port: 8004, clusterip: "node1", expect: { role: "member" } },
    ],
  }),
};
