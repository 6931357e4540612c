// `joinlab bench`'s options; the argument type is inferred from them.
import { RUN_DEFAULTS } from "../run/run-defaults.js";
import { ENGINE_OPTION, RUNTIME_CHOICES } from "../cli/run-command.js";
import type { CommandArgv } from "../cli/global-options.js";

export function benchArguments(y: CommandArgv) {
  return y.options({
    sizes: { type: "string", default: "4,16,64,128", describe: "Node counts, comma-separated" },
    runtime: { choices: RUNTIME_CHOICES, default: "auto" },
    engine: ENGINE_OPTION,
    inFlight: {
      type: "number",
      default: RUN_DEFAULTS.inFlight,
      describe: "Container starts in flight (4–8)",
    },
    repeat: {
      type: "number",
      default: 3,
      describe: "Rounds per size (median reported); 1 for sizes over 32",
    },
    out: { type: "string", default: "bench-results" },
    detect: {
      type: "string",
      describe:
        'Sizes that also run node-crash for failure detection (default: those from 16 to 64; "" for none)',
    },
    liveNodes: {
      type: "number",
      default: 16,
      describe:
        "Nodes of the star-join run served live to headless Chromium, for the page's draw latency (0: skip)",
    },
    wholeRounds: {
      type: "number",
      default: 3,
      describe: "Paired rounds of `npm run scenario -- chain-join` against the plain Docker CLI (0: skip)",
    },
  } as const);
}

export type BenchArgs = Awaited<ReturnType<typeof benchArguments>["argv"]>;
