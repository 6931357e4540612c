// The merged timeline's entries: a discriminated union with one formatter per kind (logs/format.ts).
import type { NodeLogLine } from "@joinlab/protocol";
import type { LogRecord, LogStream } from "./records.js";
import type { NetworkFaultRecord } from "../netfaults/network-fault.js";

/** Something the orchestrator did or saw: the run's phases, a node launched or exited, a fault. */
export interface OrchestratorEvent {
  t: number;
  time: string;
  event: string;
  node?: string;
  message: string;
  /** Network faults (and network cuts): the fault's groups and parameters. */
  network?: NetworkFaultRecord;
  [field: string]: unknown;
}

export type TimelineEntry =
  | { kind: "event"; node: string; t: number; time: string; index: number; line: NodeLogLine; text: string }
  | { kind: "raw"; node: string; t: number; time: string; index: number; stream: LogStream; text: string }
  | { kind: "orchestrator"; t: number; time: string; index: number; event: OrchestratorEvent };

export function entryNode(entry: TimelineEntry): string {
  return entry.kind === "orchestrator" ? "joinlab" : entry.node;
}

/** One node record as a timeline entry: an event when it is a node log line, raw text otherwise. */
export function entryOf(r: LogRecord): Extract<TimelineEntry, { kind: "event" | "raw" }> {
  return r.line
    ? { kind: "event", node: r.node, t: r.t, time: r.time, index: r.index, line: r.line, text: r.text }
    : { kind: "raw", node: r.node, t: r.t, time: r.time, index: r.index, stream: r.stream, text: r.text };
}
