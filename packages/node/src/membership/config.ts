// Timing and size knobs of the membership engine, with defaults sized for the targets in targets.md.

export interface MembershipConfig {
  /** One probe per period: ping a member, wait for its ack, else ask others to. */
  probeIntervalMs: number;
  /** How long a direct ping may take before indirect probes (ping-req) are sent. */
  probeTimeoutMs: number;
  /** How many other members are asked to probe on our behalf. */
  indirectProbes: number;
  /** Time a suspect has to refute before it is declared failed. */
  suspicionMs: number;
  /**
   * A member we learned of second-hand (a join we admitted, gossip, a join response) is probed only
   * once we heard from it directly, or after this long: a joiner binds UDP only after its join
   * response, and on a starved machine that can take seconds.
   */
  newcomerGraceMs: number;
  /** Period of the anti-entropy push-pull of the full view with one random member. */
  syncIntervalMs: number;
  /** How long failed entries stay in the view (for the record, and so a partition can heal). */
  retainFailedMs: number;
  /** How long left entries stay in the view. */
  retainLeftMs: number;
  /** After a failed record is dropped, its address is kept this long (0: not at all; see reconnect.ts). */
  reconnectTimeoutMs: number;
  /** How often the view is pushed to one such former member. */
  reconnectIntervalMs: number;
  /** How long a node must be the rightful candidate before it promotes itself (lets news arrive). */
  electionDelayMs: number;
  /** Failed members count against the election quorum for this long (then they are history). */
  quorumMemoryMs: number;
  /** Most updates piggybacked on one ping or ack. */
  maxPiggyback: number;
  /** Each update is piggybacked retransmitMult * ceil(log2(n + 1)) times. */
  retransmitMult: number;
  /** Largest datagram we send or accept, in bytes (JSON text). */
  maxDatagramBytes: number;
}

export const DEFAULT_MEMBERSHIP_CONFIG: MembershipConfig = {
  probeIntervalMs: 150,
  probeTimeoutMs: 75,
  indirectProbes: 3,
  suspicionMs: 500,
  newcomerGraceMs: 3000,
  syncIntervalMs: 1000,
  retainFailedMs: 5 * 60_000,
  retainLeftMs: 60_000,
  // Serf's reconnect_timeout and reconnect_interval: a partition of up to a day still heals.
  reconnectTimeoutMs: 24 * 60 * 60_000,
  reconnectIntervalMs: 30_000,
  electionDelayMs: 200,
  quorumMemoryMs: 30_000,
  maxPiggyback: 8,
  retransmitMult: 3,
  maxDatagramBytes: 8000,
};

/** How many times one update is piggybacked before it is dropped from the gossip queue. */
export function retransmitLimit(config: MembershipConfig, clusterSize: number): number {
  return config.retransmitMult * Math.max(1, Math.ceil(Math.log2(clusterSize + 1)));
}
