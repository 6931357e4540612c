// report.html in the run directory: written with every run from what the run has in memory, and
// rebuilt later (`npm run report`) from the files alone, saying what is missing or unreadable.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { buildReportModel, renderReport, type ReportModel, type RunReportInput } from "@joinlab/report";
import { readRunTimeline } from "../logs/read-run.js";
import { splitTimestamped } from "../logs/records.js";
import type { TimelineEntry } from "../logs/timeline.js";
import { EVENTS_FILE, MERGED_FILE, RESULTS_FILE, SCENARIO_FILE, TRACE_FILE } from "./run-dir.js";

export const REPORT_FILE = "report.html";

export interface ReportSources {
  scenario: RunReportInput["scenario"];
  results?: RunReportInput["results"];
  timeline: readonly TimelineEntry[];
  problems?: string[];
}

/** The model report.html in `dir` is written from (a live page loads the same one at the end). */
export function runReportModel(dir: string, sources: ReportSources): ReportModel {
  return buildReportModel({
    scenario: sources.scenario,
    ...(sources.results ? { results: sources.results } : {}),
    entries: sources.timeline,
    problems: [...(sources.problems ?? []), ...rawLineProblems(sources.timeline)],
    runId: basename(dir),
  });
}

/** Writes report.html into `dir`; returns its path. */
export function writeRunReport(dir: string, sources: ReportSources): string {
  const path = join(dir, REPORT_FILE);
  writeFileAtomic(path, renderReport(runReportModel(dir, sources)));
  return path;
}

/** Rebuilds report.html from a run directory's files (`dir` must hold scenario.json). */
export function rebuildRunReport(dir: string): string {
  const problems: string[] = [];
  const scenario = readJson<NonNullable<ReportSources["scenario"]>>(dir, SCENARIO_FILE, problems);
  const results = readJson<NonNullable<ReportSources["results"]>>(dir, RESULTS_FILE, problems);
  if (!results)
    problems.push(
      `${RESULTS_FILE} is missing: the run was interrupted or is still running, so there is no verdict and no check`,
    );
  const timeline = readRunTimeline(dir);
  problems.push(...nodeLogProblems(dir), ...mergedLogProblems(dir, timeline.length));
  return writeRunReport(dir, { scenario, ...(results ? { results } : {}), timeline, problems });
}

function readJson<T>(dir: string, file: string, problems: string[]): T | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (err) {
    problems.push(`${file} is not valid JSON (${(err as Error).message}); it was ignored`);
    return undefined;
  }
}

function nodeLogFiles(dir: string): string[] {
  const skip = new Set([TRACE_FILE, EVENTS_FILE, MERGED_FILE]);
  return readdirSync(dir).filter(
    (f) => f.endsWith(".log") && !skip.has(f) && statSync(join(dir, f)).isFile(),
  );
}

/** Lines a node log holds that could not be placed on the timeline (no timestamp: torn or foreign). */
function nodeLogProblems(dir: string): string[] {
  const files = nodeLogFiles(dir);
  if (files.length === 0) return ["no node log in the run directory: no node's output was recorded"];
  const out: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(dir, file), "utf8").split("\n").filter(Boolean);
    const unplaced = lines.filter((l) => !splitTimestamped(l)).length;
    if (unplaced)
      out.push(`${file}: ${unplaced} of ${lines.length} line(s) carry no timestamp and were left out`);
  }
  return out;
}

function mergedLogProblems(dir: string, entries: number): string[] {
  const path = join(dir, MERGED_FILE);
  if (!existsSync(path)) return [`${MERGED_FILE} is missing; the timeline was rebuilt from the node logs`];
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n").filter(Boolean).length;
  if (lines < entries || (text.length > 0 && !text.endsWith("\n")))
    return [
      `${MERGED_FILE} is truncated (${lines} of ${entries} lines); the timeline was rebuilt from the node logs`,
    ];
  return [];
}

/** Node output that is not a JSON log event is shown as raw lines; say how much there was. */
function rawLineProblems(timeline: readonly TimelineEntry[]): string[] {
  const perNode = new Map<string, number>();
  for (const e of timeline) if (e.kind === "raw") perNode.set(e.node, (perNode.get(e.node) ?? 0) + 1);
  return [...perNode].map(
    ([node, n]) => `${node}: ${n} line(s) of output are not JSON log events (shown as raw lines)`,
  );
}

function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
