// line-join: N nodes, each joining through the previous one (the longest chain).
import { lineNodes } from "./topology.js";
import { JOIN_CHECKS } from "../checks/registry.js";
import type { ScenarioDefinition } from "./types.js";

export const lineJoin: ScenarioDefinition = {
  name: "line-join",
  summary: "N nodes (--nodes, default 8): node1 master, node k joins through node k-1",
  nodes: { default: 8, min: 1, max: 200 },
  build: ({ nodes = 8 }) => {
    return {
      name: "line-join",
      description: `${nodes} nodes in a line: node1 is master, each next node joins through the one before it.`,
      nodes: lineNodes(nodes),
      checks: JOIN_CHECKS,
    };
  },
};
