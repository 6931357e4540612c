// One size of `npm run bench`: rounds that alternate the bare Docker start and the scenario (so
// drift on a shared machine hits both), then the figures of that size: the ratio to bare, join
// latencies, what the bring-up cost the cluster's health, idle RSS and CPU once converged, join
// convergence, and (where asked) a crash's detection.
import type { Logger } from "winston";
import { runScenario, type RunResult } from "../run/run-scenario.js";
import type { Runtime, StartedNode } from "../runtime/types.js";
import { buildScenario } from "../scenarios/registry.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import { bringUpHealth, type BringUpHealth } from "./bringup-health.js";
import { cpuSnapshot, engineCpuShare, type EngineCpuShare } from "./engine-cpu.js";
import { idleCpuFigures, type IdleCpuFigures } from "./idle-cpu.js";
import {
  crashDetection,
  joinConvergenceSamples,
  summarize,
  type CrashDetection,
} from "./membership-bench.js";
import { median, round, spread } from "./stats.js";

/**
 * The bring-up targets this project holds itself to: a valid verdict, up + verified as a ratio to
 * the bare start of the same round, and (where one is set) an absolute bound.
 */
const TARGETS: Record<number, BringUpTarget> = {
  4: { seconds: 1.0, ratio: 1.1 },
  16: { seconds: 3.0, ratio: 1.15 },
  64: { ratio: 1.2 },
  128: { ratio: 1.2 },
};

interface BringUpTarget {
  seconds?: number;
  ratio: number;
}

export interface Round {
  bareMs: number;
  /** N independent masters until each is ready (bare plus the node programs' boot). */
  independentUpMs: number;
  upAndVerifiedMs: number;
  ratio: number;
  /** Writing report.html after the run (not inside up + verified). */
  reportMs?: number;
  verdict: RunResult["verdict"];
  health: BringUpHealth;
  /** The Docker engine's CPU against the machine's during the scenario run (local engine). */
  engineCpu?: EngineCpuShare;
}

type Percentiles = { p50?: number; p99?: number; samples: number };

export interface SizeReport {
  nodes: number;
  scenario: string;
  rounds: Round[];
  bareMs: number | undefined;
  independentUpMs: number | undefined;
  upAndVerifiedMs: number | undefined;
  ratio: number | undefined;
  target?: BringUpTarget & { met: boolean };
  /** join.request.sent → join.response.received, node clock (ms). */
  handshakeMs: Percentiles;
  /** node.started → node.ready of the joiners, node clock (ms). */
  joinMs: Percentiles;
  /** Idle resident memory per node (MiB): anonymous RSS from docker stats, VmRSS for processes. */
  rssMiB: { median?: number; max?: number; samples: number; source: string };
  /** CPU per converged, idle node: right after the bring-up, and settled (first round). */
  idleCpu?: IdleCpuFigures;
  /** A joiner's admission → every node up then has it in its view (ms, Docker log timestamps). */
  joinConvergenceMs: Percentiles;
  /** The worst round's false deaths and retried joiners. */
  health: BringUpHealth;
  /** node-crash at this size: kill → suspected / failed by every survivor / one view again. */
  crash?: CrashDetection;
  /** Writing report.html after each run (median ms), and as a share of up + verified. */
  report: { writeMs?: number; shareOfUpAndVerified?: number };
}

export interface SizeBenchOptions {
  runtime: Runtime;
  logger: Logger;
  runsDir: string;
  inFlight: number;
  rounds: number;
  detect: boolean;
  /** The floor: N bare containers (or independent nodes) started. */
  bare(nodes: number): Promise<number>;
  /** N independent masters until each is ready. */
  independentUp(nodes: number): Promise<number>;
  say(line: string): void;
}

/** Samples gathered over the rounds of one size. */
interface Samples {
  handshakes: number[];
  joins: number[];
  rss: number[];
  converge: number[];
  idleCpu?: IdleCpuFigures;
  /** The CPU snapshot when the checks had run (the bring-up's end), before any idle sampling. */
  upAt?: ReturnType<typeof cpuSnapshot>;
}

export function scenarioFor(nodes: number): ScenarioSpec {
  // 4 nodes: the seed's own topology (the target's anchor); larger: every joiner dials the master.
  return nodes === 4 ? buildScenario("chain-join") : buildScenario("star-join", { nodes });
}

export async function benchSize(nodes: number, options: SizeBenchOptions): Promise<SizeReport> {
  const spec = scenarioFor(nodes);
  const samples: Samples = { handshakes: [], joins: [], rss: [], converge: [] };
  const rounds: Round[] = [];
  for (let r = 0; r < options.rounds; r++) rounds.push(await oneRound(spec, r, samples, options));
  const report = summarizeSize(spec, rounds, samples, options.runtime.kind);
  if (options.detect) report.crash = await crashAt(nodes, options);
  report.target = targetMet(report);
  return report;
}

async function oneRound(spec: ScenarioSpec, r: number, samples: Samples, options: SizeBenchOptions) {
  const nodes = spec.nodes.length;
  // Alternate which goes first, so drift on a shared machine does not favour one side.
  let engineCpu: EngineCpuShare | undefined;
  const scenarioRun = async () => {
    samples.upAt = undefined;
    const before = cpuSnapshot();
    const result = await runMeasured(spec, r, samples, options);
    engineCpu = engineCpuShare(before, samples.upAt ?? cpuSnapshot());
    return result;
  };
  const [bareMs, result] =
    r % 2 === 0
      ? [await options.bare(nodes), await scenarioRun()]
      : await scenarioRun().then(async (res) => [await options.bare(nodes), res] as const);
  const up = result.timings.upAndVerifiedMs ?? NaN;
  const independentUpMs = options.runtime.kind === "docker" ? await options.independentUp(nodes) : bareMs;
  const health = bringUpHealth(result);
  options.say(
    `  ${String(nodes).padStart(3)} nodes, round ${r + 1}/${options.rounds}: bare ${(bareMs / 1000).toFixed(2)}s, independent nodes up ${(independentUpMs / 1000).toFixed(2)}s, ${spec.name} up + verified ${(up / 1000).toFixed(2)}s (${(up / bareMs).toFixed(2)}×), verdict ${result.verdict}, false deaths ${health.falselyFailed}, retried joiners ${health.retriedJoiners}`,
  );
  return {
    bareMs: round(bareMs)!,
    independentUpMs: round(independentUpMs)!,
    upAndVerifiedMs: up,
    ratio: round(up / bareMs, 3)!,
    ...(result.timings.artifactMs?.report !== undefined
      ? { reportMs: result.timings.artifactMs.report }
      : {}),
    verdict: result.verdict,
    health,
    ...(engineCpu ? { engineCpu } : {}),
  };
}

/** One scenario run; the first round also samples idle RSS and CPU before the teardown. */
async function runMeasured(spec: ScenarioSpec, r: number, samples: Samples, options: SizeBenchOptions) {
  const result = await runScenario(spec, {
    runtime: options.runtime,
    logger: options.logger,
    runsDir: options.runsDir,
    inFlight: options.inFlight,
    readyTimeoutMs: 60_000,
    beforeTeardown: async (running) => {
      samples.upAt = cpuSnapshot();
      if (r !== 0) return;
      samples.rss.push(...(await sampleRss(running, 8)));
      samples.idleCpu = await idleCpuFigures(running);
    },
  });
  samples.converge.push(...joinConvergenceSamples(spec, result));
  collectLatencies(spec, result, samples);
  return result;
}

function collectLatencies(spec: ScenarioSpec, result: RunResult, samples: Samples): void {
  for (const n of spec.nodes) {
    if (!("role" in n.expect) || n.expect.role !== "member") continue;
    const sent = nodeTime(result, n.name, "join.request.sent");
    const received = nodeTime(result, n.name, "join.response.received");
    const up = nodeTime(result, n.name, "node.started");
    const ready = nodeTime(result, n.name, "node.ready");
    if (sent !== undefined && received !== undefined) samples.handshakes.push(received - sent);
    if (up !== undefined && ready !== undefined) samples.joins.push(ready - up);
  }
}

function nodeTime(result: RunResult, node: string, event: string): number | undefined {
  // The last occurrence: a retried join's handshake is its successful attempt.
  const e = result.timeline.findLast((x) => x.kind === "event" && x.node === node && x.line.event === event);
  return e?.kind === "event" && typeof e.line.time === "string" ? Date.parse(e.line.time) : undefined;
}

async function sampleRss(nodes: StartedNode[], limit: number): Promise<number[]> {
  // A spread of nodes, not all: docker stats costs a round trip each.
  const values = await Promise.all(spread(nodes, limit).map((n) => n.rssBytes().catch(() => undefined)));
  return values.filter((v): v is number => v !== undefined).map((v) => v / 2 ** 20);
}

function summarizeSize(
  spec: ScenarioSpec,
  rounds: Round[],
  samples: Samples,
  runtimeKind: string,
): SizeReport {
  const { rss } = samples;
  return {
    nodes: spec.nodes.length,
    scenario: spec.name,
    rounds,
    bareMs: round(median(rounds.map((x) => x.bareMs))),
    independentUpMs: round(median(rounds.map((x) => x.independentUpMs))),
    upAndVerifiedMs: round(median(rounds.map((x) => x.upAndVerifiedMs))),
    ratio: round(median(rounds.map((x) => x.ratio)), 3),
    handshakeMs: summarize(samples.handshakes),
    joinMs: summarize(samples.joins),
    rssMiB: {
      median: round(median(rss)),
      max: rss.length ? round(Math.max(...rss)) : undefined,
      samples: rss.length,
      source: runtimeKind === "docker" ? "docker stats (anonymous rss)" : "/proc VmRSS",
    },
    ...(samples.idleCpu ? { idleCpu: samples.idleCpu } : {}),
    joinConvergenceMs: summarize(samples.converge),
    health: worstHealth(rounds),
    report: reportCost(rounds),
  };
}

function worstHealth(rounds: readonly Round[]): BringUpHealth {
  return rounds
    .map((r) => r.health)
    .reduce((worst, h) =>
      h.falselyFailed > worst.falselyFailed || h.retriedJoiners > worst.retriedJoiners ? h : worst,
    );
}

async function crashAt(nodes: number, options: SizeBenchOptions): Promise<CrashDetection> {
  const c = await crashDetection(options.runtime, nodes, options);
  options.say(
    `  ${String(nodes).padStart(3)} nodes, node-crash: suspected by all ${c.detectedMs ?? "-"} ms, failed by all ${c.failedByAllMs ?? "-"} ms, one view ${c.convergedMs ?? "-"} ms, verdict ${c.verdict}`,
  );
  return c;
}

function targetMet(report: SizeReport): SizeReport["target"] {
  const target = TARGETS[report.nodes];
  if (!target || report.upAndVerifiedMs === undefined || report.ratio === undefined) return undefined;
  const valid = report.rounds.every((r) => r.verdict === true);
  const fastEnough = target.seconds === undefined || report.upAndVerifiedMs / 1000 < target.seconds;
  const met = valid && fastEnough && report.ratio <= target.ratio;
  return { ...target, met };
}

function reportCost(rounds: readonly Round[]): SizeReport["report"] {
  const writes = rounds.flatMap((r) => (r.reportMs !== undefined ? [r.reportMs] : []));
  const shares = rounds.flatMap((r) => (r.reportMs !== undefined ? [r.reportMs / r.upAndVerifiedMs] : []));
  return {
    ...(writes.length ? { writeMs: round(median(writes)) } : {}),
    ...(shares.length ? { shareOfUpAndVerified: round(median(shares), 4) } : {}),
  };
}
