// The order lanes are shown in: the scenario's node order, a restarted node's new lane right after
// its old one, nodes the scenario does not name after it by name.
import { compareNodeNames } from "./node-order.js";
import type { ReportModel } from "./types.js";

export function laneOrder(model: Pick<ReportModel, "lanes" | "nodes">): number[] {
  const rank = new Map(model.nodes.map((n, i) => [n.name, i] as const));
  return model.lanes
    .map((l, i) => ({ l, i }))
    .sort(
      (a, b) =>
        (rank.get(a.l.node) ?? 1e9) - (rank.get(b.l.node) ?? 1e9) ||
        compareNodeNames(a.l.node, b.l.node) ||
        a.l.gen - b.l.gen,
    )
    .map(({ i }) => i);
}
