// The teardown phase: a failed run kept for inspection (--keep) is left running; otherwise every
// node is stopped gracefully first, so node.stopping and node.stopped land in its log, and then
// the environment removes everything.
import type { Validity } from "../checks/types.js";
import { Limiter } from "../runtime/limiter.js";
import type { StartedEnvironment, StartedNode } from "../runtime/types.js";
import { delay } from "../shared/delay.js";
import type { RunContext } from "./run-context.js";
import type { RunNodes } from "./run-nodes.js";

/** Graceful stops in flight at once. */
const STOPS_IN_FLIGHT = 8;
/**
 * Per node: SIGTERM, then SIGKILL after this long. A node's own stop takes about 200 ms and at
 * most about 750 ms by its timers (in-flight replies 250 ms, its leave 100 ms, the exit backstop
 * 400 ms); with 1 s, two nodes of a chain-join run as processes beside a browser test were killed
 * before they could exit. Only a node that ignores SIGTERM waits the whole time.
 */
const STOP_TIMEOUT_MS = 3000;
/** How long the last lines of stopped nodes may take to arrive. */
const LOG_DRAIN_MS = 2000;

/** Returns whether the nodes were kept. */
export async function tearDown(
  run: RunContext,
  env: StartedEnvironment | undefined,
  nodes: RunNodes | undefined,
  verdict: Validity,
): Promise<boolean> {
  const startedAt = run.ms();
  if (run.interrupted) run.fail("run interrupted");
  const kept = env ? await keepOrRemove(run, env, nodes, verdict) : false;
  run.timings.teardownMs = Math.round((run.ms() - startedAt) * 10) / 10;
  run.timings.totalMs = run.ms();
  return kept;
}

/** The engines' clocks once more, then the nodes kept (a failed run with --keep) or removed. */
async function keepOrRemove(
  run: RunContext,
  env: StartedEnvironment,
  nodes: RunNodes | undefined,
  verdict: Validity,
): Promise<boolean> {
  if (env.measureClocks) await measureClocks(run, env);
  if (run.options.keep && verdict !== true) {
    run.note("run.kept", "nodes kept for inspection (--keep)");
    env.detach();
    return true;
  }
  run.emit({ kind: "phase", phase: "teardown", message: `stopping ${nodes?.size ?? 0} node(s)` });
  await stopGracefully(nodes?.started() ?? []);
  try {
    await env.stop();
    run.note("run.cleaned", "nodes and network removed");
  } catch (err) {
    const message = (err as Error).message;
    run.logger.error(`cleanup of run ${run.runId} failed: ${message}`);
    run.fail(`cleanup failed: ${message}`);
  }
  return false;
}

/** The engines' clocks once more, now that every check has run: the bound covers the whole run. */
async function measureClocks(run: RunContext, env: StartedEnvironment): Promise<void> {
  try {
    run.clocks = await env.measureClocks!();
    const bound = run.clocks.boundMs;
    run.note(
      "clocks.measured",
      `${run.clocks.engines.length} engine clock(s) measured${bound !== undefined ? `: corrected timestamps within ±${bound} ms` : ""}`,
    );
  } catch (err) {
    run.logger.warn(`run ${run.runId}: could not measure the engines' clocks: ${(err as Error).message}`);
  }
}

async function stopGracefully(started: readonly StartedNode[]): Promise<void> {
  const limiter = new Limiter(STOPS_IN_FLIGHT);
  await Promise.allSettled(started.map((n) => limiter.run(() => n.stop({ timeoutMs: STOP_TIMEOUT_MS }))));
  await Promise.race([Promise.all(started.map((n) => n.log.whenEnded())), delay(LOG_DRAIN_MS)]);
}
