// The model as report.html stores it: without the belief changes and gossip edges, which follow
// from the events and the lanes and would be a third of a large report. The page (and anything
// else that reads a stored model) hydrates them back, the way the builder made them.
import { BeliefTracker, type LaneLookup } from "./belief-tracker.js";
import { KIND_LINE } from "./event-codec.js";
import { EventTable } from "./event-table.js";
import type { ReportLogLine, ReportModel } from "./types.js";

export type StoredModel = Omit<ReportModel, "beliefs" | "edges">;

export function storedModel(model: ReportModel): StoredModel {
  const { beliefs: _b, edges: _e, ...stored } = model;
  return stored;
}

export function hydrateModel(stored: StoredModel, table = new EventTable(stored)): ReportModel {
  const byId = new Map<number, number>();
  stored.lanes.forEach((l, i) => l.ids.forEach((id) => byId.set(id, i)));
  const lookup: LaneLookup = { lanes: stored.lanes, laneOfId: (id) => byId.get(id), onId: () => {} };
  const tracker = new BeliefTracker(lookup);
  for (let i = 0; i < table.count; i++) {
    if (table.kind[i] !== KIND_LINE || !table.eventName(i).startsWith("member.")) continue;
    const line: ReportLogLine = {
      nodeId: table.field(i, "nodeId") as number,
      event: table.eventName(i),
      peerId: table.field(i, "peerId") as number,
      self: table.field(i, "self"),
      by: table.field(i, "by"),
    };
    tracker.add(table.lane[i]!, line, i);
  }
  return { ...stored, beliefs: tracker.beliefs, edges: tracker.edges };
}
