#!/usr/bin/env node
// joinlab: run named multi-node scenarios (Docker or local processes), show merged logs, clean up,
// build the node image, and benchmark bring-up. Exit codes: 0 valid, 1 invalid, 2 could not tell.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import Dockerode from "dockerode";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { runBench } from "./bench/run-bench.js";
import { handleSignals } from "./cleanup/signals.js";
import { ensureNodeImage } from "./image/ensure-node-image.js";
import { formatTimeline } from "./logs/format.js";
import { filterTimeline, readRunTimeline, resolveRunDir } from "./logs/read-run.js";
import {
  checkUiOptions,
  serveUntilInterrupted,
  startLiveUi,
  UiOptionError,
  type LiveUi,
} from "./live/live-ui.js";
import { createLogger } from "./progress/logger.js";
import { createReporter } from "./progress/reporter.js";
import { makeRunId } from "./results/run-id.js";
import { reportCommand } from "./results/report-command.js";
import { runScenario } from "./run/run-scenario.js";
import { formatSummary } from "./run/summary.js";
import { chooseRuntime, RuntimeUnavailable, sweepRuntimes } from "./runtime/choose-runtime.js";
import type { StartedEnvironment } from "./runtime/types.js";
import { buildScenario, SCENARIOS, scenarioNames } from "./scenarios/registry.js";
import { validateScenario, type ScenarioSpec } from "./scenarios/types.js";

const RUNS_DIR = "runs";

function listScenarios(): string {
  const width = Math.max(...scenarioNames().map((n) => n.length));
  return scenarioNames()
    .map((name) => `  ${name.padEnd(width)}  ${SCENARIOS[name]!.summary}`)
    .join("\n");
}

async function runCommand(argv: {
  scenario?: string;
  list?: boolean;
  nodes?: number;
  seed?: number;
  duration?: number;
  majority?: boolean;
  minority?: boolean;
  runtime: string;
  keep?: boolean;
  inFlight: number;
  timeout: number;
  dialTimeout: number;
  scenarioFile?: string;
  runId?: string;
  runsDir: string;
  rebuild?: boolean;
  quiet?: boolean;
  json?: boolean;
  print?: boolean;
  verbose?: boolean;
  ui?: boolean;
  uiPort?: number;
  uiHost?: string;
}): Promise<number> {
  if (argv.list || (!argv.scenario && !argv.scenarioFile)) {
    process.stdout.write(`scenarios (npm run scenario -- <name>):\n${listScenarios()}\n`);
    return argv.list ? 0 : 2;
  }
  const logger = createLogger(argv.verbose ? "debug" : "warn");
  let scenario: ScenarioSpec;
  try {
    scenario = argv.scenarioFile
      ? validateScenario(JSON.parse(readFileSync(argv.scenarioFile, "utf8")) as ScenarioSpec)
      : buildScenario(argv.scenario!, {
          ...(argv.nodes !== undefined ? { nodes: argv.nodes } : {}),
          ...(argv.seed !== undefined ? { seed: argv.seed } : {}),
          ...(argv.duration !== undefined ? { durationMs: Math.round(argv.duration * 1000) } : {}),
          ...(argv.majority ? { majority: true } : {}),
        });
    if (argv.majority && argv.minority) throw new Error("--majority and --minority exclude each other");
    if (!argv.ui && (argv.uiPort !== undefined || argv.uiHost !== undefined))
      throw new Error("--uiPort and --uiHost go with --ui");
    checkUiOptions(argv);
  } catch (err) {
    process.stderr.write(`joinlab: ${(err as Error).message}\n`);
    return 2;
  }
  const reporter = createReporter({ total: scenario.nodes.length, quiet: argv.quiet || argv.json });
  const print = (line: string) => reporter.report({ kind: "phase", message: line });
  const controller = new AbortController();
  let env: StartedEnvironment | undefined;
  let runtimeRef: Awaited<ReturnType<typeof chooseRuntime>> | undefined;
  // Known before anything exists, so a forced cleanup can always find the run by its label.
  const runId = argv.runId ?? makeRunId();
  const stopSignals = handleSignals({
    controller,
    print: (text) => reporter.print(text),
    force: async () => {
      await env?.stop();
      await runtimeRef?.sweep({ runId });
    },
  });
  let ui: LiveUi | undefined;
  try {
    if (argv.ui) ui = await startLiveUi({ ...argv, print: (line) => reporter.print(line) });
    const runtime = await chooseRuntime({
      kind: argv.runtime as "auto" | "docker" | "process",
      logger,
      log: print,
      rebuild: argv.rebuild,
    });
    runtimeRef = runtime;
    const swept = await runtime.sweep();
    if (swept.length) print(`start-up sweep of earlier runs' leftovers: ${swept.join("; ")}`);
    if (controller.signal.aborted) return 2;
    const result = await runScenario(scenario, {
      runtime,
      logger,
      runsDir: resolve(argv.runsDir),
      runId,
      keep: argv.keep,
      inFlight: argv.inFlight,
      readyTimeoutMs: argv.timeout,
      dialTimeoutMs: argv.dialTimeout,
      signal: controller.signal,
      reporter,
      onEnvironment: (e) => (env = e),
      ...(ui ? { onEvent: ui.feed.listener, liveChecks: true } : {}),
    });
    reporter.close();
    if (argv.json) {
      // Machine-readable: results.json's content on stdout, nothing else.
      const { timeline: _timeline, ...rest } = result;
      process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
      await runtime.close();
      return result.exitCode;
    }
    const showLog = argv.print ?? (!argv.quiet && scenario.nodes.length <= 8);
    if (showLog) reporter.print(formatTimeline(result.timeline, { color: process.stdout.isTTY === true }));
    reporter.print(formatSummary(result));
    await runtime.close();
    stopSignals();
    if (ui && !controller.signal.aborted) await serveUntilInterrupted(ui, (line) => reporter.print(line));
    return result.exitCode;
  } catch (err) {
    reporter.close();
    const known = err instanceof RuntimeUnavailable || err instanceof UiOptionError;
    process.stderr.write(
      `joinlab: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`,
    );
    return 2;
  } finally {
    stopSignals();
    await ui?.server.close("joinlab has exited");
  }
}

async function logsCommand(argv: {
  run?: string;
  node?: string[];
  event?: string[];
  runsDir: string;
  json?: boolean;
}) {
  let dir: string;
  try {
    dir = resolveRunDir(resolve(argv.runsDir), argv.run);
  } catch (err) {
    process.stderr.write(`joinlab: ${(err as Error).message}\n`);
    return 2;
  }
  const entries = filterTimeline(readRunTimeline(dir), { nodes: argv.node, events: argv.event });
  if (argv.json) for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
  else process.stdout.write(formatTimeline(entries, { color: process.stdout.isTTY === true }));
  process.stderr.write(`(${entries.length} entries from ${dir})\n`);
  return 0;
}

async function cleanCommand(argv: { all?: boolean; run?: string; verbose?: boolean }) {
  const logger = createLogger(argv.verbose ? "debug" : "warn");
  let removed = 0;
  let failed = 0;
  for (const runtime of await sweepRuntimes({ logger })) {
    const list = await runtime.sweep({
      kept: true,
      ...(argv.all ? { all: true } : {}),
      ...(argv.run ? { runId: argv.run } : {}),
    });
    for (const item of list) process.stdout.write(`${item}\n`);
    removed += list.filter((item) => item.startsWith("removed")).length;
    failed += list.filter((item) => !item.startsWith("removed")).length;
  }
  process.stdout.write(
    removed || failed
      ? `removed ${removed} leftover resource(s)${failed ? `, ${failed} refused by the daemon` : ""}\n`
      : "nothing to clean\n",
  );
  return 0;
}

async function imageCommand(argv: { rebuild?: boolean }) {
  const image = await ensureNodeImage(new Dockerode(), {
    log: (l) => process.stdout.write(`${l}\n`),
    rebuild: argv.rebuild,
  });
  process.stdout.write(
    `${image.tag}: ${image.built ? "built" : "current"} on ${image.baseImage} (${image.seconds.toFixed(2)}s)\n`,
  );
  return 0;
}

async function main(): Promise<void> {
  let exitCode = 0;
  const set = async (p: Promise<number>): Promise<void> => {
    exitCode = await p;
  };
  await yargs(hideBin(process.argv))
    .scriptName("joinlab")
    .usage("$0 <command> [options]")
    .option("runsDir", { type: "string", default: RUNS_DIR, describe: "Where runs are recorded" })
    .option("verbose", { type: "boolean", describe: "Log every Docker call to stderr" })
    .command(
      "run [scenario]",
      "Run a scenario and check it (exit 0 valid, 1 invalid, 2 could not tell)",
      (y) =>
        y
          .positional("scenario", {
            type: "string",
            choices: scenarioNames(),
            describe: "Scenario name (see --list)",
          })
          .option("list", { type: "boolean", describe: "List the scenarios" })
          .option("nodes", {
            type: "number",
            describe: "Node count (star-join, line-join, the fault scenarios)",
          })
          .option("seed", { type: "number", describe: "chaos: the random schedule's seed (default 1)" })
          .option("duration", { type: "number", describe: "chaos: seconds of fault injection (default 15)" })
          .option("majority", { type: "boolean", describe: "partition-heal: cut a majority off" })
          .option("minority", { type: "boolean", describe: "partition-heal: cut a minority off (default)" })
          .option("runtime", {
            choices: ["auto", "docker", "process"],
            default: "auto",
            describe: "Docker when an engine answers",
          })
          .option("keep", { type: "boolean", describe: "Keep a failed run's nodes for inspection" })
          .option("inFlight", { type: "number", default: 6, describe: "Container starts in flight (4–8)" })
          .option("timeout", {
            type: "number",
            default: 15000,
            describe: "Per node: ms from start to its expected outcome",
          })
          .option("dialTimeout", {
            type: "number",
            default: 5000,
            describe: "The nodes' --dialTimeout (ms); Docker's DNS is slow on a loaded machine",
          })
          .option("scenarioFile", { type: "string", describe: "Run a scenario spec from a JSON file" })
          .option("runId", { type: "string", hidden: true })
          .option("rebuild", { type: "boolean", describe: "Rebuild the node image first" })
          .option("print", { type: "boolean", describe: "Print the merged log (default: up to 8 nodes)" })
          .option("json", { type: "boolean", describe: "Print the results as JSON (no progress, no log)" })
          .option("quiet", { type: "boolean", describe: "Only the summary" })
          .option("ui", {
            type: "boolean",
            describe: "Serve the live page on 127.0.0.1 while the run goes (the URL is printed at once)",
          })
          .option("uiPort", { type: "number", describe: "--ui: the port (default: a free one)" })
          .option("uiHost", {
            type: "string",
            describe: "--ui: the address to listen on (default 127.0.0.1; anything else exposes the page)",
          }),
      (argv) => set(runCommand(argv as Parameters<typeof runCommand>[0])),
    )
    .command("list", "List the scenarios", {}, () => {
      process.stdout.write(`${listScenarios()}\n`);
    })
    .command(
      "logs [run]",
      "Show a run's merged log again (a run id, scenario name, directory or latest)",
      (y) =>
        y
          .positional("run", { type: "string", default: "latest" })
          .option("node", { type: "string", array: true, describe: "Only these nodes" })
          .option("event", { type: "string", array: true, describe: "Only these events (join.* allowed)" })
          .option("json", { type: "boolean", describe: "One JSON entry per line" }),
      (argv) => set(logsCommand(argv)),
    )
    .command(
      "report [run]",
      "Rebuild a run's report.html from its run directory and print its path",
      (y) =>
        y
          .positional("run", {
            type: "string",
            default: "latest",
            describe: "A run id, scenario name, directory or latest",
          })
          .option("open", { type: "boolean", describe: "Open it in a browser (where one is installed)" }),
      (argv) => set(reportCommand(argv)),
    )
    .command(
      "clean",
      "Remove leftovers of runs whose orchestrator is gone (and kept runs)",
      (y) =>
        y
          .option("all", { type: "boolean", describe: "Also runs still in progress" })
          .option("run", { type: "string", describe: "Only this run id" }),
      (argv) => set(cleanCommand(argv)),
    )
    .command(
      "image",
      "Build the node image, or reuse it when current",
      (y) => y.option("rebuild", { type: "boolean" }),
      (argv) => set(imageCommand(argv)),
    )
    .command(
      "bench",
      "Bring up N nodes against bare container starts; JSON in bench-results/",
      (y) =>
        y
          .option("sizes", { type: "string", default: "4,16,64", describe: "Node counts, comma-separated" })
          .option("runtime", { choices: ["auto", "docker", "process"], default: "auto" })
          .option("inFlight", { type: "number", default: 6 })
          .option("repeat", {
            type: "number",
            default: 3,
            describe: "Rounds per size (median reported); 1 for sizes over 32",
          })
          .option("out", { type: "string", default: "bench-results" })
          .option("detect", {
            type: "string",
            describe:
              'Sizes that also run node-crash for failure detection (default: sizes ≤ 16; "" for none)',
          }),
      (argv) => set(runBench(argv as Parameters<typeof runBench>[0])),
    )
    .demandCommand(1, "give a command: run, list, logs, report, clean, image or bench")
    .strict()
    .help()
    .parseAsync();
  process.exitCode = exitCode;
}

main().catch((err: Error) => {
  process.stderr.write(`joinlab: ${err.stack ?? err.message}\n`);
  process.exitCode = 2;
});
