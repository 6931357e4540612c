// The network's shape along a run, read from the network records of the orchestrator's fault
// events (rule-based faults and network cuts alike): who could exchange packets with whom, and so
// which sides the cluster was split into at any moment.
import type { NetworkFault, NetworkFaultRecord } from "../../netfaults/network-fault.js";
import type { TimelineEntry } from "../../logs/timeline.js";

/** One network fault's window, in the timeline's clock (microseconds). */
export interface NetworkPeriod {
  fault: NetworkFault;
  from: number;
  /** When it was healed (Infinity: never). */
  to: number;
}

/** The network record of a timeline entry, when it is an orchestrator event that has one. */
export function networkRecordOf(entry: TimelineEntry): NetworkFaultRecord | undefined {
  return entry.kind === "orchestrator" ? entry.event.network : undefined;
}

/** Every network fault's window, oldest first. */
export function networkPeriods(timeline: readonly TimelineEntry[]): NetworkPeriod[] {
  const open = new Map<string, NetworkPeriod>();
  const all: NetworkPeriod[] = [];
  for (const entry of timeline) {
    const record = networkRecordOf(entry);
    if (!record) continue;
    if (record.action === "apply") {
      const period = { fault: record.fault, from: entry.t, to: Infinity };
      open.set(record.fault.label, period);
      all.push(period);
    } else {
      const period = open.get(record.fault.label);
      if (period) period.to = entry.t;
      open.delete(record.fault.label);
    }
  }
  return all;
}

/** Does this fault let a and b exchange packets in both directions? */
export function linkedUnder(fault: NetworkFault, a: string, b: string): boolean {
  switch (fault.kind) {
    case "partition":
      return fault.groups.some((g) => g.includes(a) && g.includes(b)) || !fault.groups.flat().includes(a);
    case "one-way":
      return !(
        (fault.from.includes(a) && fault.to.includes(b)) ||
        (fault.from.includes(b) && fault.to.includes(a))
      );
    case "loss":
    case "latency":
      return true; // slowed or thinned, not cut
  }
}

/** The faults that separate a and b (some of their packets cannot pass at all). */
export function separating(periods: readonly NetworkPeriod[], a: string, b: string): NetworkPeriod[] {
  return periods.filter((p) => !linkedUnder(p.fault, a, b));
}

/**
 * The sides at a moment: groups of nodes joined by two-way links (directly, or through each other:
 * indirect probes route around a single broken link), given the faults in force then.
 */
export function sidesOf(inForce: readonly NetworkFault[], nodes: readonly string[]): string[][] {
  const side = new Map<string, number>();
  const sides: string[][] = [];
  for (const start of nodes) {
    if (side.has(start)) continue;
    const members = [start];
    side.set(start, sides.length);
    for (let i = 0; i < members.length; i++) {
      for (const other of nodes) {
        if (side.has(other)) continue;
        if (inForce.every((f) => linkedUnder(f, members[i]!, other))) {
          side.set(other, sides.length);
          members.push(other);
        }
      }
    }
    sides.push(members);
  }
  return sides;
}

/** True when some fault in force splits the nodes into more than one side. */
export function splits(inForce: readonly NetworkFault[], nodes: readonly string[]): boolean {
  return sidesOf(inForce, nodes).length > 1;
}
