// Recorded real runs (Docker: chain-join, master-crash, pause-resume, partition-halves) read back as the
// orchestrator reads any run directory.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readRunTimeline } from "@joinlab/orchestrator";
import { buildReportModel, type ReportModel } from "../../src/index.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export function fixtureModel(name: string): ReportModel {
  const dir = join(FIXTURES, name);
  return buildReportModel({
    scenario: JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")),
    results: JSON.parse(readFileSync(join(dir, "results.json"), "utf8")),
    entries: readRunTimeline(dir),
  });
}

export function fixtureTimeline(name: string) {
  return readRunTimeline(join(FIXTURES, name));
}

export function laneOf(model: ReportModel, node: string, gen = 0): number {
  const i = model.lanes.findIndex((l) => l.node === node && l.gen === gen);
  if (i < 0) throw new Error(`no lane for ${node}#${gen}`);
  return i;
}
