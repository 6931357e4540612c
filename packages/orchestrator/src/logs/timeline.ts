// The merged timeline's entries: a discriminated union with one formatter per kind (logs/format.ts).
import type { NodeLogLine } from "@joinlab/protocol";
import type { LogStream } from "./records.js";
import type { NetworkFaultRecord } from "../netfaults/network-fault.js";

/** Something the orchestrator did or saw (container started, node exited; faults in issue 5). */
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
