// Options every command takes.
import type { Argv, InferredOptionTypes } from "yargs";

export const GLOBAL_OPTIONS = {
  runsDir: { type: "string", default: "runs", describe: "Where runs are recorded" },
  verbose: { type: "boolean", describe: "Log every Docker call to stderr" },
} as const;

export type GlobalArgs = InferredOptionTypes<typeof GLOBAL_OPTIONS>;

export type CommandArgv = Argv<GlobalArgs>;
