// `npm run bench`: for each size, in one run, the bare time Docker needs to create and start N
// containers against the scenario's wall time from the first create until every check ran, with
// the bring-up's health, idle cost and membership figures (size-bench.ts); then the whole user
// command against the plain Docker CLI, the protocol's loopback floor, the cluster key's cost and
// the report page's. Everything goes to bench-results/<time>.json, a summary to stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { benchmarkKeyCost, benchmarkNode, type KeyCostResult } from "@joinlab/node";
import { benchmarkReportPage } from "@joinlab/report";
import type { Logger } from "winston";
import { handleSignals } from "../cleanup/signals.js";
import { enginesOf } from "../cli/run-command.js";
import { BUNDLE, REPO_ROOT } from "../image/node-image.js";
import { createLogger } from "../progress/logger.js";
import { makeRunId } from "../results/run-id.js";
import { isLargeRunSize } from "../run/large-run.js";
import { runScenario } from "../run/run-scenario.js";
import { chooseRuntime } from "../runtime/choose-runtime.js";
import { DockerRuntime } from "../runtime/docker-runtime.js";
import type { Runtime } from "../runtime/types.js";
import { FAULT_NODES } from "../scenarios/fault-cluster.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import { bareDockerStart } from "./bare-start.js";
import type { BenchArgs } from "./bench-arguments.js";
import {
  formatBenchTable,
  formatClusterKey,
  formatLive,
  formatLoopback,
  formatReportCost,
  formatWholeCommand,
} from "./bench-format.js";
import { liveLatency, type LiveLatency } from "./live-bench.js";
import { benchSize, type SizeReport } from "./size-bench.js";
import { round } from "./stats.js";
import { wholeCommandVsDockerCli, type WholeCommand } from "./whole-command.js";

/** The largest size whose failure detection the bench measures by default. */
const DETECT_UP_TO_NODES = 64;

const NOTES = [
  "up + verified: from the first container create until every check ran on the merged log",
  "bare: create + start of N containers of the same image, same in-flight limit, same run (clock stops when the last start returns)",
  "independent up: N nodes, each its own master, until every one logged node.ready (bare plus the node programs' boot)",
  "ratio: median over rounds of up+verified / bare of the same round",
  "false deaths: members some node declared failed in a run that faults nothing (the worst round); retried joins: joiners with a failed attempt before they joined",
  "engine / busy cores: during the scenario run (first create until the checks ran), the cores the Docker engine's processes (dockerd, containerd, shims) used on average, and the cores the whole machine was busy",
  "idle CPU: per node, % of one core, over 10 s once the cluster converged (container cgroup counters; /proc for processes), median of up to 16 nodes",
  "latencies from the nodes' own log clocks (millisecond resolution)",
  "join convergence: a joiner's first admission (member.joined via join) until every node up then logged member.joined for it (the nodes' own clocks: every container reads the host's)",
  "crash: one node-crash run per size (--detect); kill event → last survivor's member.suspect / member.failed",
  "live page: a star-join served live (--ui) to headless Chromium; each node line's own timestamp → drawn on the page",
  "whole command: `npm run scenario -- chain-join` as typed, against scripts/docker-cli-chain-join.sh (network create, 4 × docker run, rm, network rm), paired rounds",
];

interface Bench {
  args: BenchArgs;
  runtime: Runtime;
  logger: Logger;
  runsDir: string;
  say(line: string): void;
}

export async function runBench(args: BenchArgs): Promise<number> {
  const sizes = parseSizes(args.sizes);
  if (!sizes || !detectSizesValid(args.detect)) return 2;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const loadBefore = loadavg().map((x) => round(x, 2)!);
  say(`• load average before the bench: ${loadBefore.join(", ")} (quiet: below 1 on this machine)`);
  const bench = await openBench(args, say);
  const stopSignals = removeAllOnInterrupt(bench);
  try {
    return await benchAll(bench, sizes, loadBefore);
  } finally {
    stopSignals();
  }
}

/**
 * Ctrl-C or SIGTERM: a half-run bench measures nothing, so there is nothing to finish gracefully.
 * Everything this process made (every round's containers and networks) goes at once, and the
 * loopback nodes and the timed commands it started go with it (endWithParent).
 */
function removeAllOnInterrupt(bench: Bench): () => void {
  return handleSignals({
    controller: new AbortController(),
    force: async () => void (await bench.runtime.sweep({ mine: true })),
    print: bench.say,
    noGracefulStop: true,
  });
}

async function benchAll(bench: Bench, sizes: number[], loadBefore: number[]): Promise<number> {
  const { args, say } = bench;
  const started = new Date();
  const reports = await benchSizes(bench, sizes);
  const live = await livePage(bench);
  await bench.runtime.close();
  const whole = await wholeCommand(bench);
  const { loopback, auth, reportPage } = await protocolAndPageFloors(say, resolve(args.out));
  const doc = {
    startedAt: started.toISOString(),
    loadAverageBefore: loadBefore,
    runtime: bench.runtime.describe(),
    inFlight: args.inFlight,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30) },
    notes: NOTES,
    loopbackHandshake: loopback,
    clusterKey: auth,
    reportPage,
    ...(whole ? { wholeCommand: whole } : {}),
    ...(live ? { livePage: live } : {}),
    sizes: reports,
  };
  const file = join(resolve(args.out), `${started.toISOString().replaceAll(":", "-")}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
  say(
    [
      "",
      formatBenchTable(reports),
      formatWholeCommand(whole),
      formatLive(live),
      formatLoopback(loopback),
    ].join("\n"),
  );
  say([formatClusterKey(auth), formatReportCost(reports, reportPage), `\nresults: ${file}`].join("\n"));
  return reports.every((r) => r.rounds.every((x) => x.verdict === true)) ? 0 : 1;
}

function parseSizes(text: string): number[] | undefined {
  const sizes = text.split(",").map((s) => Number(s.trim()));
  const bad = sizes.find((n) => !Number.isInteger(n) || n < 2 || n > 500);
  if (bad === undefined) return sizes;
  process.stderr.write(
    `joinlab bench: --sizes ${JSON.stringify(text)}: every size must be an integer in 2..500\n`,
  );
  return undefined;
}

/** --detect names node-crash runs: each size must be one node-crash can have. */
function detectSizesValid(text: string | undefined): boolean {
  const bad = (text ?? "")
    .split(",")
    .filter((x) => x.trim() !== "")
    .find((x) => !Number.isInteger(Number(x)) || Number(x) < FAULT_NODES.min || Number(x) > FAULT_NODES.max);
  if (bad === undefined) return true;
  process.stderr.write(
    `joinlab bench: --detect ${JSON.stringify(text)}: ${bad} is not a node-crash size (${FAULT_NODES.min}..${FAULT_NODES.max})\n`,
  );
  return false;
}

async function openBench(args: BenchArgs, say: (line: string) => void): Promise<Bench> {
  const logger = createLogger(args.verbose ? "debug" : "warn");
  const runtime = await chooseRuntime({
    kind: args.runtime,
    logger,
    log: say,
    engines: enginesOf(args.engine, args.runtime),
  });
  const runsDir = join(resolve(args.out), "runs");
  mkdirSync(runsDir, { recursive: true });
  return { args, runtime, logger, runsDir, say };
}

async function benchSizes(bench: Bench, sizes: number[]): Promise<SizeReport[]> {
  const { args, runtime, logger, runsDir, say } = bench;
  // Failure detection by default from 16 nodes up to 64 (a 128-node crash adds minutes, not news).
  const detect = (args.detect ?? sizes.filter((n) => n >= 16 && n <= DETECT_UP_TO_NODES).join(","))
    .split(",")
    .filter((x) => x.trim() !== "")
    .map(Number);
  const bare = (nodes: number) => bareStart(bench, nodes);
  const independentUp = (nodes: number) => independentNodesUp(bench, nodes);
  // Warm-up: the first starts after an image build are slower than the rest.
  await bare(2);
  const reports: SizeReport[] = [];
  for (const nodes of sizes) {
    const rounds = nodes > 32 ? 1 : Math.max(1, args.repeat);
    const options = { runtime, logger, runsDir, inFlight: args.inFlight, rounds, bare, independentUp, say };
    reports.push(await benchSize(nodes, { ...options, detect: detect.includes(nodes) }));
  }
  return reports;
}

async function bareStart(bench: Bench, nodes: number): Promise<number> {
  const { runtime, args } = bench;
  if (!(runtime instanceof DockerRuntime)) return independentNodesUp(bench, nodes);
  const { image, client } = runtime;
  // Placed as the scenario's containers of this size are (large-run-cgroup.ts).
  const cgroupParent = isLargeRunSize(nodes) ? await runtime.largeRunCgroupParent() : undefined;
  const runId = makeRunId();
  const options = {
    client,
    image,
    nodes,
    inFlight: args.inFlight,
    runId,
    ...(cgroupParent ? { cgroupParent } : {}),
  };
  return (await bareDockerStart(options)).ms;
}

/**
 * N independent nodes (each its own master) until every one is ready: the floor with the node
 * programs' boot included, which the bare start (clock stops when `start` returns) leaves out.
 */
async function independentNodesUp(bench: Bench, nodes: number): Promise<number> {
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
  const { runtime, logger, runsDir, args } = bench;
  const result = await runScenario(spec, { runtime, logger, runsDir, inFlight: args.inFlight });
  return result.timings.upAndVerifiedMs ?? NaN;
}

/** A star-join served live to headless Chromium: node line → drawn on the page. */
async function livePage(bench: Bench): Promise<LiveLatency | undefined> {
  const { runtime, args, logger, runsDir, say } = bench;
  if (args.liveNodes < 2) return undefined;
  say(`• live page: star-join --nodes ${args.liveNodes} served live to headless Chromium`);
  return liveLatency(runtime, args.liveNodes, { logger, runsDir, inFlight: args.inFlight });
}

/** The whole user command against the plain Docker CLI (Docker runtime only). */
async function wholeCommand(bench: Bench): Promise<WholeCommand | undefined> {
  const { runtime, args, say } = bench;
  if (!(runtime instanceof DockerRuntime) || args.wholeRounds < 1) return undefined;
  say(
    `• whole command: \`npm run scenario -- chain-join\` vs the plain Docker CLI, ${args.wholeRounds} paired rounds`,
  );
  return wholeCommandVsDockerCli(runtime.image, args.wholeRounds);
}

async function protocolAndPageFloors(say: (line: string) => void, outDir: string) {
  // The protocol's own floor, apart from containers: one node on loopback, 1,000 sequential join
  // handshakes (each a fresh connection and a new joiner), then again under 1,000 silent clients.
  say("• loopback handshake benchmark: 1,000 joins, then 1,000 more beside 1,000 silent clients");
  // The bundle is what the image runs, so its RSS is the one that counts.
  const nodeBin = join(REPO_ROOT, BUNDLE);
  const loopback = await benchmarkNode({ joins: 1000, silentClients: 1000, nodeBin });
  const auth = await clusterKeyCost(say, nodeBin);
  say("• report page: a generated 128-node, 50,000-event report.html in headless Chromium");
  const reportPage = await benchmarkReportPage({ outDir });
  return { loopback, auth, reportPage };
}

function clusterKeyCost(say: (line: string) => void, nodeBin: string): Promise<KeyCostResult> {
  say(
    "• cluster key: 1,000 joins alternating keyed and unkeyed; idle CPU of 8 keyed and 8 unkeyed nodes side by side",
  );
  return benchmarkKeyCost({ nodeBin });
}
