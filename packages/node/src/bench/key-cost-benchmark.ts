// What a cluster key costs, measured so that a busy machine hits both sides alike: join handshakes
// alternate between an unkeyed and a keyed master, one by one; idle clusters, one unkeyed and one
// keyed, run side by side over the same seconds.
import { randomBytes } from "node:crypto";
import { ClusterAuth } from "../auth/cluster-auth.js";
import { loadKeyring } from "../auth/key-sources.js";
import { freePort } from "../ports.js";
import { measureHandshakeLatency, summarize, type LatencyResult } from "./handshake-benchmark.js";
import { benchmarkIdleCpu, type IdleCpuResult } from "./idle-cpu-benchmark.js";
import { defaultNodeBin, startBenchMaster, stopChild } from "./node-child.js";

export interface KeyCostOptions {
  /** Handshakes per side, after a warm-up of 50 each. */
  joins?: number;
  /** Idle cluster size, and how many side-by-side rounds. */
  nodes?: number;
  rounds?: number;
  nodeBin?: string;
}

export interface KeyCostResult {
  handshake: { unkeyed: LatencyResult; keyed: LatencyResult; p50Ratio: number; p99Ratio: number };
  idleCpu: { rounds: { unkeyed: IdleCpuResult; keyed: IdleCpuResult }[]; ratio: number };
}

const WARMUP = 50;

export async function benchmarkKeyCost(options: KeyCostOptions = {}): Promise<KeyCostResult> {
  const { joins = 1000, nodes = 8, rounds = 2, nodeBin = defaultNodeBin() } = options;
  const clusterKey = randomBytes(32).toString("base64");
  const handshake = await alternateHandshakes(nodeBin, clusterKey, joins);
  const idle: KeyCostResult["idleCpu"]["rounds"] = [];
  for (let i = 0; i < rounds; i++) {
    const [unkeyed, keyed] = await Promise.all([
      benchmarkIdleCpu({ nodes, nodeBin }),
      benchmarkIdleCpu({ nodes, nodeBin, clusterKey }),
    ]);
    idle.push({ unkeyed, keyed });
  }
  const mean = (side: "unkeyed" | "keyed") =>
    idle.reduce((sum, r) => sum + r[side].cpuPercentPerNode, 0) / idle.length;
  return { handshake, idleCpu: { rounds: idle, ratio: ratio(mean("keyed"), mean("unkeyed")) } };
}

async function alternateHandshakes(nodeBin: string, clusterKey: string, joins: number) {
  const keyring = loadKeyring({ envKeys: clusterKey });
  const auth = new ClusterAuth({ ...(keyring ? { keyring } : {}) });
  const [plainPort, keyedPort] = [await freePort(), await freePort()];
  const plain = await startBenchMaster(nodeBin, plainPort);
  try {
    const keyedNode = await startBenchMaster(nodeBin, keyedPort, clusterKey);
    try {
      const samples = { unkeyed: [] as number[], keyed: [] as number[] };
      for (let i = 0; i < WARMUP + joins; i++) {
        const a = await measureHandshakeLatency("127.0.0.1", plainPort, 1, 0);
        const b = await measureHandshakeLatency("127.0.0.1", keyedPort, 1, 0, auth);
        if (i < WARMUP) continue;
        samples.unkeyed.push(a.p50Ms);
        samples.keyed.push(b.p50Ms);
      }
      const [unkeyed, keyed] = [summarize(samples.unkeyed), summarize(samples.keyed)];
      return {
        unkeyed,
        keyed,
        p50Ratio: ratio(keyed.p50Ms, unkeyed.p50Ms),
        p99Ratio: ratio(keyed.p99Ms, unkeyed.p99Ms),
      };
    } finally {
      await stopChild(keyedNode);
    }
  } finally {
    await stopChild(plain);
  }
}

function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}
