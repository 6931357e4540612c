// What a run returns and records in results.json: the verdict, every check, timings, per-node
// summaries and the merged timeline.
import type { JoinRetryFigures } from "../checks/join-attempts.js";
import type { membershipFigures } from "../checks/membership-view.js";
import type { CheckResult, Validity } from "../checks/types.js";
import type { TimelineEntry } from "../logs/timeline.js";
import type { ClockReport, ExitInfo } from "../runtime/types.js";
import type { NodeSpec } from "../scenarios/types.js";

export interface NodeSummary {
  name: string;
  id?: string;
  address: string;
  clusterip: string;
  expect: NodeSpec["expect"];
  nodeId?: number;
  /** The machine it ran on, when the runtime spreads nodes over several (the swarm host). */
  host?: string;
  exit?: ExitInfo;
  notStarted?: string;
  /** Milliseconds from the run's first create. */
  createdMs?: number;
  startedMs?: number;
  readyMs?: number;
  exitedMs?: number;
}

export interface RunTimings {
  /** From the first container create until every check ran: "up + verified". */
  upAndVerifiedMs?: number;
  /** When the first container create (or process spawn) was sent, from the run's start. */
  firstCreateMs?: number;
  firstReadyMs?: number;
  allStartedMs?: number;
  allOutcomesMs?: number;
  teardownMs?: number;
  totalMs: number;
  /** Writing each artefact after the run (report.html, ...; not part of totalMs). */
  artifactMs?: Record<string, number>;
  /** Joiners that needed more than one attempt (--joinDeadline), and how many attempts. */
  joins?: JoinRetryFigures;
  /** Fault scenarios: detection per fault, convergence after each fault or heal (ms, log clocks). */
  membership?: ReturnType<typeof membershipFigures>;
}

export interface RunResult {
  runId: string;
  scenario: string;
  runtime: string;
  verdict: Validity;
  exitCode: 0 | 1 | 2;
  checks: CheckResult[];
  runDir: string;
  mergedLog: string;
  /** Further files the run wrote (report.html as `report`, RunOptions.artifacts), by name: absolute paths. */
  artifacts: Record<string, string>;
  timings: RunTimings;
  /** Engine clock offsets and the error bound of the corrected log timestamps (swarm). */
  clocks?: ClockReport;
  nodes: NodeSummary[];
  /** Why the run could not tell (Docker failed, interrupted, missing capability). */
  error?: string;
  interrupted?: boolean;
  kept?: boolean;
  timeline: TimelineEntry[];
}

/** 0 valid, 1 invalid, 2 could not tell. */
export function exitCodeOf(verdict: Validity): 0 | 1 | 2 {
  return verdict === true ? 0 : verdict === false ? 1 : 2;
}
