// chaos: a seeded random fault schedule (pause, network cut, crash-restart), one new fault every few
// seconds for a bounded time, never more than a minority down at once, everything healed at the end.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type FaultKind, type ScenarioDefinition, type ScenarioStep } from "./types.js";

export const CHAOS_DEFAULT_DURATION_MS = 15_000;
export const CHAOS_MAX_DURATION_MS = 300_000;

/** mulberry32: a tiny seeded generator, so a seed always gives the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Timed {
  t: number;
  fault: FaultKind;
  node: string;
}

/** The schedule as absolute times, then as the runner's relative steps. */
export function chaosSchedule(nodes: number, seed: number, durationMs: number): ScenarioStep[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: Timed[] = [];
  const busyUntil = new Map<string, number>();
  const maxDown = Math.max(1, Math.floor((nodes - 1) / 2));
  // node1 dials itself (the seed's master convention): restarted, it would found a cluster of its
  // own; pauses and cuts of it are fair game.
  const everyone = Array.from({ length: nodes }, (_, i) => nodeName(i + 1));
  for (let t = 0; t < durationMs; t += 2000 + Math.floor(random() * 2000)) {
    const down = [...busyUntil.values()].filter((until) => until > t).length;
    if (down >= maxDown) continue;
    const free = everyone.filter((n) => (busyUntil.get(n) ?? 0) <= t);
    const kind = pick(["pause", "disconnect", "restart"] as const);
    const candidates = kind === "restart" ? free.filter((n) => n !== "node1") : free;
    if (!candidates.length) continue;
    const node = pick(candidates);
    if (kind === "restart") {
      events.push({ t, fault: "restart", node });
      busyUntil.set(node, t + 2500); // its new process needs a moment to rejoin
    } else {
      const length = 1000 + Math.floor(random() * 2500);
      const heal = Math.min(t + length, durationMs);
      events.push(
        { t, fault: kind, node },
        { t: heal, fault: kind === "pause" ? "unpause" : "connect", node },
      );
      busyUntil.set(node, heal + 500);
    }
  }
  events.sort((a, b) => a.t - b.t);
  let previous = 0;
  const steps: ScenarioStep[] = [];
  for (const e of events) {
    const last = steps[steps.length - 1];
    // Faults at the same instant become one step.
    if (last && e.t === previous && last.fault === e.fault) last.nodes.push(e.node);
    else
      steps.push({
        afterMs: e.t - previous + (steps.length ? 0 : SETTLE_BEFORE_FAULT_MS),
        fault: e.fault,
        nodes: [e.node],
      });
    previous = e.t;
  }
  return steps;
}

export const chaos: ScenarioDefinition = {
  name: "chaos",
  summary: `seeded random faults (--seed, --duration, default ${CHAOS_DEFAULT_DURATION_MS / 1000} s): pause, cut, crash-restart; all healed at the end`,
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default, seed = 1, durationMs = CHAOS_DEFAULT_DURATION_MS }) => {
    if (!Number.isInteger(seed)) throw new Error(`scenario chaos: --seed ${seed} must be an integer`);
    if (!(durationMs >= 1000 && durationMs <= CHAOS_MAX_DURATION_MS))
      throw new Error(
        `scenario chaos: --duration ${durationMs} ms is outside 1000..${CHAOS_MAX_DURATION_MS}`,
      );
    const steps = chaosSchedule(nodes, seed, durationMs);
    return faultScenario(
      "chaos",
      `${nodes} nodes, node1 master; seed ${seed}: for ${durationMs} ms a new fault every 2–4 s (pause for 1–3.5 s, network cut for 1–3.5 s, or crash-restart of a member), never more than ${Math.max(1, Math.floor((nodes - 1) / 2))} node(s) down at once, every pause and cut healed by the end. Checks: one view and one master after the last heal, no false death, every restart replaced.`,
      nodes,
      steps,
    );
  },
};
