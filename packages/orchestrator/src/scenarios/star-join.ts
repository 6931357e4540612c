// star-join: N nodes, every joiner dials the master directly.
import { starNodes } from "./topology.js";
import { JOIN_CHECKS } from "../checks/registry.js";
import type { ScenarioDefinition } from "./types.js";

export const starJoin: ScenarioDefinition = {
  name: "star-join",
  summary: "N nodes (--nodes, default 8): node1 master, every other node joins node1",
  nodes: { default: 8, min: 1, max: 500 },
  build: ({ nodes = 8 }) => {
    return {
      name: "star-join",
      description: `${nodes} nodes: node1 falls back to master, the other ${nodes - 1} join it directly.`,
      nodes: starNodes(nodes),
      checks: JOIN_CHECKS,
    };
  },
};
