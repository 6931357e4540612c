// `joinlab clean`: removes what interrupted runs (and --keep runs) left, in every runtime.
import { createLogger } from "../progress/logger.js";
import { sweepRuntimes } from "../runtime/choose-runtime.js";
import type { CommandArgv } from "./global-options.js";

export function cleanArguments(y: CommandArgv) {
  return y.options({
    all: { type: "boolean", describe: "Also runs still in progress, and the Compose demo's leftovers" },
    run: { type: "string", describe: "Only this run id" },
  } as const);
}

export type CleanArgs = Awaited<ReturnType<typeof cleanArguments>["argv"]>;

export async function cleanCommand(argv: CleanArgs): Promise<number> {
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
  const refused = failed ? `, ${failed} refused by the daemon` : "";
  process.stdout.write(
    removed || failed ? `removed ${removed} leftover resource(s)${refused}\n` : "nothing to clean\n",
  );
  return 0;
}
