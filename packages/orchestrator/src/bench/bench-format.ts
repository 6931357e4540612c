// The bench's tables and lines on stdout (results.json holds every figure; this is the summary).
import type { KeyCostResult, NodeBenchmarkResult } from "@joinlab/node";
import type { ReportPageBench } from "@joinlab/report";
import type { LiveLatency } from "./live-bench.js";
import type { SizeReport } from "./size-bench.js";
import type { WholeCommand } from "./whole-command.js";

const seconds = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`);
const p50p99 = (v: { p50?: number; p99?: number }) => (v.p50 === undefined ? "-" : `${v.p50} / ${v.p99} ms`);

function targetText(t: SizeReport["target"]): string {
  if (!t) return "-";
  return `valid, ${t.seconds !== undefined ? `<${t.seconds} s, ` : ""}≤${t.ratio}×`;
}

/** The first round's bring-up: cores the Docker engine used, of the cores the machine was busy. */
function engineShare(r: SizeReport): string {
  const e = r.rounds[0]?.engineCpu;
  return e ? `${e.engineCores} / ${e.busyCores}` : "-";
}

/** Median per node: right after the bring-up / settled (the target's figure). */
function idleCpuText(figures: SizeReport["idleCpu"]): string {
  const percent = (v: number | undefined) => (v === undefined ? "-" : `${v} %`);
  if (!figures) return "-";
  return `${percent(figures.afterBringUp.medianPercent)} / ${percent(figures.settled.medianPercent)}`;
}

function sizeRow(r: SizeReport): string[] {
  return [
    String(r.nodes),
    r.scenario,
    seconds(r.bareMs),
    seconds(r.independentUpMs),
    seconds(r.upAndVerifiedMs),
    r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}×`,
    targetText(r.target),
    r.target ? (r.target.met ? "yes" : "no") : "-",
    `${r.health.falselyFailed} (${r.health.failedLines} lines)`,
    r.health.retriedJoiners ? `${r.health.retriedJoiners} (≤${r.health.maxAttempts} attempts)` : "0",
    engineShare(r),
    idleCpuText(r.idleCpu),
    r.rssMiB.median === undefined ? "-" : `${r.rssMiB.median} MiB`,
    p50p99(r.joinConvergenceMs),
    r.crash ? `${r.crash.detectedMs ?? "-"} / ${r.crash.failedByAllMs ?? "-"} ms` : "-",
  ];
}

const HEADER = [
  "nodes",
  "scenario",
  "bare start",
  "indep. up",
  "up+verified",
  "ratio to bare",
  "target",
  "met",
  "false deaths",
  "retried joins",
  "engine / busy cores",
  "idle CPU/node: after bring-up / settled",
  "idle RSS/node",
  "join convergence p50/p99",
  "crash suspected/failed by all",
];

export function formatBenchTable(reports: readonly SizeReport[]): string {
  const rows = [HEADER, ...reports.map(sizeRow)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatWholeCommand(w: WholeCommand | undefined): string {
  if (!w || w.ratio === undefined) return "";
  const failed = w.rounds.filter((r) => r.joinlabExit !== 0).length;
  return (
    `\nwhole \`npm run scenario -- chain-join\` vs the plain Docker CLI doing the same (median of ${w.rounds.length} paired rounds): ` +
    `${seconds(w.joinlabMs)} vs ${seconds(w.dockerCliMs)} (${w.ratio.toFixed(2)}×; target ≤ 1.3×)` +
    (failed ? `; ${failed} joinlab run(s) did not exit 0` : "")
  );
}

export function formatLive(l: LiveLatency | undefined): string {
  if (!l) return "";
  const d = l.drawnMs;
  return (
    `live page, star-join ${l.nodes} (verdict ${l.verdict}): node line → drawn p50 ${d.p50 ?? "-"} ms, p99 ${d.p99 ?? "-"} ms, max ${d.max ?? "-"} ms over ${d.samples} lines (target p99 < 250 ms at 16)` +
    (l.heapMiB !== undefined ? `; page heap ${l.heapMiB} MiB` : "")
  );
}

export function formatLoopback(r: NodeBenchmarkResult): string {
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

export function formatClusterKey(r: KeyCostResult): string {
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

export function formatReportCost(reports: readonly SizeReport[], page: ReportPageBench): string {
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
