// Benchmarks one node on loopback: join-handshake latency (connect -> response) and idle RSS.
import { readFileSync } from "node:fs";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { joinRequest, nodeInfo, DEFAULT_MAX_LINE_BYTES } from "@joinlab/protocol";
import { ClusterAuth } from "../auth/cluster-auth.js";
import { loadKeyring } from "../auth/key-sources.js";
import { requestJoin } from "../join/join-client.js";
import { randomNodeId } from "../node-id.js";
import { freePort } from "../ports.js";
import { STEP_TIMEOUT_MS, defaultNodeBin, startBenchMaster, stopChild } from "./node-child.js";

export interface LatencyResult {
  joins: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface NodeBenchmarkResult extends LatencyResult {
  /** Resident memory of the node process after start-up, before any benchmark traffic. */
  idleRssMiB: number;
  /** The same handshakes again while `silentClients` connections sit open sending nothing. */
  underSilentClients?: LatencyResult & { silentClients: number };
}

export interface NodeBenchmarkOptions {
  /** Sequential handshakes to time (at least 1000 for a meaningful p99). */
  joins?: number;
  /** Untimed handshakes first, so JIT warm-up does not count. */
  warmup?: number;
  /** How long the node idles before its RSS is read. */
  idleSettleMs?: number;
  /** The node program; defaults to this package's built dist/main.js. */
  nodeBin?: string;
  /** If > 0, a second run with this many silent connections held open (slow-loris check). */
  silentClients?: number;
  /** A cluster key (base64): the node and every joiner sign and verify (the keyed figure). */
  clusterKey?: string;
}

/**
 * Times `joins` sequential join handshakes against a node already listening at host:port, each a
 * fresh TCP connection (as real joiners make), from connect until the response line is parsed.
 */
export async function measureHandshakeLatency(
  host: string,
  port: number,
  joins = 1000,
  warmup = 50,
  auth?: ClusterAuth,
): Promise<LatencyResult> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + joins; i++) {
    // Fresh ids and ports, so every handshake is a new joiner (no id clash, no reassignment).
    const request = joinRequest(nodeInfo(randomNodeId(), "127.0.0.1", 1024 + (i % 60000)), host, port);
    const started = performance.now();
    const outcome = await requestJoin({
      target: { host, port },
      request,
      timeoutMs: STEP_TIMEOUT_MS,
      maxLineBytes: DEFAULT_MAX_LINE_BYTES,
      ...(auth !== undefined ? { auth } : {}),
    });
    const elapsed = performance.now() - started;
    if (!outcome.ok) throw new Error(`handshake ${i + 1} failed: ${outcome.reason}`);
    if (i >= warmup) samples.push(elapsed);
  }
  return summarize(samples);
}

/** Spawns one master node on loopback, reads its idle RSS, then times handshakes against it. */
export async function benchmarkNode(options: NodeBenchmarkOptions = {}): Promise<NodeBenchmarkResult> {
  const {
    joins = 1000,
    warmup = 50,
    idleSettleMs = 1000,
    nodeBin = defaultNodeBin(),
    silentClients = 0,
    clusterKey,
  } = options;
  const keyring = clusterKey === undefined ? undefined : loadKeyring({ envKeys: clusterKey });
  const auth = keyring === undefined ? undefined : new ClusterAuth({ keyring });
  const port = await freePort();
  const child = await startBenchMaster(nodeBin, port, clusterKey);
  try {
    await new Promise((resolve) => setTimeout(resolve, idleSettleMs));
    const idleRssMiB = rssMiB(child.pid ?? 0);
    const latency = await measureHandshakeLatency("127.0.0.1", port, joins, warmup, auth);
    if (silentClients === 0) return { ...latency, idleRssMiB };
    const silent = await openSilentClients(port, silentClients);
    try {
      const loaded = await measureHandshakeLatency("127.0.0.1", port, joins, 0, auth);
      return { ...latency, idleRssMiB, underSilentClients: { ...loaded, silentClients } };
    } finally {
      for (const socket of silent) socket.destroy();
    }
  } finally {
    await stopChild(child);
  }
}

/** Connections that never send a byte; the node must keep serving joins while they wait out its deadline. */
async function openSilentClients(port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.on("error", () => socket.destroy());
    sockets.push(socket);
  }
  await Promise.all(
    sockets.map((socket) => new Promise((resolve) => socket.once("connect", resolve).once("close", resolve))),
  );
  return sockets;
}

export function summarize(samples: number[]): LatencyResult {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN);
  return {
    joins: sorted.length,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: at(1),
    meanMs: round(sorted.reduce((sum, x) => sum + x, 0) / sorted.length),
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** VmRSS from /proc (Linux); the benchmark runs where the nodes run. */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round((kib / 1024) * 10) / 10;
}
