// What a network fault means inside each node's network namespace, and the iptables-restore text
// that adds it and takes exactly it away again. Pure: addresses in, text out.
//
// Every fault gets a chain of its own (JLF-<n>) holding its rules, reached from INPUT by one jump
// tagged with a comment naming the run and the fault. Applying is one iptables-restore
// transaction (--noflush: nothing else is touched, every rule lands at once); healing deletes that
// jump, flushes the chain and removes it, so other faults' rules and Docker's own (the embedded
// DNS's nat rules) stay as they were. Packets are dropped where they arrive (INPUT), which cuts TCP
// and UDP alike: a SYN never reaches its listener, a datagram never reaches its socket.
import type { NetworkFault } from "./network-fault.js";

/** What one node's namespace must drop (or delay) for one fault. */
export interface NodeRules {
  /** Drop every packet from these IPv4 addresses. */
  dropFrom: string[];
  /** Drop this fraction of packets arriving from the network (not loopback: Docker's DNS lives there). */
  lossRate?: number;
  /** Delay every packet leaving the node's network interface (tc netem). */
  delayMs?: number;
}

/** How a fault's rules are found again: its chain and the comment on the jump to it. */
export interface RuleTag {
  chain: string;
  comment: string;
}

/** The interface a container has on the run's network (Docker names the first one eth0). */
export const NODE_INTERFACE = "eth0";

/** A tag unique within the run: chain names are at most 28 characters, comments 256. */
export function ruleTag(runId: string, sequence: number, label: string): RuleTag {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_.:=-]/g, "_").slice(0, 100);
  return { chain: `JLF-${sequence}`, comment: `joinlab run=${safe(runId)} fault=${safe(label)}` };
}

/**
 * Per node, what the fault asks of its namespace. `addressOf` gives a node's IPv4 address on the
 * run's network; nodes the fault does not touch are absent from the result.
 */
export function rulesFor(fault: NetworkFault, addressOf: (node: string) => string): Map<string, NodeRules> {
  const plan = new Map<string, NodeRules>();
  switch (fault.kind) {
    case "partition":
      for (const group of fault.groups) {
        const others = fault.groups.filter((g) => g !== group).flat();
        for (const node of group) plan.set(node, { dropFrom: others.map(addressOf) });
      }
      break;
    case "one-way":
      for (const node of fault.to)
        plan.set(node, { dropFrom: fault.from.filter((n) => n !== node).map(addressOf) });
      break;
    case "loss":
      for (const node of fault.nodes) plan.set(node, { dropFrom: [], lossRate: fault.rate });
      break;
    case "latency":
      for (const node of fault.nodes) plan.set(node, { dropFrom: [], delayMs: fault.delayMs });
      break;
  }
  return plan;
}

/** True when the rules need iptables (latency alone needs only tc). */
export function needsFilter(rules: NodeRules): boolean {
  return rules.dropFrom.length > 0 || rules.lossRate !== undefined;
}

/** iptables-restore --noflush input that adds the fault's chain and the tagged jump to it. */
export function applyScript(tag: RuleTag, rules: NodeRules): string {
  const lines = ["*filter", `:${tag.chain} - [0:0]`];
  for (const ip of rules.dropFrom) lines.push(`-A ${tag.chain} -s ${ip}/32 -j DROP`);
  if (rules.lossRate !== undefined) {
    // statistic's probability has 2^-31 resolution; 1 drops everything, as asked.
    const p = Math.min(1, Math.max(0, rules.lossRate));
    lines.push(`-A ${tag.chain} ! -i lo -m statistic --mode random --probability ${p} -j DROP`);
  }
  lines.push(`-I INPUT 1 -m comment --comment "${tag.comment}" -j ${tag.chain}`, "COMMIT", "");
  return lines.join("\n");
}

/** iptables-restore --noflush input that removes exactly what applyScript added. */
export function healScript(tag: RuleTag): string {
  return [
    "*filter",
    `-D INPUT -m comment --comment "${tag.comment}" -j ${tag.chain}`,
    `-F ${tag.chain}`,
    `-X ${tag.chain}`,
    "COMMIT",
    "",
  ].join("\n");
}

/** tc arguments that add and remove the delay (netem on the node's interface). */
export function delayCommand(delayMs: number): string[] {
  return ["tc", "qdisc", "add", "dev", NODE_INTERFACE, "root", "netem", "delay", `${delayMs}ms`];
}

export function undelayCommand(): string[] {
  return ["tc", "qdisc", "del", "dev", NODE_INTERFACE, "root"];
}
