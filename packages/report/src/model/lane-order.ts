// The order lanes are shown in: the scenario's node order, a restarted node's new lane right after
// its old one, nodes the scenario does not name after it by name.
import type { ReportModel } from "./types.js";

/** Node names in node order (node2 before node10); one collator, as localeCompare makes one per call. */
const NODE_ORDER = new Intl.Collator("en", { numeric: true });

export function laneOrder(model: Pick<ReportModel, "lanes" | "nodes">): number[] {
  const rank = new Map(model.nodes.map((n, i) => [n.name, i] as const));
  return model.lanes
    .map((l, i) => ({ l, i }))
    .sort(
      (a, b) =>
        (rank.get(a.l.node) ?? 1e9) - (rank.get(b.l.node) ?? 1e9) ||
        NODE_ORDER.compare(a.l.node, b.l.node) ||
        a.l.gen - b.l.gen,
    )
    .map(({ i }) => i);
}
