// split-and-merge: an even split, held long enough for each side to declare the other failed.
// Neither side has a majority, so neither has a master (the old one resigns); after the heal the
// two sides must merge into one cluster with one master within the documented bound.
import { faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type ScenarioDefinition } from "./types.js";

/** Each side declares the other failed in about 1.5 s; hold well past that. */
export const SPLIT_HOLD_MS = 5000;
/** One cluster and one master again within this long after the heal (measured; docs/scenarios.md). */
export const MERGE_WITHIN_MS = 3000;
export const SPLIT_NODES = { default: 6, min: 4, max: 32 };

export const splitAndMerge: ScenarioDefinition = {
  name: "split-and-merge",
  summary: `N nodes (default 6) split into two even halves for ${SPLIT_HOLD_MS / 1000} s (neither has a quorum), then merged: one cluster, one master within ${MERGE_WITHIN_MS / 1000} s`,
  nodes: SPLIT_NODES,
  build: ({ nodes = SPLIT_NODES.default }) => {
    const all = Array.from({ length: nodes }, (_, i) => nodeName(i + 1));
    const left = all.slice(0, Math.ceil(nodes / 2));
    const right = all.slice(left.length);
    return faultScenario(
      "split-and-merge",
      `${nodes} nodes, node1 master, split {${left.join(", ")}} | {${right.join(", ")}} for ${SPLIT_HOLD_MS} ms by rules in each node's network namespace. Each side declares the other failed; ${left.length === right.length ? "neither" : "only the larger"} side holds a majority, so ${left.length === right.length ? "node1 resigns and neither side has a master" : "only it has a master"}. After the heal the sides exchange views (each node pushes its view to a failed member every second), every node is alive in every view again and one master is elected, all within ${MERGE_WITHIN_MS} ms.`,
      nodes,
      [
        { afterMs: SETTLE_BEFORE_FAULT_MS, fault: "partition", groups: [left, right], label: "split" },
        { afterMs: SPLIT_HOLD_MS, fault: "heal", label: "split" },
      ],
      { convergeWithinMs: MERGE_WITHIN_MS },
    );
  },
};
