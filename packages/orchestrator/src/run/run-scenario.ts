// Runs one scenario as a list of phases: create the environment, place and bring up the nodes,
// run the fault schedule (then a playground's session, when there is one), verify (settling while lines arrive), tear down, record. Each phase is
// a module of this folder; they share the RunContext. Returns a result; it throws only for
// programming errors.
import type { ScenarioSpec } from "../scenarios/types.js";
import type { StartedEnvironment } from "../runtime/types.js";
import { bringUp } from "./bring-up.js";
import { createEnvironment, placeNodes } from "./environment.js";
import { watchChecks } from "../live/live-checks.js";
import { runFaultSchedule } from "./fault-schedule.js";
import { recordRun } from "./record.js";
import { RunContext } from "./run-context.js";
import type { RunNodes } from "./run-nodes.js";
import type { RunOptions } from "./run-options.js";
import type { RunResult } from "./run-result.js";
import { tearDown } from "./tear-down.js";
import { UNVERIFIED, verify } from "./verify.js";

export type { RunArtifact, RunOptions } from "./run-options.js";
export type { NodeSummary, RunResult, RunTimings } from "./run-result.js";

export async function runScenario(scenario: ScenarioSpec, options: RunOptions): Promise<RunResult> {
  const run = new RunContext(scenario, options);
  announce(run);
  let env: StartedEnvironment | undefined;
  let nodes: RunNodes | undefined;
  let verification = UNVERIFIED;
  let stopLiveChecks = () => {};
  try {
    env = await createEnvironment(run);
    nodes = await placeNodes(run, env);
    if (options.liveChecks) stopLiveChecks = watchChecks(run, nodes);
    await bringUp(run, env, nodes);
    await runFaultSchedule(run, env, nodes);
    await options.interactive?.({ run, env, nodes });
    verification = await verify(run, nodes);
  } catch (err) {
    run.fail((err as Error).message);
    run.logger.warn(`run ${run.runId}: ${(err as Error).message}`);
  }
  stopLiveChecks();
  const kept = await tearDown(run, env, nodes, verification.verdict);
  return recordRun(run, nodes, verification, kept);
}

function announce(run: RunContext): void {
  const { scenario, runtime } = run;
  const count = `${scenario.nodes.length} node(s)`;
  run.emit({
    kind: "run",
    runId: run.runId,
    scenario,
    runtime: runtime.kind,
    message: `${scenario.name}: ${count} on ${runtime.describe()} (run ${run.runId})`,
  });
  run.note("run.started", `scenario ${scenario.name}, ${count}, runtime ${runtime.kind}`);
}
