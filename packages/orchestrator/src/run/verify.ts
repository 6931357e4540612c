// The verify phase: the checks on the merged timeline (watched a little longer while one still
// fails and lines may still arrive), the membership figures, the verdict, and the running nodes
// handed to the beforeTeardown hook.
import { joinRetryFigures } from "../checks/join-attempts.js";
import { membershipFigures } from "../checks/membership-view.js";
import { runChecks } from "../checks/registry.js";
import type { CheckResult, Validity } from "../checks/types.js";
import { RUN_DEFAULTS } from "./run-defaults.js";
import type { RunContext } from "./run-context.js";
import type { RunNodes } from "./run-nodes.js";
import { settle } from "./settle.js";

export interface Verification {
  checks: CheckResult[];
  verdict: Validity;
}

/** Before the checks ran (the run failed earlier): nothing is known. */
export const UNVERIFIED: Verification = { checks: [], verdict: "unknown" };

export async function verify(run: RunContext, nodes: RunNodes): Promise<Verification> {
  run.emit({ kind: "phase", phase: "verify" });
  const { scenario } = run;
  const context = () => ({ scenario, nodes: nodes.observed(), timeline: run.timeline(nodes.records()) });
  const evaluate = () => {
    const evaluation = runChecks(context());
    run.emit({ kind: "checks", verdict: evaluation.verdict, results: evaluation.results });
    return evaluation;
  };
  let evaluation = evaluate();
  if (evaluation.verdict !== true && !run.interrupted) {
    evaluation = await settle(evaluate, nodes.started(), settleTimeoutMs(run), run.signal);
  }
  const checked = context();
  run.timings.joins = joinRetryFigures(checked.timeline);
  if (scenario.checks?.includes("converged")) run.timings.membership = membershipFigures(checked);
  const verdict = run.error || run.interrupted ? "unknown" : evaluation.verdict;
  run.timings.upAndVerifiedMs = Math.round((run.ms() - (run.timings.firstCreateMs ?? 0)) * 10) / 10;
  await run.options.beforeTeardown?.(nodes.started());
  run.note("run.verified", `verdict ${verdict}`);
  return { checks: evaluation.results, verdict };
}

/** How long the checks may wait for late lines: the run's setting, or the scenario's if longer. */
function settleTimeoutMs(run: RunContext): number {
  return Math.max(run.options.settleTimeoutMs ?? RUN_DEFAULTS.settleTimeoutMs, run.scenario.settleMs ?? 0);
}
