// The terminal's progress output as a subscriber to the run's event stream.
import type { RunEventListener } from "../run/run-events.js";
import type { ProgressReporter } from "./reporter.js";

export function progressListener(reporter: ProgressReporter): RunEventListener {
  return (event) => {
    switch (event.kind) {
      case "run":
        reporter.resetClock();
        reporter.report({ kind: "phase", message: event.message });
        break;
      case "phase":
        if (event.message !== undefined) reporter.report({ kind: "phase", message: event.message });
        break;
      case "node":
        reporter.report({
          kind: "node",
          node: event.node,
          state: event.state,
          ...(event.detail !== undefined ? { detail: event.detail } : {}),
        });
        break;
    }
  };
}
