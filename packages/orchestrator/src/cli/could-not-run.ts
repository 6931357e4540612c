// A command that could not run (exit 2, "could not tell"): a known cause (no runtime answers, a
// bad --uiPort or --uiHost) in its own words, anything else with its stack.
import { UiOptionError } from "../live/live-ui.js";
import type { ProgressReporter } from "../progress/reporter.js";
import { RuntimeUnavailable } from "../runtime/choose-runtime.js";

export function couldNotRun(err: unknown, reporter: ProgressReporter): 2 {
  reporter.close();
  const known = err instanceof RuntimeUnavailable || err instanceof UiOptionError;
  process.stderr.write(
    `joinlab: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`,
  );
  return 2;
}
