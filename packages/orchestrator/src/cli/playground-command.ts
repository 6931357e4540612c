// `joinlab playground`: a cluster that keeps running while a person acts on it from the live page
// (add, kill, stop, pause, resume, restart, cut off, heal), until Ctrl-C. The URL is printed at
// once; the cluster comes up as the seed's chain join; the session is recorded as a run
// (runs/playground/<id>/ with merged.log, results.json and report.html). Ctrl-C once: a clean
// stop; twice: everything removed at once.
import { resolve } from "node:path";
import { checkUiOptions, startLiveUi, UI_OPTIONS, type LiveUi } from "../live/live-ui.js";
import { PLAYGROUND_NODES, playgroundScenario } from "../playground/playground-scenario.js";
import { PlaygroundSession } from "../playground/playground-session.js";
import { createLogger } from "../progress/logger.js";
import { createReporter, type ProgressReporter } from "../progress/reporter.js";
import { makeRunId } from "../results/run-id.js";
import { runScenario } from "../run/run-scenario.js";
import { formatSummary } from "../run/summary.js";
import { couldNotRun } from "./could-not-run.js";
import type { CommandArgv } from "./global-options.js";
import { RunResources } from "./run-resources.js";

const PLAYGROUND_OPTIONS = {
  nodes: {
    type: "number",
    default: PLAYGROUND_NODES.default,
    describe: `Nodes to start with (${PLAYGROUND_NODES.min}-${PLAYGROUND_NODES.max}): the seed's chain join, then more joining node1`,
  },
  runtime: {
    choices: ["auto", "docker", "process"] as const,
    default: "auto",
    describe: "Docker when an engine answers; process: local processes (no network cut)",
  },
  rebuild: { type: "boolean", describe: "Rebuild the node image first" },
  ...UI_OPTIONS,
} as const;

export function playgroundArguments(y: CommandArgv) {
  return y.options(PLAYGROUND_OPTIONS);
}

export type PlaygroundArgs = Awaited<ReturnType<typeof playgroundArguments>["argv"]>;

export async function playgroundCommand(argv: PlaygroundArgs): Promise<number> {
  try {
    checkNodes(argv.nodes);
    checkUiOptions(argv);
  } catch (err) {
    process.stderr.write(`joinlab: ${(err as Error).message}\n`);
    return 2;
  }
  const reporter = createReporter({ total: argv.nodes, quiet: false });
  try {
    return await playUntilInterrupted(argv, reporter);
  } catch (err) {
    return couldNotRun(err, reporter);
  }
}

function checkNodes(nodes: number): void {
  const { min, max } = PLAYGROUND_NODES;
  if (!Number.isInteger(nodes) || nodes < min || nodes > max)
    throw new Error(`--nodes ${nodes} is not a node count from ${min} to ${max}`);
}

/**
 * Ctrl-C once: the session ends (during the bring-up: the bring-up stops), the checks run, the
 * nodes stop gracefully and the run is recorded. Twice: its nodes are removed at once.
 */
async function playUntilInterrupted(argv: PlaygroundArgs, reporter: ProgressReporter): Promise<number> {
  const logger = createLogger(argv.verbose ? "debug" : "warn");
  const session = new PlaygroundSession();
  const interrupt = new AbortController();
  const bringUp = new AbortController();
  interrupt.signal.addEventListener("abort", () => (session.started ? session.end() : bringUp.abort()));
  const resources = new RunResources(makeRunId());
  const stopSignals = resources.handleSignals(interrupt, (text) => reporter.print(text));
  let ui: LiveUi | undefined;
  try {
    const print = (line: string) => reporter.report({ kind: "phase", message: line });
    ui = await startLiveUi({ ...argv, controls: session, print: (line) => reporter.print(line) });
    session.attach(ui.feed);
    const runtime = await resources.chooseRuntime({
      kind: argv.runtime,
      logger,
      log: print,
      rebuild: argv.rebuild,
    });
    session.useRuntime(runtime);
    if (interrupt.signal.aborted) return 2;
    const running = runScenario(playgroundScenario(argv.nodes, runtime.capabilities), {
      runtime,
      logger,
      runsDir: resolve(argv.runsDir),
      runId: resources.runId,
      signal: bringUp.signal,
      reporter,
      onEnvironment: (e) => (resources.env = e),
      onEvent: ui.feed.listener,
      liveChecks: true,
      interactive: session.interactive,
    });
    void session.whenStarted.then(() =>
      reporter.print(`the cluster is up: act on it at ${ui!.server.url} (Ctrl-C stops the playground)`),
    );
    const result = await running;
    reporter.close();
    reporter.print(formatSummary(result));
    await runtime.close();
    return result.error ? 2 : 0;
  } finally {
    stopSignals();
    await ui?.server.close("the playground has stopped");
  }
}
