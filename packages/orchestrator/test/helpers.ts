// Test helpers: recorded node logs (Docker `--timestamps` lines) turned back into records.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EventFields, NodeEvent } from "@joinlab/protocol";
import { DEFAULT_CHECKS } from "../src/checks/registry.js";
import { readRunTimeline } from "../src/logs/read-run.js";
import { RecordBuilder, type LogRecord } from "../src/logs/records.js";
import { buildScenario } from "../src/scenarios/registry.js";
import type { CheckContext, ObservedNode } from "../src/checks/types.js";
import type { FaultKind, ScenarioSpec } from "../src/scenarios/types.js";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Parses recorded `docker logs -t` lines into one node's records, in the order given. */
export function recordsFromLines(node: string, lines: readonly string[]): LogRecord[] {
  const builder = new RecordBuilder(node, "stdout");
  return lines.filter((l) => l.length > 0).map((l) => builder.fromTimestamped(l, 0));
}

export function recordedChainJoin(): Map<string, LogRecord[]> {
  const map = new Map<string, LogRecord[]>();
  for (const node of ["node1", "node2", "node3", "node4"]) {
    const text = readFileSync(join(FIXTURES, "chain-join", `${node}.log`), "utf8");
    map.set(node, recordsFromLines(node, text.split("\n")));
  }
  return map;
}

/**
 * The chain-join scenario as the Docker runtime addressed it when the fixture was recorded. The
 * recording predates the membership layer (no member.* lines): the join checks alone judge it.
 */
export function observedChainJoin(overrides: Partial<Record<string, Partial<ObservedNode>>> = {}): {
  scenario: ScenarioSpec;
  nodes: ObservedNode[];
} {
  const scenario = { ...buildScenario("chain-join"), checks: DEFAULT_CHECKS };
  const nodes = scenario.nodes.map((spec): ObservedNode => {
    const target = scenario.nodes.find((n) => n.name === spec.clusterip)!;
    return {
      name: spec.name,
      spec,
      address: `${spec.name}:${spec.port}`,
      clusterip: `${target.name}:${target.port}`,
      started: true,
      ...overrides[spec.name],
    };
  });
  return { scenario, nodes };
}

/** A scenario's nodes as the Docker runtime addresses them, every joiner dialling node1:8001. */
export function observedOnDocker(scenario: ScenarioSpec): ObservedNode[] {
  return scenario.nodes.map((spec): ObservedNode => ({
    name: spec.name,
    spec,
    address: `${spec.name}:${spec.port}`,
    clusterip: "node1:8001",
    started: true,
  }));
}

/** Shifts one record's timestamp (microseconds) to simulate the daemon stamping it late or early. */
export function shift(records: LogRecord[], event: string, deltaMicros: number): void {
  const r = records.find((x) => x.line?.event === event);
  if (!r) throw new Error(`no ${event} in ${records[0]?.node}`);
  r.t += deltaMicros;
}

/** Fields that make a synthetic line of these events a valid line under the log contract. */
export const SAMPLE_FIELDS: { [E in NodeEvent]?: EventFields<E> } = {
  "node.started": {
    port: 8002,
    advertise: "node2",
    clusterip: "node1:8001",
    makeMasterOnError: false,
    pid: 1,
  },
  "node.joined": { role: "member", peer: "node1:8001", peerId: 1 },
  "node.ready": { role: "member", port: 8002 },
};

/** A synthetic node log line (JSON text) of `event`, with its contract's sample fields. */
export function sampleLine(seq: number, nodeId: number, event: NodeEvent): string {
  const line = { time: "2026-11-24T15:00:00.000Z", level: "info", seq, nodeId, event, message: event };
  return JSON.stringify({ ...line, ...SAMPLE_FIELDS[event] });
}

/** What results.json says of each node, as much as the checks need. */
interface RecordedNode {
  name: string;
  address: string;
  clusterip: string;
  exit?: ObservedNode["exit"];
  notStarted?: string;
}

/**
 * A recorded run directory under fixtures/ (node logs, the orchestrator's events, scenario.json,
 * results.json) as the checks saw it: the merged timeline and every node as observed.
 */
export function recordedRun(name: string): CheckContext {
  return recordedRunIn(join(FIXTURES, name));
}

/** recordedRun of a run directory anywhere (a fixture copied and altered by a test). */
export function recordedRunIn(dir: string): CheckContext {
  const scenario = JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")) as ScenarioSpec;
  const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { nodes: RecordedNode[] };
  const timeline = readRunTimeline(dir);
  const faults = new Map<string, FaultKind[]>();
  // The checks ran at run.verified: a node that exited later (the teardown's stop) was running then.
  const exitedBeforeChecks = new Set<string>();
  const restarting = new Set<string>();
  for (const e of timeline) {
    if (e.kind !== "orchestrator" || !e.event.node) {
      if (e.kind === "orchestrator" && e.event.event === "run.verified") break;
      continue;
    }
    // The exit right after a restart is the old process's: a new one runs.
    if (e.event.event === "fault.restart") restarting.add(e.event.node);
    else if (e.event.event === "exited" && !restarting.delete(e.event.node))
      exitedBeforeChecks.add(e.event.node);
    if (!/^fault\.[a-z]+$/.test(e.event.event)) continue;
    const list = faults.get(e.event.node) ?? [];
    list.push(e.event.event.slice("fault.".length) as FaultKind);
    faults.set(e.event.node, list);
  }
  const nodes = scenario.nodes.map((spec): ObservedNode => {
    const seen = results.nodes.find((n) => n.name === spec.name)!;
    return {
      name: spec.name,
      spec,
      address: seen.address,
      clusterip: seen.clusterip,
      started: seen.notStarted === undefined,
      ...(seen.notStarted ? { notStarted: seen.notStarted } : {}),
      ...(seen.exit && exitedBeforeChecks.has(spec.name) ? { exit: seen.exit } : {}),
      ...(faults.has(spec.name) ? { faults: faults.get(spec.name)! } : {}),
    };
  });
  return { scenario, nodes, timeline };
}

/** The fault-scenario runs recorded under fixtures/ (real nodes: processes, or Docker where the fault needs it). */
export const RECORDED_FAULT_RUNS = [
  "master-crash",
  "node-crash",
  "graceful-leave",
  "pause-resume",
  "partition-heal",
  "partition-heal-majority",
  "restart-rejoin",
  "chaos-seed-7",
];
