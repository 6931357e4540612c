// lossy: every node drops a fifth of what it receives for 20 s, and a quarter of the nodes join in
// the middle of it. The failure detector must tell lost packets from dead nodes (no false death)
// and the joins must still go through.
import { MEMBERSHIP_CHECKS } from "../checks/registry.js";
import { SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { starNodes } from "./topology.js";
import type { ScenarioDefinition, ScenarioStep } from "./types.js";

export const LOSSY_RATE = 0.2;
export const LOSSY_MS = 20_000;
export const LOSSY_NODES = { default: 16, min: 4, max: 64 };
/**
 * The newcomers retry their join for this long: a fifth of their TCP segments are lost too, and one
 * lost answer must not make a joiner quit. Within the run's 15 s wait for a node to be ready.
 */
export const LOSSY_JOIN_DEADLINE_MS = 12_000;
/**
 * How long every node leaves a member it learned of second-hand unprobed (--newcomerGrace). Under
 * loss a join response can take TCP's retransmissions (3 s apart after a lost SYN, then 6 s), and a
 * joiner can give up on an answer that was on its way and ask again. It acks pings meanwhile, but
 * cannot refute a suspicion before its engine starts with the response, and a fifth of its acks are
 * lost: with the default 3 s and before the early acks, its peers declared one such joiner failed
 * in 1 of 6 runs. It speaks to them as soon as it is up, which ends the grace.
 */
export const LOSSY_NEWCOMER_GRACE_MS = 15_000;

export const lossy: ScenarioDefinition = {
  name: "lossy",
  summary: `N nodes (default 16): ${LOSSY_RATE * 100} % inbound packet loss on every node for ${LOSSY_MS / 1000} s, a quarter of them joining meanwhile; no false death`,
  nodes: LOSSY_NODES,
  build: ({ nodes = LOSSY_NODES.default }) => {
    const late = Math.max(1, Math.floor(nodes / 4));
    const retry = ["--joinDeadline", String(LOSSY_JOIN_DEADLINE_MS)];
    const grace = ["--newcomerGrace", String(LOSSY_NEWCOMER_GRACE_MS)];
    const specs = starNodes(nodes).map((n, i) => {
      const flags = [...(n.flags ?? []), ...grace];
      return i >= nodes - late ? { ...n, deferred: true, flags: [...flags, ...retry] } : { ...n, flags };
    });
    const joiners = specs.filter((n) => n.deferred).map((n) => n.name);
    // The joins spread over the middle of the loss, the first a few seconds in.
    const gap = Math.floor(LOSSY_MS / (joiners.length + 2));
    const steps: ScenarioStep[] = [
      { afterMs: SETTLE_BEFORE_FAULT_MS, fault: "loss", rate: LOSSY_RATE, label: "lossy" },
      ...joiners.map((name): ScenarioStep => ({ afterMs: gap, fault: "start", nodes: [name] })),
      { afterMs: LOSSY_MS - gap * joiners.length, fault: "heal", label: "lossy" },
    ];
    return {
      name: "lossy",
      description: `${nodes} nodes, node1 master. For ${LOSSY_MS} ms every node drops ${LOSSY_RATE * 100} % of the packets it receives from the network (iptables statistic match in its namespace; loopback untouched); ${joiners.join(", ")} start one by one during the loss (the loss is in place in a newcomer's namespace before its program runs) and join through node1, retrying for up to ${LOSSY_JOIN_DEADLINE_MS / 1000} s; every node leaves a member it has not heard from yet unprobed for up to ${LOSSY_NEWCOMER_GRACE_MS / 1000} s. Probes and their answers get lost, so suspicions come and go; the failure detector must refute them in time: no node may be declared failed, every join must succeed, and after the heal there is one view and one master.`,
      nodes: specs,
      checks: MEMBERSHIP_CHECKS,
      steps,
      settleMs: 10_000,
      convergeWithinMs: 5000,
    };
  },
};
