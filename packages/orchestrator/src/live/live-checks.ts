// Checks as evidence arrives: while a live page watches, the run's checks are evaluated on the
// timeline so far whenever new entries came in, at most every half second and never more often
// than eight times their own cost (a large run's checks take longer: they run more rarely). Each
// evaluation is a `checks` event on the run's stream; the verify phase's own evaluation ends it.
import { runChecks } from "../checks/registry.js";
import type { RunContext } from "../run/run-context.js";
import type { RunNodes } from "../run/run-nodes.js";

const MIN_INTERVAL_MS = 500;
const COST_FACTOR = 8;

/** Starts evaluating; returns the stop (also called when the verify phase begins). */
export function watchChecks(run: RunContext, nodes: RunNodes): () => void {
  let timer: NodeJS.Timeout | undefined;
  let lastAt = -Infinity;
  let lastCostMs = 0;
  let stopped = false;
  const evaluate = (): void => {
    timer = undefined;
    if (stopped) return;
    const started = performance.now();
    const { verdict, results } = runChecks({
      scenario: run.scenario,
      nodes: nodes.observed(),
      timeline: run.timeline(nodes.records()),
    });
    lastCostMs = performance.now() - started;
    lastAt = performance.now();
    run.emit({ kind: "checks", verdict, results });
  };
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe();
  };
  const unsubscribe = run.subscribe((event) => {
    if (event.kind === "phase" && event.phase === "verify") return stop();
    if (event.kind !== "entry" || timer || stopped) return;
    const interval = Math.max(MIN_INTERVAL_MS, COST_FACTOR * lastCostMs);
    timer = setTimeout(evaluate, Math.max(0, lastAt + interval - performance.now()));
  });
  return stop;
}
