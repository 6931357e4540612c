// How a run is asked for: the runtime, where to record it, its limits, and the seams others plug
// into (the event stream, further artefacts, the bench's sampling hook).
import type { Logger } from "winston";
import type { ProgressReporter } from "../progress/reporter.js";
import type { FaultTarget } from "./fault-appliers.js";
import type { Runtime, StartedEnvironment, StartedNode } from "../runtime/types.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import type { RunEventListener } from "./run-events.js";
import type { RunResult } from "./run-result.js";

/** What an artefact is written from: the scenario as it ran, and the run's result. */
export interface FinishedRun {
  scenario: ScenarioSpec;
  result: RunResult;
}

/** One more file of the run directory, written from the finished run (the report page, say). */
export interface RunArtifact {
  /** Its key under results.json `files` and RunResult.artifacts. */
  name: string;
  /** Writes the file (the run directory is `result.runDir`) and returns its path. */
  write(run: FinishedRun): Promise<string> | string;
}

export interface RunOptions {
  runtime: Runtime;
  logger: Logger;
  runsDir: string;
  runId?: string;
  /** Keep a failed run's nodes for inspection. */
  keep?: boolean;
  /** Container starts (and creates) in flight (RUN_DEFAULTS.inFlight). */
  inFlight?: number;
  /** Per node, from its start until its expected outcome. */
  readyTimeoutMs?: number;
  /** After every node reached its outcome, how long late lines may take to arrive. */
  settleTimeoutMs?: number;
  dialTimeoutMs?: number;
  signal?: AbortSignal;
  /** Progress on the terminal: a subscriber to the event stream. */
  reporter?: ProgressReporter;
  /** Every event of the run as it happens (run-events.ts). */
  onEvent?: RunEventListener;
  /** Evaluate the checks as evidence arrives, not only at the end (a live page watches). */
  liveChecks?: boolean;
  /** Written into the run directory after merged.log and the report, before results.json. */
  artifacts?: readonly RunArtifact[];
  /** Told the environment once it exists: the force path of Ctrl-C twice removes it directly. */
  onEnvironment?: (env: StartedEnvironment) => void;
  /**
   * Runs once the cluster is up and the schedule is done, before the checks: a playground's
   * session, which applies a person's actions to the running nodes until it is ended.
   */
  interactive?: (target: FaultTarget) => Promise<void>;
  /** Called with the running nodes after the checks, before teardown (the bench samples memory). */
  beforeTeardown?: (nodes: StartedNode[]) => Promise<void>;
}
