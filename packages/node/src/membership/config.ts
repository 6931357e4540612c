// Timing and size knobs of the membership engine, their defaults, the ranges they must stay in,
// and how they scale with the cluster's size (after memberlist's util.go).

export interface MembershipConfig {
  /** One probe per period (scaled by local health): ping a member, wait for its ack, else ask others to. */
  probeIntervalMs: number;
  /** How long a direct ping may take before indirect probes (ping-req) are sent (scaled by local health). */
  probeTimeoutMs: number;
  /** How many other members are asked to probe on our behalf. */
  indirectProbes: number;
  /** Shortest time a suspect has to refute (at up to 10 members; grows with log10 of the size). */
  suspicionMs: number;
  /** A suspicion starts at suspicionMaxMult times the shortest, and shrinks as others confirm it. */
  suspicionMaxMult: number;
  /** Independent confirmations that bring a suspicion down to its shortest time. */
  suspicionConfirmations: number;
  /** Local health score cap (Lifeguard): probe period and timeout are scaled by score + 1. */
  awarenessMax: number;
  /** Period of the gossip tick, while there is news to pass on. */
  gossipIntervalMs: number;
  /** Members each gossip tick sends its news to. */
  gossipFanout: number;
  /**
   * A member we learned of second-hand (a join we admitted, gossip, a join response) is probed only
   * once we heard from it directly, or after this long: a joiner acks pings before its join, but its
   * engine starts only with its join response, and on a starved machine that can take seconds.
   */
  newcomerGraceMs: number;
  /**
   * For this long after we first learn of a member, a suspicion of it runs its longest time
   * (suspicionMaxMult times the shortest), however many confirm it: a new process on a busy host
   * is at its slowest in its first seconds (starting its runtime, compiling its code), and at 64
   * containers on two cores nodes stalled again and again for 0.5–2.5 s in their first 10 s. Off
   * (0) by default: a member that crashes in its first seconds is then declared as fast as any other.
   */
  newcomerWindowMs: number;
  /** Period of the anti-entropy push-pull of the full view with a present member (scaled up past 32 members). */
  syncIntervalMs: number;
  /**
   * Period of the push of the view to one failed member, while there is one (scaled as the
   * push-pull): what heals a partition. Apart from syncIntervalMs, so that large idle clusters can
   * push-pull rarely and still heal fast; an idle cluster with no failed member never pays for it.
   */
  healIntervalMs: number;
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
  /** Most updates piggybacked on one ping or ack (a gossip round fills its datagram). */
  maxPiggyback: number;
  /** Each update is sent retransmitMult * ceil(log2(n + 1)) times. */
  retransmitMult: number;
  /** Largest datagram we send or accept, in bytes (JSON text). */
  maxDatagramBytes: number;
}

export const DEFAULT_MEMBERSHIP_CONFIG: MembershipConfig = {
  probeIntervalMs: 175,
  probeTimeoutMs: 85,
  indirectProbes: 3,
  suspicionMs: 400,
  suspicionMaxMult: 4,
  suspicionConfirmations: 2,
  awarenessMax: 8,
  gossipIntervalMs: 200,
  gossipFanout: 3,
  newcomerGraceMs: 3000,
  newcomerWindowMs: 0,
  syncIntervalMs: 1000,
  healIntervalMs: 1000,
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

/** How many times one update is sent (piggybacked or gossiped) before it is dropped from the queue. */
export function retransmitLimit(config: MembershipConfig, clusterSize: number): number {
  return config.retransmitMult * Math.max(1, Math.ceil(Math.log2(clusterSize + 1)));
}

/** Up to this many members the push-pull period is not scaled (memberlist's pushPullScaleThreshold). */
export const SYNC_SCALE_THRESHOLD = 32;

/** A full-view period at this size: one more base period per doubling past the threshold (pushPullScale). */
export function scaledPeriod(baseMs: number, clusterSize: number): number {
  if (clusterSize <= SYNC_SCALE_THRESHOLD) return baseMs;
  const multiplier = Math.ceil(Math.log2(clusterSize) - Math.log2(SYNC_SCALE_THRESHOLD)) + 1;
  return multiplier * baseMs;
}

/** Shortest suspicion at this size: suspicionMs, times log10 of the size past 10 (suspicionTimeout). */
export function suspicionMin(config: MembershipConfig, clusterSize: number): number {
  return Math.round(config.suspicionMs * Math.max(1, Math.log10(Math.max(1, clusterSize))));
}
