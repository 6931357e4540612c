// `npm run bench`: for each size, in one run, the bare time Docker needs to create and start N
// containers against the scenario's wall time from the first create until every handshake is
// verified; per-node join latency from the nodes' own log times; idle RSS per node. Rounds
// alternate bare and scenario so drift on a shared machine hits both; medians are reported.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { benchmarkKeyCost, benchmarkNode, type KeyCostResult, type NodeBenchmarkResult } from "@joinlab/node";
import { benchmarkReportPage, type ReportPageBench } from "@joinlab/report";
import type { Logger } from "winston";
import { createLogger } from "../progress/logger.js";
import { makeRunId } from "../results/run-id.js";
import { runScenario, type RunResult } from "../run/run-scenario.js";
import { chooseRuntime } from "../runtime/choose-runtime.js";
import { DockerRuntime } from "../runtime/docker-runtime.js";
import type { Runtime, StartedNode } from "../runtime/types.js";
import { buildScenario } from "../scenarios/registry.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import { BUNDLE, REPO_ROOT } from "../image/node-image.js";
import { bareDockerStart } from "./bare-start.js";
import {
  crashDetection,
  joinConvergenceSamples,
  summarize,
  type CrashDetection,
} from "./membership-bench.js";
import type { BenchArgs } from "./bench-arguments.js";
import { enginesOf } from "../cli/run-command.js";
import { median, percentile, round } from "./stats.js";

/** The bring-up targets this project holds itself to: up + verified, absolute and as a ratio to bare. */
const TARGETS: Record<number, { seconds: number; ratio: number }> = {
  4: { seconds: 1.0, ratio: 1.2 },
  16: { seconds: 3.0, ratio: 1.15 },
  64: { seconds: 11.0, ratio: 1.1 },
  128: { seconds: 22.0, ratio: 1.1 },
};

interface Round {
  bareMs: number;
  /** N independent masters until each is ready (bare plus the node programs' boot). */
  independentUpMs: number;
  upAndVerifiedMs: number;
  ratio: number;
  /** Writing report.html after the run (not inside up + verified). */
  reportMs?: number;
  verdict: RunResult["verdict"];
}

export interface SizeReport {
  nodes: number;
  scenario: string;
  rounds: Round[];
  bareMs: number | undefined;
  independentUpMs: number | undefined;
  upAndVerifiedMs: number | undefined;
  ratio: number | undefined;
  target?: { seconds: number; ratio: number; met: boolean };
  /** join.request.sent → join.response.received, node clock (ms). */
  handshakeMs: { p50?: number; p99?: number; samples: number };
  /** node.started → node.ready of the joiners, node clock (ms). */
  joinMs: { p50?: number; p99?: number; samples: number };
  /** Idle resident memory per node (MiB): anonymous RSS from docker stats, VmRSS for processes. */
  rssMiB: { median?: number; max?: number; samples: number; source: string };
  /** A joiner's admission → every node up then has it in its view (ms, Docker log timestamps). */
  joinConvergenceMs: { p50?: number; p99?: number; samples: number };
  /** node-crash at this size: kill → suspected / failed by every survivor / one view again. */
  crash?: CrashDetection;
  /** Writing report.html after each run (median ms), and as a share of up + verified. */
  report: { writeMs?: number; shareOfUpAndVerified?: number };
  /** Joiners that needed more than one attempt (--joinDeadline), over all rounds, and the most attempts one took. */
  retriedJoiners: { retried: number; joined: number; maxAttempts: number };
}

function scenarioFor(nodes: number): ScenarioSpec {
  // 4 nodes: the seed's own topology (the target's anchor); larger: every joiner dials the master.
  return nodes === 4 ? buildScenario("chain-join") : buildScenario("star-join", { nodes });
}

/** Per joiner: its handshake (request → response, node clock) and its join (started → ready). */
function sampleJoins(spec: ScenarioSpec, result: RunResult, handshakes: number[], joins: number[]): void {
  for (const n of spec.nodes) {
    if (!("role" in n.expect) || n.expect.role !== "member") continue;
    // The attempt that got through: a retried joiner's last request.
    const sent = nodeTime(result, n.name, "join.request.sent", "last");
    const received = nodeTime(result, n.name, "join.response.received");
    const up = nodeTime(result, n.name, "node.started");
    const ready = nodeTime(result, n.name, "node.ready");
    if (sent !== undefined && received !== undefined) handshakes.push(received - sent);
    if (up !== undefined && ready !== undefined) joins.push(ready - up);
  }
}

/** Adds a run's retried joiners (results.json timings.joins) to the size's count. */
function addRetries(into: SizeReport["retriedJoiners"], result: RunResult): void {
  const figures = result.timings.joins;
  if (!figures) return;
  into.retried += figures.retried;
  into.joined += figures.joined;
  into.maxAttempts = Math.max(into.maxAttempts, figures.maxAttempts);
}

/** When `node` first (or last) logged `event`, by its own clock. */
function nodeTime(result: RunResult, node: string, event: string, which: "first" | "last" = "first") {
  const mine = result.timeline.filter((x) => x.kind === "event" && x.node === node && x.line.event === event);
  const e = which === "first" ? mine[0] : mine.at(-1);
  return e?.kind === "event" && typeof e.line.time === "string" ? Date.parse(e.line.time) : undefined;
}

async function sampleRss(nodes: StartedNode[], limit: number): Promise<number[]> {
  // A spread of nodes, not all: docker stats costs a round trip each.
  const step = Math.max(1, Math.floor(nodes.length / limit));
  const picked = nodes.filter((_, i) => i % step === 0).slice(0, limit);
  const values = await Promise.all(picked.map((n) => n.rssBytes().catch(() => undefined)));
  return values.filter((v): v is number => v !== undefined).map((v) => v / 2 ** 20);
}

/**
 * N independent nodes (each its own master) until every one is ready: the floor with the node
 * programs' boot included, which the bare start (clock stops when `start` returns) leaves out.
 */
async function independentNodesUp(
  runtime: Runtime,
  nodes: number,
  inFlight: number,
  logger: Logger,
  runsDir: string,
) {
  const spec: ScenarioSpec = {
    name: "bench-bare",
    description: "N independent masters",
    nodes: Array.from({ length: nodes }, (_, i) => ({
      name: `bare${i + 1}`,
      port: 9001 + i,
      clusterip: `bare${i + 1}`,
      makeMasterOnError: true,
      expect: { role: "master" as const },
    })),
    checks: ["masters"],
  };
  const result = await runScenario(spec, { runtime, logger, runsDir, inFlight });
  return result.timings.upAndVerifiedMs ?? NaN;
}

/** The runtime the bench measures (--runtime, and --engine for a swarm's other hosts). */
function benchRuntime(args: BenchArgs, logger: Logger, say: (line: string) => void): Promise<Runtime> {
  return chooseRuntime({
    kind: args.runtime,
    logger,
    log: say,
    engines: enginesOf(args.engine, args.runtime),
  });
}

export async function runBench(args: BenchArgs): Promise<number> {
  const logger = createLogger(args.verbose ? "debug" : "warn");
  const sizes = args.sizes.split(",").map((s) => Number(s.trim()));
  const bad = sizes.find((n) => !Number.isInteger(n) || n < 2 || n > 500);
  if (bad !== undefined) {
    process.stderr.write(
      `joinlab bench: --sizes ${JSON.stringify(args.sizes)}: every size must be an integer in 2..500\n`,
    );
    return 2;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // Failure detection by default at the sizes a 2-core machine runs without starving the probes.
  const detectSizes = (args.detect ?? sizes.filter((n) => n <= 16).join(","))
    .split(",")
    .filter((x) => x.trim() !== "")
    .map(Number);
  const runtime = await benchRuntime(args, logger, say);
  const outDir = resolve(args.out);
  const runsDir = join(outDir, "runs");
  mkdirSync(runsDir, { recursive: true });
  const started = new Date();

  const bare = async (nodes: number): Promise<number> => {
    if (runtime instanceof DockerRuntime) {
      const { image, client } = runtime;
      return (await bareDockerStart({ client, image, nodes, inFlight: args.inFlight, runId: makeRunId() }))
        .ms;
    }
    return independentNodesUp(runtime, nodes, args.inFlight, logger, runsDir);
  };

  // Warm-up: the first starts after an image build are slower than the rest.
  await bare(2);

  const reports: SizeReport[] = [];
  for (const nodes of sizes) {
    const spec = scenarioFor(nodes);
    const rounds = nodes > 32 ? 1 : Math.max(1, args.repeat);
    const handshakes: number[] = [];
    const joins: number[] = [];
    const rss: number[] = [];
    const converge: number[] = [];
    const retried: SizeReport["retriedJoiners"] = { retried: 0, joined: 0, maxAttempts: 1 };
    const runOnce = async (round: number): Promise<RunResult> => {
      const result = await runScenario(spec, {
        runtime,
        logger,
        runsDir,
        inFlight: args.inFlight,
        readyTimeoutMs: 60_000,
        beforeTeardown: async (running) => {
          if (round === 0) rss.push(...(await sampleRss(running, 8)));
        },
      });
      converge.push(...joinConvergenceSamples(spec, result));
      addRetries(retried, result);
      sampleJoins(spec, result, handshakes, joins);
      return result;
    };
    const list: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so drift on a shared machine does not favour one side.
      let bareMs: number;
      let result: RunResult;
      if (r % 2 === 0) {
        bareMs = await bare(nodes);
        result = await runOnce(r);
      } else {
        result = await runOnce(r);
        bareMs = await bare(nodes);
      }
      const up = result.timings.upAndVerifiedMs ?? NaN;
      const independentUpMs =
        runtime.kind === "docker"
          ? await independentNodesUp(runtime, nodes, args.inFlight, logger, runsDir)
          : bareMs;
      list.push({
        bareMs: round(bareMs)!,
        independentUpMs: round(independentUpMs)!,
        upAndVerifiedMs: up,
        ratio: round(up / bareMs, 3)!,
        ...(result.timings.artifactMs?.report !== undefined
          ? { reportMs: result.timings.artifactMs.report }
          : {}),
        verdict: result.verdict,
      });
      say(
        `  ${String(nodes).padStart(3)} nodes, round ${r + 1}/${rounds}: bare ${(bareMs / 1000).toFixed(2)}s, independent nodes up ${(independentUpMs / 1000).toFixed(2)}s, ${spec.name} up + verified ${(up / 1000).toFixed(2)}s (${(up / bareMs).toFixed(2)}×), verdict ${result.verdict}`,
      );
    }
    const report: SizeReport = {
      nodes,
      scenario: spec.name,
      rounds: list,
      bareMs: round(median(list.map((x) => x.bareMs))),
      independentUpMs: round(median(list.map((x) => x.independentUpMs))),
      upAndVerifiedMs: round(median(list.map((x) => x.upAndVerifiedMs))),
      ratio: round(median(list.map((x) => x.ratio)), 3),
      handshakeMs: {
        p50: percentile(handshakes, 50),
        p99: percentile(handshakes, 99),
        samples: handshakes.length,
      },
      joinMs: { p50: percentile(joins, 50), p99: percentile(joins, 99), samples: joins.length },
      rssMiB: {
        median: round(median(rss)),
        max: rss.length ? round(Math.max(...rss)) : undefined,
        samples: rss.length,
        source: runtime.kind === "docker" ? "docker stats (anonymous rss)" : "/proc VmRSS",
      },
      joinConvergenceMs: summarize(converge),
      report: reportCost(list),
      retriedJoiners: retried,
    };
    if (detectSizes.includes(nodes)) {
      report.crash = await crashDetection(runtime, nodes, { logger, runsDir, inFlight: args.inFlight });
      const c = report.crash;
      say(
        `  ${String(nodes).padStart(3)} nodes, node-crash: suspected by all ${c.detectedMs ?? "-"} ms, failed by all ${c.failedByAllMs ?? "-"} ms, one view ${c.convergedMs ?? "-"} ms, verdict ${c.verdict}`,
      );
    }
    const target = TARGETS[nodes];
    if (target && report.upAndVerifiedMs !== undefined && report.ratio !== undefined) {
      report.target = {
        ...target,
        met: report.upAndVerifiedMs / 1000 < target.seconds && report.ratio <= target.ratio,
      };
    }
    reports.push(report);
  }
  await runtime.close();

  // The protocol's own floor, apart from containers: one node on loopback, 1,000 sequential join
  // handshakes (each a fresh connection and a new joiner), then again under 1,000 silent clients.
  say("• loopback handshake benchmark: 1,000 joins, then 1,000 more beside 1,000 silent clients");
  // The bundle is what the image runs, so its RSS is the one that counts.
  const loopback = await benchmarkNode({
    joins: 1000,
    silentClients: 1000,
    nodeBin: join(REPO_ROOT, BUNDLE),
  });

  const auth = await clusterKeyCost(say);

  say("• report page: a generated 128-node, 50,000-event report.html in headless Chromium");
  const reportPage = await benchmarkReportPage({ outDir });

  const doc = {
    startedAt: started.toISOString(),
    runtime: runtime.describe(),
    inFlight: args.inFlight,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30) },
    notes: [
      "up + verified: from the first container create until every check ran on the merged log",
      "bare: create + start of N containers of the same image, same in-flight limit, same run (clock stops when the last start returns)",
      "independent up: N nodes, each its own master, until every one logged node.ready (bare plus the node programs' boot)",
      "ratio: median over rounds of up+verified / bare of the same round",
      "latencies from the nodes' own log clocks (millisecond resolution)",
      "join convergence: a joiner's first admission (member.joined via join) until every node up then logged member.joined for it (Docker timestamps)",
      "crash: one node-crash run per size (--detect); kill event → last survivor's member.suspect / member.failed (targets: failed by all p99 < 1.5 s)",
    ],
    loopbackHandshake: loopback,
    clusterKey: auth,
    reportPage,
    sizes: reports,
  };
  const file = join(outDir, `${started.toISOString().replaceAll(":", "-")}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
  say("");
  say(formatBenchTable(reports));
  say(formatLoopback(loopback));
  say(formatClusterKey(auth));
  say(formatReportCost(reports, reportPage));
  say(`\nresults: ${file}`);
  return reports.every((r) => r.rounds.every((x) => x.verdict === true)) ? 0 : 1;
}

function formatLoopback(r: NodeBenchmarkResult): string {
  const silent = r.underSilentClients;
  return [
    `\nloopback join handshake (${r.joins} joins): p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (target p50 < 2 ms, p99 < 10 ms)`,
    silent
      ? `  beside ${silent.silentClients} silent clients: p50 ${silent.p50Ms} ms, p99 ${silent.p99Ms} ms (target p99 < 50 ms)`
      : "",
    `idle RSS of one node process: ${r.idleRssMiB} MiB (target < 50 MiB)`,
  ]
    .filter((line) => line !== "")
    .join("\n");
}

function clusterKeyCost(say: (line: string) => void): Promise<KeyCostResult> {
  say(
    "• cluster key: 1,000 joins alternating keyed and unkeyed; idle CPU of 8 keyed and 8 unkeyed nodes side by side",
  );
  return benchmarkKeyCost({ nodeBin: join(REPO_ROOT, BUNDLE) });
}

function formatClusterKey(r: KeyCostResult): string {
  const { unkeyed, keyed, p99Ratio } = r.handshake;
  const cpu = (side: "unkeyed" | "keyed") =>
    r.idleCpu.rounds.map((x) => x[side].cpuPercentPerNode).join(" / ");
  return [
    `with a cluster key (handshakes alternating with unkeyed ones): p50 ${keyed.p50Ms} vs ${unkeyed.p50Ms} ms, ` +
      `p99 ${keyed.p99Ms} vs ${unkeyed.p99Ms} ms (${p99Ratio}×; target ≤ 1.2×)`,
    `idle CPU per node, 8 on loopback, side by side: ${cpu("keyed")} % keyed vs ${cpu("unkeyed")} % unkeyed ` +
      `(${r.idleCpu.ratio}×; target ≤ 1.2×)`,
  ].join("\n");
}

export function formatBenchTable(reports: readonly SizeReport[]): string {
  const s = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`);
  const p = (v: { p50?: number; p99?: number }) => (v.p50 === undefined ? "-" : `${v.p50} / ${v.p99} ms`);
  const rows = [
    [
      "nodes",
      "scenario",
      "bare start",
      "indep. up",
      "up+verified",
      "ratio to bare",
      "target",
      "met",
      "handshake p50/p99",
      "join p50/p99",
      "idle RSS/node",
      "join convergence p50/p99",
      "crash suspected/failed by all",
      "joiners retried",
    ],
    ...reports.map((r) => [
      String(r.nodes),
      r.scenario,
      s(r.bareMs),
      s(r.independentUpMs),
      s(r.upAndVerifiedMs),
      r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}×`,
      r.target ? `<${r.target.seconds} s, ≤${r.target.ratio}×` : "-",
      r.target ? (r.target.met ? "yes" : "no") : "-",
      p(r.handshakeMs),
      p(r.joinMs),
      r.rssMiB.median === undefined ? "-" : `${r.rssMiB.median} MiB`,
      p(r.joinConvergenceMs),
      r.crash ? `${r.crash.detectedMs ?? "-"} / ${r.crash.failedByAllMs ?? "-"} ms` : "-",
      r.retriedJoiners.retried
        ? `${r.retriedJoiners.retried}/${r.retriedJoiners.joined} (≤${r.retriedJoiners.maxAttempts} attempts)`
        : `0/${r.retriedJoiners.joined}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function reportCost(rounds: readonly Round[]): SizeReport["report"] {
  const writes = rounds.flatMap((r) => (r.reportMs !== undefined ? [r.reportMs] : []));
  const shares = rounds.flatMap((r) => (r.reportMs !== undefined ? [r.reportMs / r.upAndVerifiedMs] : []));
  return {
    ...(writes.length ? { writeMs: round(median(writes)) } : {}),
    ...(shares.length ? { shareOfUpAndVerified: round(median(shares), 4) } : {}),
  };
}

function formatReportCost(reports: readonly SizeReport[], page: ReportPageBench): string {
  const lines = ["\nreport.html"];
  for (const r of reports) {
    if (r.report.writeMs === undefined) continue;
    const share = ((r.report.shareOfUpAndVerified ?? NaN) * 100).toFixed(1);
    lines.push(
      `  ${r.nodes} nodes: written in ${r.report.writeMs} ms after each run, ${share} % of up + verified${r.nodes === 4 ? " (target < 5 %)" : ""}`,
    );
  }
  lines.push(
    `  ${page.nodes} nodes, ${page.events} events: ${(page.bytes / 2 ** 20).toFixed(2)} MiB (target ≤ 2 MB), first screen ${page.firstScreenMedianMs} ms in headless Chromium (median of ${page.firstScreenMs.length}; target < 1 s), every view ${page.completeMedianMs} ms`,
  );
  return lines.join("\n");
}
