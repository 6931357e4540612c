// SWIM's rule for which of two claims about the same member wins.
import type { MemberRecord, MemberState } from "./types.js";

const RANK: Record<MemberState, number> = { alive: 0, suspect: 1, failed: 2, left: 3 };

/**
 * True when `incoming` should replace `current` (same member id).
 * - left is terminal: only the member itself leaves, and it never comes back under the same id.
 * - a higher incarnation wins: only the member bumps it, so it is the freshest word from the member.
 * - at equal incarnation the worse state wins (alive < suspect < failed): an accusation stands until
 *   the member refutes it with a higher incarnation.
 */
export function supersedes(incoming: MemberRecord, current: MemberRecord): boolean {
  if (current.state === "left") return false;
  if (incoming.state === "left") return true;
  if (incoming.inc !== current.inc) return incoming.inc > current.inc;
  return RANK[incoming.state] > RANK[current.state];
}

/** Members that are still in the cluster as far as we know (a suspect may refute). */
export function isPresent(r: MemberRecord): boolean {
  return r.state === "alive" || r.state === "suspect";
}
