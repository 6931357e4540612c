// What a bring-up cost the cluster's health, read off its merged log up to the checks (the
// teardown's stops are not the bring-up): false deaths (a bench run faults nothing, so every
// `member.failed` is false) and the joiners that needed more than one attempt before they joined
// (the run's own join figures).
import { activeTimeline } from "../checks/membership/replay.js";
import type { RunResult } from "../run/run-result.js";

export interface BringUpHealth {
  /** `member.failed` lines, summed over every node (one false death is seen by up to n nodes). */
  failedLines: number;
  /** Distinct members some node declared failed. */
  falselyFailed: number;
  /** `member.suspect` lines, summed over every node. */
  suspectLines: number;
  /** Joiners that logged a failed attempt before they joined. */
  retriedJoiners: number;
  /** The most attempts one joiner needed (1: nobody retried). */
  maxAttempts: number;
}

export function bringUpHealth(result: Pick<RunResult, "timeline" | "timings">): BringUpHealth {
  const failedIds = new Set<number>();
  let failedLines = 0;
  let suspectLines = 0;
  for (const entry of activeTimeline(result.timeline)) {
    if (entry.kind !== "event") continue;
    const line = entry.line;
    if (line.event === "member.failed") {
      failedLines++;
      failedIds.add(line.peerId);
    } else if (line.event === "member.suspect") suspectLines++;
  }
  const joins = result.timings.joins;
  return {
    failedLines,
    falselyFailed: failedIds.size,
    suspectLines,
    retriedJoiners: joins?.retried ?? 0,
    maxAttempts: joins?.maxAttempts ?? 1,
  };
}
