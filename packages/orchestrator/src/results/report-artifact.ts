// report.html as a run artefact: written with every run by the record phase, from what the run
// has in memory.
import type { RunArtifact } from "../run/run-options.js";
import { writeRunReport } from "./run-report.js";

export const REPORT_ARTIFACT: RunArtifact = {
  name: "report",
  write({ scenario, result }) {
    const { timeline, artifacts: _artifacts, ...facts } = result;
    return writeRunReport(result.runDir, { scenario, results: facts, timeline });
  },
};
