// Whom a node probes each period. With SWIM's shuffled round robin every node picks its own order,
// so a member is probed by each of the n - 1 others once per round of n - 1 periods, at random
// times: in a given period nobody probes it about a third of the time, and the wait for the first
// probe after a crash is exponential (a period on average, over four periods one crash in a
// hundred). The nodes share a clock, so they can share a schedule instead: in round r (the clock
// divided by the probe interval) the member at position i of the ring of present members, sorted
// by id, probes the one at i + d(r), where the distance d(r) (1 .. m - 1) is drawn from a hash of
// r, the same on every node. When the views agree that is a permutation: every member is probed
// by exactly one other every period, by a prober drawn anew each period, so one bad link seldom
// decides twice running. The distance is drawn, not stepped (1, 2, 3 ...): updates also ride on
// pings and acks, and with stepped distances the members a piggybacked update reached in k rounds
// were the sums of k consecutive steps, which overlap, so in the simulator a join took three to
// four times as long to reach everyone. Views that differ (a join still spreading) only make a
// round's probes collide or miss someone, as independent choices always did.

/** The probe round that `now` falls in: one per probe interval, the same on every node. */
export function probeRound(now: number, probeIntervalMs: number): number {
  return Math.floor(now / probeIntervalMs);
}

/**
 * This node's target in `round`: the member its distance for the round away along the ring (ids
 * sorted ascending, this node among them), or, if this node cannot probe that one yet, the first
 * after it that it can. Undefined when this node is alone, not in the ring, or can probe no one.
 */
export function ringTarget(
  ring: readonly number[],
  selfId: number,
  round: number,
  canProbe: (id: number) => boolean,
): number | undefined {
  const m = ring.length;
  const me = indexOf(ring, selfId);
  if (m < 2 || me < 0) return undefined;
  const others = m - 1;
  const first = mix(round) % others; // 0 .. m - 2: distance 1 .. m - 1
  for (let step = 0; step < others; step++) {
    const id = ring[(me + 1 + ((first + step) % others)) % m] as number;
    if (canProbe(id)) return id;
  }
  return undefined;
}

/** A well-spread unsigned 32-bit hash of an integer (murmur3's finaliser over its low 32 bits). */
function mix(round: number): number {
  let h = round >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Position of `id` in an ascending array, or -1 (a binary search). */
function indexOf(sorted: readonly number[], id: number): number {
  let [low, high] = [0, sorted.length - 1];
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const v = sorted[mid] as number;
    if (v === id) return mid;
    if (v < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
