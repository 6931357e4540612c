// report.html as a run artefact: written with every run by the record phase, from what the run
// has in memory.
import type { FinishedRun, RunArtifact } from "../run/run-options.js";
import { writeRunReport, type ReportSources } from "./run-report.js";

/** What a finished run's report is made of (the live page's final model is made of the same). */
export function reportSources({ scenario, result }: FinishedRun): ReportSources {
  const { timeline, artifacts: _artifacts, ...facts } = result;
  return { scenario, results: facts, timeline };
}

export const REPORT_ARTIFACT: RunArtifact = {
  name: "report",
  write(run) {
    return writeRunReport(run.result.runDir, reportSources(run));
  },
};
