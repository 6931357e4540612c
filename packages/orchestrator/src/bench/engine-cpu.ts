// Where the machine's CPU went during a bring-up: the Docker engine's own processes (dockerd,
// containerd and the per-container shims, read from /proc) against the whole machine's busy time
// (/proc/stat). Local engines on Linux only; elsewhere the figure is absent.
import { readdirSync, readFileSync } from "node:fs";
import { CLOCK_TICKS_PER_SECOND, procStat } from "../runtime/proc-stat.js";
import { round } from "./stats.js";

const ENGINE_PROCESS = /^(dockerd|containerd|containerd-shim.*|runc)$/;

export interface CpuSnapshot {
  at: number;
  engineTicks: number;
  busyTicks: number;
}

export interface EngineCpuShare {
  /** Cores the engine's processes used on average over the window. */
  engineCores: number;
  /** Cores the whole machine was busy on average (user + system + irq), of `cores`. */
  busyCores: number;
  seconds: number;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    return { at: performance.now(), engineTicks: engineTicks(), busyTicks: machineBusyTicks() };
  } catch {
    return undefined;
  }
}

export function engineCpuShare(
  from: CpuSnapshot | undefined,
  to: CpuSnapshot | undefined,
): EngineCpuShare | undefined {
  if (!from || !to) return undefined;
  const seconds = (to.at - from.at) / 1000;
  if (seconds <= 0) return undefined;
  const cores = (ticks: number) => round(ticks / CLOCK_TICKS_PER_SECOND / seconds, 2)!;
  return {
    engineCores: cores(to.engineTicks - from.engineTicks),
    busyCores: cores(to.busyTicks - from.busyTicks),
    seconds: round(seconds, 2)!,
  };
}

/** utime + stime (and their reaped children's) of every engine process now running. */
function engineTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = procStat(pid, (path) => readFileSync(path, "utf8"));
    if (stat && ENGINE_PROCESS.test(stat.comm)) ticks += stat.ticks + stat.childTicks;
  }
  return ticks;
}

/** The machine's busy time over all cores: everything in /proc/stat's cpu line but idle and iowait. */
function machineBusyTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}
