// Reads a run directory back (finished or still running): every node's log and the orchestrator's
// events, merged into one timeline again. Finds runs by path, id, scenario name or "latest".
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { EVENTS_FILE, TRACE_FILE } from "../results/run-dir.js";
import { mergeTimeline } from "./merge.js";
import { RecordBuilder, splitTimestamped, type LogRecord, type RecordOrder } from "./records.js";
import type { OrchestratorEvent, TimelineEntry } from "./timeline.js";

export function resolveRunDir(runsDir: string, ref = "latest"): string {
  if (existsSync(join(ref, "scenario.json"))) return ref;
  if (ref === "latest") {
    const latest = join(runsDir, "latest");
    if (existsSync(join(latest, "scenario.json"))) return latest;
    throw new Error(`no runs yet in ${runsDir} (run a scenario first: npm run scenario -- chain-join)`);
  }
  const scenarios = existsSync(runsDir) ? readdirSync(runsDir).filter((d) => d !== "latest") : [];
  if (scenarios.includes(ref)) {
    const runs = readdirSync(join(runsDir, ref)).sort();
    const newest = runs[runs.length - 1];
    if (newest) return join(runsDir, ref, newest);
  }
  for (const scenario of scenarios) {
    const path = join(runsDir, scenario, ref);
    if (existsSync(join(path, "scenario.json"))) return path;
  }
  throw new Error(
    `no run ${JSON.stringify(ref)} in ${runsDir}: give a run id, a scenario name, a run directory or "latest"`,
  );
}

export function readRunTimeline(dir: string): TimelineEntry[] {
  const perNode = new Map<string, LogRecord[]>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".log") || file === TRACE_FILE || file === EVENTS_FILE || file === "merged.log")
      continue;
    if (!statSync(join(dir, file)).isFile()) continue;
    const node = basename(file, ".log");
    const order: RecordOrder = { next: 0, gen: 0 };
    const out = new RecordBuilder(node, "stdout", order);
    const err = new RecordBuilder(node, "stderr", order);
    const records: LogRecord[] = [];
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line) continue;
      const parts = splitTimestamped(line);
      if (!parts) continue;
      const record = (parts.stream === "stderr" ? err : out).fromText(parts.text, parts.t);
      record.time = parts.time;
      // A restarted node's file holds its processes one after the other, each counting seq from 1.
      if (record.line?.event === "node.started" && records.some((r) => r.line)) record.gen = ++order.gen;
      records.push(record);
    }
    perNode.set(node, records);
  }
  const events: OrchestratorEvent[] = [];
  const eventsPath = join(dir, EVENTS_FILE);
  if (existsSync(eventsPath)) {
    for (const line of readFileSync(eventsPath, "utf8").split("\n")) {
      const parts = line ? splitTimestamped(line) : undefined;
      if (!parts) continue;
      try {
        const fields = JSON.parse(parts.text) as { event: string; message: string };
        events.push({ ...fields, t: parts.t, time: parts.time });
      } catch {
        // a torn last line of a running run
      }
    }
  }
  return mergeTimeline(perNode, events);
}

/** Keeps entries of the given nodes and events (`join.*` style prefixes allowed). */
export function filterTimeline(
  entries: readonly TimelineEntry[],
  filter: { nodes?: readonly string[]; events?: readonly string[] },
): TimelineEntry[] {
  const matches = (event: string) =>
    filter.events!.some((p) => (p.endsWith("*") ? event.startsWith(p.slice(0, -1)) : event === p));
  return entries.filter((e) => {
    if (filter.nodes?.length) {
      const node = e.kind === "orchestrator" ? e.event.node : e.node;
      if (!node || !filter.nodes.includes(node)) return false;
    }
    if (filter.events?.length) {
      const event = e.kind === "event" ? e.line.event : e.kind === "orchestrator" ? e.event.event : undefined;
      if (!event || !matches(event)) return false;
    }
    return true;
  });
}
