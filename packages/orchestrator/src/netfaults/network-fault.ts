// A network fault as the run applies it and the timeline records it: one typed, stable shape per
// kind (the run report draws partitions as groups from it), resolved from a scenario step.

/** Traffic crosses no group boundary and flows freely inside each group; every node is in one group. */
export interface PartitionFault {
  kind: "partition";
  label: string;
  groups: string[][];
}

/** Packets from every `from` node to every `to` node are dropped; the other direction still arrives. */
export interface OneWayFault {
  kind: "one-way";
  label: string;
  from: string[];
  to: string[];
}

/** Each packet arriving at one of `nodes` from the network is dropped with probability `rate`. */
export interface LossFault {
  kind: "loss";
  label: string;
  nodes: string[];
  rate: number;
}

/** Every packet leaving one of `nodes` is held `delayMs` (needs the kernel's netem). */
export interface LatencyFault {
  kind: "latency";
  label: string;
  nodes: string[];
  delayMs: number;
}

export type NetworkFault = PartitionFault | OneWayFault | LossFault | LatencyFault;
export type NetworkFaultKind = NetworkFault["kind"];

/**
 * What a network fault's event in the timeline carries (`fault.partition`, `fault.one-way`,
 * `fault.loss`, `fault.latency`, and `fault.heal` for the end of any of them). The run report and
 * the checks read it; keep it stable.
 */
export interface NetworkFaultRecord {
  action: "apply" | "heal";
  /** The fault applied; for a heal, the fault that ended. */
  fault: NetworkFault;
  /**
   * From the moment the step came due to the moment every rule was in place (or gone), in ms.
   * Absent on a network cut's events, which are written as the Docker call is sent.
   */
  inPlaceMs?: number;
  /** Nodes left alone, and why (never started; restarted since, so its rules went with it). */
  skipped?: { node: string; why: string }[];
}

export const NETWORK_FAULT_KINDS: readonly NetworkFaultKind[] = ["partition", "one-way", "loss", "latency"];

/** The nodes whose network namespace a fault changes (where the rules go). */
export function nodesTouched(fault: NetworkFault): string[] {
  switch (fault.kind) {
    case "partition":
      return fault.groups.flat();
    case "one-way":
      return fault.to;
    case "loss":
    case "latency":
      return fault.nodes;
  }
}

/** Every node a fault names: where its rules go, and whose addresses the rules hold. */
export function nodesNamed(fault: NetworkFault): string[] {
  return fault.kind === "one-way" ? [...fault.from, ...fault.to] : nodesTouched(fault);
}

/** One line for the merged log: "partition {node1, node2} | {node3, node4, node5}". */
export function describeNetworkFault(fault: NetworkFault): string {
  const set = (nodes: readonly string[]) => `{${nodes.join(", ")}}`;
  switch (fault.kind) {
    case "partition":
      return `partition ${fault.groups.map(set).join(" | ")}`;
    case "one-way":
      return `one-way: packets from ${set(fault.from)} to ${set(fault.to)} dropped, the other way passes`;
    case "loss":
      return `loss: ${Math.round(fault.rate * 1000) / 10} % of inbound packets dropped at ${set(fault.nodes)}`;
    case "latency":
      return `latency: ${fault.delayMs} ms added to outbound packets of ${set(fault.nodes)}`;
  }
}
