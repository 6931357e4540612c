// star-join: N nodes, every joiner dials the master directly.
import { nodeName, portOf, type NodeSpec, type ScenarioDefinition } from "./types.js";

export const starJoin: ScenarioDefinition = {
  name: "star-join",
  summary: "N nodes (--nodes, default 8): node1 master, every other node joins node1",
  nodes: { default: 8, min: 1, max: 500 },
  build: ({ nodes = 8 }) => {
    const list: NodeSpec[] = [
      {
        name: "node1",
        port: portOf(1),
        clusterip: "node1",
        makeMasterOnError: true,
        expect: { role: "master" },
      },
    ];
    for (let i = 2; i <= nodes; i++) {
      list.push({ name: nodeName(i), port: portOf(i), clusterip: "node1", expect: { role: "member" } });
    }
    return {
      name: "star-join",
      description: `${nodes} nodes: node1 falls back to master, the other ${nodes - 1} join it directly.`,
      nodes: list,
    };
  },
};
