// The record phase: the merged log, any further artefacts (RunOptions.artifacts), results.json,
// and the result itself, which ends the event stream.
import { formatTimeline } from "../logs/format.js";
import { MERGED_FILE, RESULTS_FILE, TRACE_FILE } from "../results/run-dir.js";
import { basename } from "node:path";
import type { RunContext } from "./run-context.js";
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

/** Each artefact in turn; one that fails is reported and leaves the verdict alone. */
async function writeArtifacts(run: RunContext, result: RunResult): Promise<void> {
  for (const artifact of run.options.artifacts ?? []) {
    try {
      result.artifacts[artifact.name] = await artifact.write(result);
    } catch (err) {
      run.logger.warn(`run ${run.runId}: could not write ${artifact.name}: ${(err as Error).message}`);
    }
  }
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
