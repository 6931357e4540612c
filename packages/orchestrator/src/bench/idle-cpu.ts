// Idle CPU of a converged cluster: each node's CPU time (its container's cgroup counter, or its
// process's /proc times) read twice, a window apart, while nothing happens but membership upkeep.
import { setTimeout as sleep } from "node:timers/promises";
import type { StartedNode } from "../runtime/types.js";
import { median, round, spread } from "./stats.js";

/** How long the cluster is watched: long enough for several push-pull periods. */
export const IDLE_WINDOW_MS = 10_000;
/**
 * When the settled window starts, after the bring-up: the window right after it still catches the
 * youngest nodes compiling their code and collecting the garbage their start-up left.
 */
export const IDLE_SETTLE_MS = 30_000;
/** Nodes sampled, spread over the cluster (each sample is an engine round trip). */
const SAMPLED_NODES = 16;

export interface IdleCpu {
  /** Per node, as a percentage of one core. */
  medianPercent?: number;
  maxPercent?: number;
  samples: number;
  windowMs: number;
}

/** Idle CPU in the window right after the bring-up, and in one that starts IDLE_SETTLE_MS after it. */
export interface IdleCpuFigures {
  afterBringUp: IdleCpu;
  settled: IdleCpu;
}

export async function idleCpuFigures(nodes: readonly StartedNode[]): Promise<IdleCpuFigures> {
  const afterBringUp = await idleCpuPerNode(nodes);
  await sleep(IDLE_SETTLE_MS - afterBringUp.windowMs);
  return { afterBringUp, settled: await idleCpuPerNode(nodes) };
}

export async function idleCpuPerNode(
  nodes: readonly StartedNode[],
  windowMs = IDLE_WINDOW_MS,
): Promise<IdleCpu> {
  const picked = spread(nodes, SAMPLED_NODES);
  const before = await cpuTimes(picked);
  const t0 = performance.now();
  await sleep(windowMs);
  const after = await cpuTimes(picked);
  const elapsedS = (performance.now() - t0) / 1000;
  const percents = picked.flatMap((_, i) => {
    const [a, b] = [before[i], after[i]];
    return a === undefined || b === undefined ? [] : [((b - a) / elapsedS) * 100];
  });
  return {
    medianPercent: round(median(percents), 3),
    ...(percents.length ? { maxPercent: round(Math.max(...percents), 3) } : {}),
    samples: percents.length,
    windowMs,
  };
}

function cpuTimes(nodes: readonly StartedNode[]): Promise<(number | undefined)[]> {
  return Promise.all(nodes.map((n) => n.cpuSeconds().catch(() => undefined)));
}
