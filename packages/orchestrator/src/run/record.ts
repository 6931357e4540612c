// The record phase: the merged log, the report page and any further artefacts
// (RunOptions.artifacts), results.json, and the result itself, which ends the event stream.
import { formatTimeline } from "../logs/format.js";
import { MERGED_FILE, RESULTS_FILE, TRACE_FILE } from "../results/run-dir.js";
import { basename } from "node:path";
import { REPORT_ARTIFACT } from "../results/report-artifact.js";
import type { RunContext } from "./run-context.js";
import type { RunArtifact } from "./run-options.js";
import type { RunNodes } from "./run-nodes.js";
import { exitCodeOf, type RunResult } from "./run-result.js";
import type { Verification } from "./verify.js";

export async function recordRun(
  run: RunContext,
  nodes: RunNodes | undefined,
  verification: Verification,
  kept: boolean,
): Promise<RunResult> {
  run.emit({ kind: "phase", phase: "record" });
  const timeline = run.timeline(nodes?.records() ?? new Map());
  const result: RunResult = {
    runId: run.runId,
    scenario: run.scenario.name,
    runtime: run.runtime.kind,
    verdict: verification.verdict,
    exitCode: exitCodeOf(verification.verdict),
    checks: verification.checks,
    runDir: run.dir.path,
    mergedLog: run.dir.writeFile(MERGED_FILE, formatTimeline(timeline)),
    artifacts: {},
    timings: run.timings,
    ...(run.clocks ? { clocks: run.clocks } : {}),
    nodes: nodes?.summaries() ?? [],
    ...(run.error ? { error: run.error } : {}),
    ...(run.interrupted ? { interrupted: true } : {}),
    ...(kept ? { kept: true } : {}),
    timeline,
  };
  await writeArtifacts(run, result);
  writeResults(run, result);
  run.emit({ kind: "done", result });
  await run.close();
  return result;
}

/** Every run's own artefacts, before the caller's. */
const STANDARD_ARTIFACTS: readonly RunArtifact[] = [REPORT_ARTIFACT];

/** Each artefact in turn, timed; one that fails is reported and leaves the verdict alone. */
async function writeArtifacts(run: RunContext, result: RunResult): Promise<void> {
  const timings: Record<string, number> = {};
  for (const artifact of [...STANDARD_ARTIFACTS, ...(run.options.artifacts ?? [])]) {
    const started = performance.now();
    try {
      result.artifacts[artifact.name] = await artifact.write({ scenario: run.scenario, result });
    } catch (err) {
      run.logger.warn(`run ${run.runId}: could not write ${artifact.name}: ${(err as Error).message}`);
    }
    timings[artifact.name] = Math.round((performance.now() - started) * 10) / 10;
  }
  result.timings.artifactMs = timings;
}

function writeResults(run: RunContext, result: RunResult): void {
  const { timeline: _omit, artifacts, ...saved } = result;
  const files = {
    mergedLog: MERGED_FILE,
    trace: TRACE_FILE,
    ...Object.fromEntries(Object.entries(artifacts).map(([name, path]) => [name, basename(path)])),
  };
  run.dir.writeFile(RESULTS_FILE, JSON.stringify({ ...saved, files }, null, 2) + "\n");
}
