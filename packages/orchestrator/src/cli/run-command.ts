// `joinlab run <scenario>`: builds the scenario from its name and options (or a spec file), picks
// the runtime, runs it with Ctrl-C handling, and prints the merged log and the summary (or JSON).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatTimeline } from "../logs/format.js";
import {
  checkUiOptions,
  serveUntilInterrupted,
  startLiveUi,
  UI_OPTIONS,
  type LiveUi,
} from "../live/live-ui.js";
import { createLogger } from "../progress/logger.js";
import { createReporter, type ProgressReporter } from "../progress/reporter.js";
import { makeRunId } from "../results/run-id.js";
import { LARGE_RUN_ABOVE_NODES, LARGE_RUN_DIAL_TIMEOUT_MS } from "../run/large-run.js";
import { RUN_DEFAULTS } from "../run/run-defaults.js";
import type { RunResult } from "../run/run-result.js";
import { runScenario } from "../run/run-scenario.js";
import { formatSummary } from "../run/summary.js";
import { parseEngineSpec, type EngineSpec } from "../runtime/engine-url.js";
import { buildScenario, SCENARIOS, scenarioNames } from "../scenarios/registry.js";
import { validateScenario, type ScenarioSpec } from "../scenarios/types.js";
import { couldNotRun } from "./could-not-run.js";
import type { CommandArgv } from "./global-options.js";
import { RunResources } from "./run-resources.js";

/** Scenarios with more nodes than this print only their summary unless --print. */
const PRINTED_LOG_MAX_NODES = 8;

export const RUNTIME_CHOICES = ["auto", "docker", "process", "swarm"] as const;

/** --engine <host>=<url>, repeated: the engines of a swarm's other hosts (run and bench). */
export const ENGINE_OPTION = {
  type: "string",
  array: true,
  describe:
    "Swarm: the engine of another swarm host, <host>=<url> (ssh://user@host, tcp://host:2376, unix:///path); once per host",
} as const;

/** The --engine specs, checked; only the swarm runtime takes them. */
export function enginesOf(given: readonly string[] | undefined, runtime: string): EngineSpec[] {
  const engines = (given ?? []).map(parseEngineSpec);
  if (engines.length && runtime !== "swarm")
    throw new Error("--engine names the engines of swarm hosts: it needs --runtime swarm");
  return engines;
}

const RUN_OPTIONS = {
  list: { type: "boolean", describe: "List the scenarios" },
  nodes: { type: "number", describe: "Node count (star-join, line-join, the fault scenarios)" },
  seed: { type: "number", describe: "chaos: the random schedule's seed (default 1)" },
  duration: { type: "number", describe: "chaos: seconds of fault injection (default 15)" },
  majority: { type: "boolean", describe: "partition-heal: cut a majority off (default: a minority)" },
  runtime: {
    choices: RUNTIME_CHOICES,
    default: "auto",
    describe: "Docker when an engine answers; swarm: services across a swarm's hosts (docs/swarm.md)",
  },
  engine: ENGINE_OPTION,
  keep: { type: "boolean", describe: "Keep a failed run's nodes for inspection" },
  inFlight: { type: "number", default: RUN_DEFAULTS.inFlight, describe: "Container starts in flight (4–8)" },
  timeout: {
    type: "number",
    default: RUN_DEFAULTS.readyTimeoutMs,
    describe: "Per node: ms from start to its expected outcome",
  },
  dialTimeout: {
    type: "number",
    describe: `The nodes' --dialTimeout (ms; default ${RUN_DEFAULTS.dialTimeoutMs}, ${LARGE_RUN_DIAL_TIMEOUT_MS} in runs of more than ${LARGE_RUN_ABOVE_NODES} nodes); Docker's DNS is slow on a loaded machine`,
  },
  scenarioFile: { type: "string", describe: "Run a scenario spec from a JSON file" },
  runId: { type: "string", hidden: true },
  rebuild: { type: "boolean", describe: "Rebuild the node image first" },
  print: {
    type: "boolean",
    describe: `Print the merged log (default: up to ${PRINTED_LOG_MAX_NODES} nodes)`,
  },
  json: { type: "boolean", describe: "Print the results as JSON (no progress, no log)" },
  quiet: { type: "boolean", describe: "Only the summary" },
  ui: { type: "boolean", describe: "Serve the live page while the run goes (the URL is printed at once)" },
  ...UI_OPTIONS,
} as const;

export function runArguments(y: CommandArgv) {
  return y
    .positional("scenario", {
      type: "string",
      choices: scenarioNames(),
      describe: "Scenario name (see --list)",
    })
    .options(RUN_OPTIONS);
}

export type RunArgs = Awaited<ReturnType<typeof runArguments>["argv"]>;

export function listScenarios(): string {
  const width = Math.max(...scenarioNames().map((n) => n.length));
  return scenarioNames()
    .map((name) => `  ${name.padEnd(width)}  ${SCENARIOS[name]!.summary}`)
    .join("\n");
}

export async function runCommand(argv: RunArgs): Promise<number> {
  if (argv.list || (!argv.scenario && !argv.scenarioFile)) {
    process.stdout.write(`scenarios (npm run scenario -- <name>):\n${listScenarios()}\n`);
    return argv.list ? 0 : 2;
  }
  let scenario: ScenarioSpec;
  let engines: EngineSpec[];
  try {
    scenario = scenarioOf(argv);
    checkUiArguments(argv);
    engines = enginesOf(argv.engine, argv.runtime);
  } catch (err) {
    process.stderr.write(`joinlab: ${(err as Error).message}\n`);
    return 2;
  }
  const reporter = createReporter({ total: scenario.nodes.length, quiet: argv.quiet || argv.json });
  try {
    return await runWithSignals(argv, scenario, engines, reporter);
  } catch (err) {
    return couldNotRun(err, reporter);
  }
}

/** The spec from --scenarioFile, or the named scenario built with the options it understands. */
function scenarioOf(argv: RunArgs): ScenarioSpec {
  if (argv.scenarioFile) {
    return validateScenario(JSON.parse(readFileSync(argv.scenarioFile, "utf8")) as ScenarioSpec);
  }
  return buildScenario(argv.scenario!, {
    ...(argv.nodes !== undefined ? { nodes: argv.nodes } : {}),
    ...(argv.seed !== undefined ? { seed: argv.seed } : {}),
    ...(argv.duration !== undefined ? { durationMs: Math.round(argv.duration * 1000) } : {}),
    ...(argv.majority ? { majority: true } : {}),
  });
}

function checkUiArguments(argv: RunArgs): void {
  if (!argv.ui && (argv.uiPort !== undefined || argv.uiHost !== undefined))
    throw new Error("--uiPort and --uiHost go with --ui");
  checkUiOptions(argv);
}

/** Ctrl-C once: a graceful stop; twice: the run's resources are removed at once (by its label). */
async function runWithSignals(
  argv: RunArgs,
  scenario: ScenarioSpec,
  engines: EngineSpec[],
  reporter: ProgressReporter,
): Promise<number> {
  const logger = createLogger(argv.verbose ? "debug" : "warn");
  const controller = new AbortController();
  const resources = new RunResources(argv.runId ?? makeRunId());
  const stopSignals = resources.handleSignals(controller, (text) => reporter.print(text));
  let ui: LiveUi | undefined;
  try {
    const print = (line: string) => reporter.report({ kind: "phase", message: line });
    if (argv.ui) ui = await startLiveUi({ ...argv, print: (line) => reporter.print(line) });
    const runtime = await resources.chooseRuntime({
      kind: argv.runtime,
      logger,
      log: print,
      rebuild: argv.rebuild,
      engines,
    });
    if (controller.signal.aborted) return 2;
    const result = await runScenario(scenario, {
      runtime,
      logger,
      runsDir: resolve(argv.runsDir),
      runId: resources.runId,
      keep: argv.keep,
      inFlight: argv.inFlight,
      readyTimeoutMs: argv.timeout,
      dialTimeoutMs: argv.dialTimeout,
      signal: controller.signal,
      reporter,
      onEnvironment: (e) => (resources.env = e),
      ...(ui ? { onEvent: ui.feed.listener, liveChecks: true } : {}),
    });
    reporter.close();
    show(argv, scenario, result, reporter);
    await runtime.close();
    stopSignals();
    // The finished run's page stays up for whoever watches it (an interrupted run just ends).
    if (ui && !controller.signal.aborted) await serveUntilInterrupted(ui, (line) => reporter.print(line));
    return result.exitCode;
  } finally {
    stopSignals();
    await ui?.server.close("joinlab has exited");
  }
}

/** --json: results.json's content on stdout and nothing else; otherwise the merged log and the summary. */
function show(argv: RunArgs, scenario: ScenarioSpec, result: RunResult, reporter: ProgressReporter): void {
  if (argv.json) {
    const { timeline: _timeline, ...rest } = result;
    process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
    return;
  }
  const showLog = argv.print ?? (!argv.quiet && scenario.nodes.length <= PRINTED_LOG_MAX_NODES);
  if (showLog) reporter.print(formatTimeline(result.timeline, { color: process.stdout.isTTY === true }));
  reporter.print(formatSummary(result));
}
