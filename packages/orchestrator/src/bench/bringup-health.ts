// What a bring-up cost the cluster's health, read off its merged log: false deaths (a bench run
// faults nothing, so every `member.failed` is false) and the joiners that needed more than one
// attempt before they joined.
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
}

export function bringUpHealth(result: Pick<RunResult, "timeline">): BringUpHealth {
  const failedIds = new Set<number>();
  const failedAttempts = new Set<string>();
  const joined = new Set<string>();
  let failedLines = 0;
  let suspectLines = 0;
  for (const entry of result.timeline) {
    if (entry.kind !== "event") continue;
    const line = entry.line;
    if (line.event === "member.failed") {
      failedLines++;
      failedIds.add(line.peerId);
    } else if (line.event === "member.suspect") suspectLines++;
    else if (line.event === "join.failed") failedAttempts.add(entry.node);
    else if (line.event === "node.joined") joined.add(entry.node);
  }
  const retriedJoiners = [...failedAttempts].filter((node) => joined.has(node)).length;
  return { failedLines, falselyFailed: failedIds.size, suspectLines, retriedJoiners };
}
