// A builder that continues a model: its events are decoded back into timeline entries and added
// again, so a page that loaded a model can append entries that arrive later (a live run).
import { KIND_LINE, KIND_RAW } from "./event-codec.js";
import { EventTable } from "./event-table.js";
import { ModelBuilder } from "./model-builder.js";
import type { ReportEntry, ReportLogLine, ReportModel } from "./types.js";

export function entriesOf(model: ReportModel): ReportEntry[] {
  const table = new EventTable(model);
  const out: ReportEntry[] = [];
  for (let i = 0; i < table.count; i++) {
    const t = table.absoluteMicros(i);
    const fields = table.decode(i);
    const node = model.lanes[table.lane[i]!]?.node ?? "";
    if (table.kind[i] === KIND_LINE)
      out.push({ kind: "event", node, t, line: fields as unknown as ReportLogLine });
    else if (table.kind[i] === KIND_RAW)
      out.push({
        kind: "raw",
        node,
        t,
        stream: table.eventName(i) === "stderr" ? "stderr" : "stdout",
        text: String(fields.text ?? ""),
      });
    else {
      const { event, ...rest } = fields;
      out.push({
        kind: "orchestrator",
        t,
        event: { ...rest, event: String(event), message: String(rest.message ?? "") },
      });
    }
  }
  return out;
}

export function resumeBuilder(model: ReportModel): ModelBuilder {
  const builder = new ModelBuilder({ ...model.meta, problems: [...model.meta.problems] });
  builder.addAll(entriesOf(model));
  builder.setNodes(model.nodes);
  builder.setChecks(model.checks);
  return builder;
}
