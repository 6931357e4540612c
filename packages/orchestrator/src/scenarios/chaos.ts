// chaos: a seeded random fault schedule (pause, network cut, crash-restart, partition, one-way cut,
// packet loss), one new fault every few seconds for a bounded time, never more than a minority down
// at once, everything healed at the end.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { isNodeFaultStep, nodeName, type ScenarioDefinition, type ScenarioStep } from "./types.js";

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

/** One fault or heal at an absolute time; node faults at the same instant share a step. */
interface Timed {
  t: number;
  step: ScenarioStep;
}

const NODE_DRAWS = ["pause", "disconnect", "restart"] as const;
const NETWORK_DRAWS = ["partition", "one-way", "loss"] as const;
type Draw = (typeof NODE_DRAWS)[number] | (typeof NETWORK_DRAWS)[number];

/** Packet loss chaos injects on one node: enough to cost probes, not meant to kill anyone. */
export const CHAOS_LOSS_RATE = 0.1;

interface Draft {
  random: () => number;
  everyone: string[];
  maxDown: number;
  durationMs: number;
  events: Timed[];
  busyUntil: Map<string, number>;
  /** Until when a fault whose rules name every node's address holds (no restart meanwhile). */
  addressesPinnedUntil: number;
  labels: number;
}

/** The schedule as absolute times, then as the runner's relative steps. */
export function chaosSchedule(nodes: number, seed: number, durationMs: number): ScenarioStep[] {
  const random = seededRandom(seed);
  const draft: Draft = {
    random,
    everyone: Array.from({ length: nodes }, (_, i) => nodeName(i + 1)),
    maxDown: Math.max(1, Math.floor((nodes - 1) / 2)),
    durationMs,
    events: [],
    busyUntil: new Map(),
    addressesPinnedUntil: 0,
    labels: 0,
  };
  for (let t = 0; t < durationMs; t += 2000 + Math.floor(random() * 2000)) draw(draft, t);
  return toSteps(draft.events);
}

function draw(d: Draft, t: number): void {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(d.random() * list.length)]!;
  const down = [...d.busyUntil.values()].filter((until) => until > t).length;
  if (down >= d.maxDown) return;
  const free = d.everyone.filter((n) => (d.busyUntil.get(n) ?? 0) <= t);
  const kind: Draw = pick([...NODE_DRAWS, ...NETWORK_DRAWS]);
  const heal = Math.min(t + 1000 + Math.floor(d.random() * 2500), d.durationMs);
  // node1 dials itself (the seed's master convention): restarted, it would found a cluster of its
  // own; pauses, cuts and network faults of it are fair game. A restart makes a new network
  // namespace (and maybe a new address), so none while rules name addresses.
  const candidates =
    kind === "restart" ? (t < d.addressesPinnedUntil ? [] : free.filter((n) => n !== "node1")) : free;
  if (kind === "partition" && (free.length < d.everyone.length || t < d.addressesPinnedUntil)) return;
  if (!candidates.length) return;
  const node = pick(candidates);
  if (kind === "restart") {
    d.events.push({ t, step: { afterMs: 0, fault: "restart", nodes: [node] } });
    d.busyUntil.set(node, t + 2500); // its new process needs a moment to rejoin
    return;
  }
  if (kind === "pause" || kind === "disconnect") {
    d.events.push(
      { t, step: { afterMs: 0, fault: kind, nodes: [node] } },
      { t: heal, step: { afterMs: 0, fault: kind === "pause" ? "unpause" : "connect", nodes: [node] } },
    );
    d.busyUntil.set(node, heal + 500);
    return;
  }
  const label = `chaos-${++d.labels}`;
  d.events.push(
    { t, step: networkStep(kind, label, node, d, pick) },
    { t: heal, step: { afterMs: 0, fault: "heal", label } },
  );
  const cut = kind === "partition" ? d.everyone : [node];
  for (const n of cut) d.busyUntil.set(n, heal + 500);
  if (kind !== "loss") d.addressesPinnedUntil = heal + 500;
}

/** A partition cuts a random minority (with `node`) off; one-way makes `node` deaf; loss thins what it hears. */
function networkStep(
  kind: (typeof NETWORK_DRAWS)[number],
  label: string,
  node: string,
  d: Draft,
  pick: <T>(list: readonly T[]) => T,
): ScenarioStep {
  const others = d.everyone.filter((n) => n !== node);
  if (kind === "loss") return { afterMs: 0, fault: "loss", rate: CHAOS_LOSS_RATE, nodes: [node], label };
  if (kind === "one-way") return { afterMs: 0, fault: "one-way", from: others, to: [node], label };
  const size = 1 + Math.floor(d.random() * d.maxDown);
  const group = [node];
  while (group.length < size) group.push(pick(others.filter((n) => !group.includes(n))));
  return { afterMs: 0, fault: "partition", groups: [group.sort(byNumber)], label };
}

const byNumber = (a: string, b: string) => Number(a.slice(4)) - Number(b.slice(4));

function toSteps(events: Timed[]): ScenarioStep[] {
  events.sort((a, b) => a.t - b.t);
  let previous = 0;
  const steps: ScenarioStep[] = [];
  for (const { t, step } of events) {
    const last = steps[steps.length - 1];
    // Node faults of one kind at the same instant become one step.
    if (last && t === previous && isNodeFaultStep(step) && isNodeFaultStep(last) && last.fault === step.fault)
      last.nodes.push(...step.nodes);
    else steps.push({ ...step, afterMs: t - previous + (steps.length ? 0 : SETTLE_BEFORE_FAULT_MS) });
    previous = t;
  }
  return steps;
}

export const chaos: ScenarioDefinition = {
  name: "chaos",
  summary: `seeded random faults (--seed, --duration, default ${CHAOS_DEFAULT_DURATION_MS / 1000} s): pause, cut, crash-restart, partition, one-way, loss; all healed at the end`,
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
      `${nodes} nodes, node1 master; seed ${seed}: for ${durationMs} ms a new fault every 2–4 s, each lasting 1–3.5 s — a pause, a network cut, a partition cutting a random minority off (the others still talk), a one-way cut (a node that can send but not hear), ${CHAOS_LOSS_RATE * 100} % inbound packet loss at one node — or a crash-restart of a member; never more than ${Math.max(1, Math.floor((nodes - 1) / 2))} node(s) down at once, every fault healed by the end. Checks: each side agrees while a partition holds, one view and one master after the last heal, no false death, every restart replaced.`,
      nodes,
      steps,
    );
  },
};
