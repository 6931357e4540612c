// How many attempts each joiner needed: a --joinDeadline joiner logs one join.failed per failed
// attempt before the one that got through. The handshake check's summary and results.json's
// `timings.joins` count them; a retry is no error in itself.
import type { TimelineEntry } from "../logs/timeline.js";
import { entriesOf } from "./types.js";

export interface JoinRetryFigures {
  /** Nodes that joined (logged node.joined). */
  joined: number;
  /** Of those, how many failed at least one attempt first. */
  retried: number;
  /** Failed attempts before a success, over all joiners. */
  failedAttempts: number;
  /** The most attempts one joiner needed (1: nobody retried). */
  maxAttempts: number;
  /** The joiners that retried, with their attempt counts: {"node17": 3}. */
  attemptsByNode: Record<string, number>;
}

export function joinRetryFigures(timeline: readonly TimelineEntry[]): JoinRetryFigures {
  const joined = new Set(entriesOf(timeline, "node.joined").map((e) => e.node));
  const failed = new Map<string, number>();
  for (const e of entriesOf(timeline, "join.failed")) {
    // A joiner's failures before it joined; a fallback master's are the seed's rule, not retries.
    if (joined.has(e.node)) failed.set(e.node, (failed.get(e.node) ?? 0) + 1);
  }
  const attemptsByNode = Object.fromEntries([...failed].map(([node, n]) => [node, n + 1]));
  return {
    joined: joined.size,
    retried: failed.size,
    failedAttempts: [...failed.values()].reduce((a, b) => a + b, 0),
    maxAttempts: Math.max(1, ...Object.values(attemptsByNode)),
    attemptsByNode,
  };
}
