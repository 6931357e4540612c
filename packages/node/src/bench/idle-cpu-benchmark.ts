// Idle CPU of a converged cluster on loopback: N node processes (one master, the others joined
// through it) left alone, each one's CPU time read from the kernel before and after a quiet spell.
// Run with and without a cluster key, it is what signing every datagram costs at rest.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { KEY_ENV } from "../auth/key-sources.js";
import { NODE_RUNTIME_OPTIONS } from "../runtime-options.js";
import { freePort } from "../ports.js";
import { defaultNodeBin, endWithParent, stopChild, waitForReady } from "./node-child.js";

export interface IdleCpuOptions {
  /** Cluster size (default 8). */
  nodes?: number;
  /** Wait after the last node is ready, so probing has reached its steady state (ms). */
  settleMs?: number;
  /** The quiet spell measured (ms). */
  sampleMs?: number;
  /** A cluster key (base64) given to every node by environment. */
  clusterKey?: string;
  /** Flags given to every node (membership timings, say). */
  nodeFlags?: readonly string[];
  nodeBin?: string;
}

export interface IdleCpuResult {
  nodes: number;
  sampleMs: number;
  /** Mean CPU per node, in per cent of one core. */
  cpuPercentPerNode: number;
  keyed: boolean;
}

export async function benchmarkIdleCpu(options: IdleCpuOptions = {}): Promise<IdleCpuResult> {
  const {
    nodes = 8,
    settleMs = 5000,
    sampleMs = 10_000,
    clusterKey,
    nodeFlags = [],
    nodeBin = defaultNodeBin(),
  } = options;
  const env = clusterKey === undefined ? process.env : { ...process.env, [KEY_ENV]: clusterKey };
  const children: ChildProcess[] = [];
  try {
    const masterPort = await freePort();
    children.push(
      await startNode(nodeBin, masterPort, masterPort, env, ["--makeMasterOnError", ...nodeFlags]),
    );
    for (let i = 1; i < nodes; i++)
      children.push(await startNode(nodeBin, await freePort(), masterPort, env, nodeFlags));
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const before = children.map(cpuNanos);
    await new Promise((resolve) => setTimeout(resolve, sampleMs));
    const used = children.map((child, i) => cpuNanos(child) - (before[i] as number));
    const mean = used.reduce((sum, ns) => sum + ns, 0) / used.length;
    return {
      nodes,
      sampleMs,
      cpuPercentPerNode: Math.round((mean / (sampleMs * 1e6)) * 100 * 1000) / 1000,
      keyed: clusterKey !== undefined,
    };
  } finally {
    await Promise.all(children.map(stopChild));
  }
}

async function startNode(
  nodeBin: string,
  port: number,
  masterPort: number,
  env: NodeJS.ProcessEnv,
  extra: readonly string[],
): Promise<ChildProcess> {
  const args = ["--myport", String(port), "--clusterip", `127.0.0.1:${masterPort}`, ...extra];
  const loopback = ["--listenHost", "127.0.0.1", "--advertise", "127.0.0.1"];
  const child = spawn(process.execPath, [...NODE_RUNTIME_OPTIONS, nodeBin, ...args, ...loopback], {
    stdio: ["ignore", "pipe", "inherit"],
    env,
  });
  endWithParent(child);
  try {
    await waitForReady(child);
  } catch (err) {
    // Not in the caller's list yet: nobody else would stop it.
    child.kill("SIGKILL");
    throw err;
  }
  return child;
}

/** CPU time of every thread of the process, in nanoseconds (schedstat: finer than clock ticks). */
function cpuNanos(child: ChildProcess): number {
  const dir = `/proc/${child.pid}/task`;
  let total = 0;
  for (const task of readdirSync(dir)) {
    try {
      total += Number(readFileSync(`${dir}/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that ended between the listing and the read: its time is gone with it.
    }
  }
  return total;
}
