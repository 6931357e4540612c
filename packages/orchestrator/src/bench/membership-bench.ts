// The bench's membership figures: convergence after each join (from the merged log of a bring-up)
// and failure detection (a node-crash run per size: kill → every survivor suspects, then fails it).
import type { Logger } from "winston";
import { membershipFigures } from "../checks/membership-view.js";
import type { ObservedNode } from "../checks/types.js";
import { runScenario, type RunResult } from "../run/run-scenario.js";
import type { Runtime } from "../runtime/types.js";
import { buildScenario } from "../scenarios/registry.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import { percentile } from "./stats.js";

/** What the checks would see, rebuilt from a finished run (the bench needs no more than names). */
function contextOf(spec: ScenarioSpec, result: RunResult) {
  const nodes = spec.nodes.map((n): ObservedNode => ({
    name: n.name,
    spec: n,
    address: "",
    clusterip: "",
    started: true,
  }));
  return { scenario: spec, nodes, timeline: result.timeline };
}

/** Per joiner: its admission → every node up by then knows it (ms, Docker log timestamps). */
export function joinConvergenceSamples(spec: ScenarioSpec, result: RunResult): number[] {
  return membershipFigures(contextOf(spec, result)).joinConvergenceMs.map((j) => j.ms);
}

export interface CrashDetection {
  nodes: number;
  verdict: RunResult["verdict"];
  /** kill → the last survivor's first suspect line. */
  detectedMs?: number;
  /** kill → the last survivor's member.failed: "crash detected by all survivors". */
  failedByAllMs?: number;
  /** kill → one view again everywhere. */
  convergedMs?: number;
}

/** One node-crash run at this size. */
export async function crashDetection(
  runtime: Runtime,
  nodes: number,
  options: { logger: Logger; runsDir: string; inFlight: number },
): Promise<CrashDetection> {
  const spec = buildScenario("node-crash", { nodes });
  const result = await runScenario(spec, { runtime, readyTimeoutMs: 60_000, ...options });
  const kill = result.timings.membership?.faults.find((f) => f.fault === "kill");
  return {
    nodes,
    verdict: result.verdict,
    ...(kill?.detectedMs !== undefined ? { detectedMs: kill.detectedMs } : {}),
    ...(kill?.declaredMs !== undefined ? { failedByAllMs: kill.declaredMs } : {}),
    ...(kill?.convergedMs !== undefined ? { convergedMs: kill.convergedMs } : {}),
  };
}

export function summarize(samples: readonly number[]): { p50?: number; p99?: number; samples: number } {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), samples: samples.length };
}
