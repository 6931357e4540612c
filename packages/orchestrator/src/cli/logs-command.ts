// `joinlab logs [run]`: a run's merged log again, filtered by node and event.
import { resolve } from "node:path";
import { formatTimeline } from "../logs/format.js";
import { filterTimeline, readRunTimeline, resolveRunDir } from "../logs/read-run.js";
import type { CommandArgv } from "./global-options.js";

export function logsArguments(y: CommandArgv) {
  return y.positional("run", { type: "string", default: "latest" }).options({
    node: { type: "string", array: true, describe: "Only these nodes" },
    event: { type: "string", array: true, describe: "Only these events (join.* allowed)" },
    json: { type: "boolean", describe: "One JSON entry per line" },
  } as const);
}

export type LogsArgs = Awaited<ReturnType<typeof logsArguments>["argv"]>;

export async function logsCommand(argv: LogsArgs): Promise<number> {
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
