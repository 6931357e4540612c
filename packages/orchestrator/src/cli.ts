#!/usr/bin/env node
// joinlab: run named multi-node scenarios (Docker or local processes), keep a playground cluster to
// act on from the browser, show merged logs and reports, clean up, build the node image, and
// benchmark bring-up. Each command is a module of cli/ (its options, from which its argument type
// is inferred, and its handler).
// Exit codes: 0 valid, 1 invalid, 2 could not tell.
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { benchArguments } from "./bench/bench-arguments.js";
import { runBench } from "./bench/run-bench.js";
import { cleanArguments, cleanCommand } from "./cli/clean-command.js";
import { GLOBAL_OPTIONS } from "./cli/global-options.js";
import { imageArguments, imageCommand } from "./cli/image-command.js";
import { logsArguments, logsCommand } from "./cli/logs-command.js";
import { playgroundArguments, playgroundCommand } from "./cli/playground-command.js";
import { listScenarios, runArguments, runCommand } from "./cli/run-command.js";
import { reportCommand } from "./results/report-command.js";

async function main(): Promise<void> {
  let exitCode = 0;
  const set = async (p: Promise<number>): Promise<void> => {
    exitCode = await p;
  };
  await yargs(hideBin(process.argv))
    .scriptName("joinlab")
    .usage("$0 <command> [options]")
    .options(GLOBAL_OPTIONS)
    .command(
      "run [scenario]",
      "Run a scenario and check it (exit 0 valid, 1 invalid, 2 could not tell)",
      runArguments,
      (argv) => set(runCommand(argv)),
    )
    .command(
      "playground",
      "Keep a cluster running and act on it from the live page (add, kill, pause, cut, ...) until Ctrl-C",
      playgroundArguments,
      (argv) => set(playgroundCommand(argv)),
    )
    .command("list", "List the scenarios", {}, () => {
      process.stdout.write(`${listScenarios()}\n`);
    })
    .command(
      "logs [run]",
      "Show a run's merged log again (a run id, scenario name, directory or latest)",
      logsArguments,
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
      cleanArguments,
      (argv) => set(cleanCommand(argv)),
    )
    .command("image", "Build the node image, or reuse it when current", imageArguments, (argv) =>
      set(imageCommand(argv)),
    )
    .command(
      "bench",
      "Bring up N nodes against bare container starts; JSON in bench-results/",
      benchArguments,
      (argv) => set(runBench(argv)),
    )
    .demandCommand(1, "give a command: run, playground, list, logs, report, clean, image or bench")
    .strict()
    // Bad arguments are "could not tell" (2), never "invalid" (1): that is the checks' verdict.
    .fail((message, err) => {
      if (err) throw err;
      process.stderr.write(`joinlab: ${message}\n(joinlab <command> --help lists its options)\n`);
      process.exit(2);
    })
    .help()
    .parseAsync();
  process.exitCode = exitCode;
}

main().catch((err: Error) => {
  process.stderr.write(`joinlab: ${err.stack ?? err.message}\n`);
  process.exitCode = 2;
});
