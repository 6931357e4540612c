// The deterministic master rule: every node computes the same answer from the same view.
import { isPresent } from "./precedence.js";
import type { MemberRecord } from "./types.js";

/** (epoch, id) order of master claims: the higher epoch wins, then the lower id. */
export function betterClaim(a: MemberRecord, b: MemberRecord): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  return a.id < b.id;
}

/**
 * The master of a view: among present (alive or suspect) members whose role is master, the best
 * claim. Suspects still count, so one missed probe does not start a failover.
 */
export function currentMaster(view: Iterable<MemberRecord>): MemberRecord | undefined {
  let best: MemberRecord | undefined;
  for (const r of view) {
    if (r.role !== "master" || !isPresent(r)) continue;
    if (!best || betterClaim(r, best)) best = r;
  }
  return best;
}

/**
 * Who should promote itself when the view has no master: the present, non-seed member with the
 * lowest id (seed nodes cannot be probed, so they cannot be relied on to answer).
 */
export function electionWinner(view: Iterable<MemberRecord>): MemberRecord | undefined {
  let best: MemberRecord | undefined;
  for (const r of view) {
    if (!isPresent(r) || r.seed) continue;
    if (!best || r.id < best.id) best = r;
  }
  return best;
}

/** Highest epoch any record mentions: a new master takes this + 1. */
export function highestEpoch(view: Iterable<MemberRecord>): number {
  let max = 0;
  for (const r of view) max = Math.max(max, r.epoch);
  return max;
}
