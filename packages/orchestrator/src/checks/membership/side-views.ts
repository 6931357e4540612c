// Membership judged per side while the network is split (network-state.ts gives the sides): each
// side must agree on itself — its own nodes alive, the other sides failed — and keep the master
// rule: a side holding a majority of the cluster has exactly one master, seen by all of it; a side
// without one has none (its old master resigned for want of a quorum). Fed by the replay, line by
// line; each split is judged at its heal (or at the end of the run).
import type { MemberState } from "@joinlab/protocol";
import { describeNetworkFault, type NetworkFault } from "../../netfaults/network-fault.js";
import { effectiveMaster } from "./agreement.js";
import type { ClusterState, ReplayStep } from "./cluster-state.js";
import { sidesOf } from "./network-state.js";
import type { ReplayFold } from "./replay.js";

/** What the replay knows of one live process. */
export interface SideProc {
  node: string;
  id: number;
  ids: ReadonlySet<number>;
  view: ReadonlyMap<number, MemberState>;
  /** The master it sees (its own id when it is master), if any. */
  master: number | undefined;
}

export interface SideVerdict {
  nodes: string[];
  /** A majority of the cluster's running nodes: it must have one master (otherwise none). */
  quorum: boolean;
  /** Split → every node of the side suspected every live node across (ms). */
  detectedMs?: number;
  /** Split → every node of the side declared every live node across failed (ms). */
  declaredMs?: number;
  /** Split → the side first agreed on itself and on its master (ms). */
  convergedMs?: number;
  master?: string;
  /** Why its view did not hold at the heal: who, expected, actual. */
  viewProblems: string[];
  /** Why the master rule did not hold at the heal. */
  masterProblems: string[];
  /** Healed before the bound, without having converged: not judged. */
  unjudged?: string;
}

export interface SplitRecord {
  /** The faults that made the split, as the merged log describes them. */
  faults: string[];
  /** Microseconds (timeline clock) when the split began and ended. */
  from: number;
  to: number;
  sides: SideVerdict[];
}

interface Watch {
  record: SplitRecord;
  sideOf: Map<string, number>;
  /** Per side, per observer node, the nodes across it suspected / declared failed so far. */
  suspected: Map<string, Set<string>>;
  declared: Map<string, Set<string>>;
}

/** Changes this close together come from one step of the schedule. */
const SAME_STEP_MICROS = 100_000;

const msBetween = (from: number, to: number) => Math.round((to - from) / 100) / 10;

/** The replay's fold: the network changes, the accusations across it, and every line's agreement. */
export class SideViews implements ReplayFold<SplitRecord[]> {
  readonly #tracker: SideTracker;

  constructor(nodes: readonly string[], boundMs: number) {
    this.#tracker = new SideTracker(nodes, boundMs);
  }

  step(step: ReplayStep, state: ClusterState): void {
    const t = step.entry.t;
    const cut = step.kind === "fault" && step.entry.kind === "orchestrator" && step.entry.event.network;
    if (step.kind === "network" || cut)
      this.#tracker.onNetworkChange(t, [...state.network.values()], sideProcs(state), state.running().length);
    if (step.kind !== "line") return;
    const { line } = step.entry;
    const target = step.about === undefined ? undefined : state.byId.get(step.about);
    if (target && (line.event === "member.suspect" || line.event === "member.failed"))
      this.#tracker.onAccusation(
        t,
        step.proc.node,
        target.node,
        line.event === "member.failed",
        sideProcs(state),
      );
    this.#tracker.onLine(t, sideProcs(state));
  }

  finish(state: ClusterState): SplitRecord[] {
    this.#tracker.finish(state.endT, sideProcs(state), state.running().length);
    return this.#tracker.splits;
  }
}

function sideProcs(state: ClusterState): SideProc[] {
  return state.live().map((p) => ({ ...p, master: effectiveMaster(p) }));
}

class SideTracker {
  readonly splits: SplitRecord[] = [];
  private watch: Watch | undefined;

  constructor(
    private readonly nodes: readonly string[],
    /** How long a side may take to agree before a heal that finds it disagreeing counts (ms). */
    private readonly boundMs: number,
  ) {}

  /** The faults in force changed at `t`: judges the split that ends, opens the one that begins. */
  onNetworkChange(
    t: number,
    inForce: readonly NetworkFault[],
    live: readonly SideProc[],
    running: number,
  ): void {
    // The faults of one step land within microseconds of each other (one cut per node): one split.
    const sameStep = this.watch !== undefined && t - this.watch.record.from < SAME_STEP_MICROS;
    const from = sameStep ? this.watch!.record.from : t;
    if (sameStep) this.watch = undefined;
    else this.close(t, live, running);
    const sides = sidesOf(inForce, this.nodes);
    if (sides.length < 2) return;
    const sideOf = new Map<string, number>();
    sides.forEach((side, i) => side.forEach((n) => sideOf.set(n, i)));
    const verdicts = sides.map((nodes): SideVerdict => ({
      nodes,
      quorum: nodes.length * 2 > running,
      viewProblems: [],
      masterProblems: [],
    }));
    this.watch = {
      record: { faults: inForce.map(describeNetworkFault), from, to: Infinity, sides: verdicts },
      sideOf,
      suspected: new Map(),
      declared: new Map(),
    };
  }

  /** An observer's word about a target (member.suspect / member.failed). */
  onAccusation(
    t: number,
    observer: string,
    target: string,
    failed: boolean,
    live: readonly SideProc[],
  ): void {
    const w = this.watch;
    if (!w || w.sideOf.get(observer) === w.sideOf.get(target)) return;
    for (const map of failed ? [w.suspected, w.declared] : [w.suspected]) {
      if (!map.has(observer)) map.set(observer, new Set());
      map.get(observer)!.add(target);
    }
    const side = w.record.sides[w.sideOf.get(observer)!]!;
    const across = live.filter((p) => w.sideOf.get(p.node) !== w.sideOf.get(observer)).map((p) => p.node);
    const members = live.filter((p) => side.nodes.includes(p.node)).map((p) => p.node);
    const all = (map: Map<string, Set<string>>) =>
      members.every((m) => across.every((a) => map.get(m)?.has(a)));
    if (side.detectedMs === undefined && all(w.suspected)) side.detectedMs = msBetween(w.record.from, t);
    if (side.declaredMs === undefined && all(w.declared)) side.declaredMs = msBetween(w.record.from, t);
  }

  /** After any line: does each side agree now? */
  onLine(t: number, live: readonly SideProc[]): void {
    const w = this.watch;
    if (!w) return;
    w.record.sides.forEach((side, i) => {
      if (side.convergedMs !== undefined) return;
      const { view, master } = sideProblems(side, i, w.sideOf, live, 1);
      if (view.length + master.length === 0) side.convergedMs = msBetween(w.record.from, t);
    });
  }

  /** The end of the run: judges a split still in force. */
  finish(t: number, live: readonly SideProc[], running: number): void {
    this.close(t, live, running);
  }

  private close(t: number, live: readonly SideProc[], running: number): void {
    const w = this.watch;
    if (!w) return;
    this.watch = undefined;
    w.record.to = t;
    const heldMs = msBetween(w.record.from, t);
    w.record.sides.forEach((side, i) => {
      side.quorum = side.nodes.length * 2 > running;
      const head = live.find(
        (p) => w.sideOf.get(p.node) === i && p.master !== undefined && p.ids.has(p.master),
      );
      if (head) side.master = head.node;
      if (!live.some((p) => w.sideOf.get(p.node) === i)) return; // nobody up on that side to ask
      const { view, master } = sideProblems(side, i, w.sideOf, live);
      if (view.length + master.length === 0) return;
      if (side.convergedMs === undefined && heldMs < this.boundMs)
        side.unjudged = `healed ${heldMs} ms after the split, before the ${this.boundMs} ms bound, without agreeing`;
      else {
        side.viewProblems = view;
        side.masterProblems = master;
      }
    });
    this.splits.push(w.record);
  }
}

/** What keeps one side from agreeing on itself, and on the master rule (both empty: it agrees). */
function sideProblems(
  side: SideVerdict,
  index: number,
  sideOf: ReadonlyMap<string, number>,
  live: readonly SideProc[],
  limit = 12,
): { view: string[]; master: string[] } {
  const mine = live.filter((p) => sideOf.get(p.node) === index);
  const across = live.filter((p) => sideOf.get(p.node) !== index);
  const view = sideViewProblems(mine, across, limit);
  // Enough said about the views (the cheap answer for "agreed yet?"): the master rule can wait.
  if (view.length >= limit) return { view, master: [] };
  return { view, master: sideMasterProblems(side, mine, live) };
}

/** Its own side alive in every view of it, the other side failed; stops once `limit` are found. */
function sideViewProblems(mine: readonly SideProc[], across: readonly SideProc[], limit: number): string[] {
  const out: string[] = [];
  const name = (p: SideProc) => `${p.node} (id ${p.id})`;
  for (const p of mine) {
    for (const q of mine)
      if (q !== p && p.view.get(q.id) !== "alive")
        out.push(
          `${p.node}: expected ${name(q)}, on its side, alive; it is ${p.view.get(q.id) ?? "unknown to it"}`,
        );
    for (const q of across) {
      const s = p.view.get(q.id);
      if (s === "alive" || s === "suspect")
        out.push(`${p.node}: expected ${name(q)}, across the split, failed; it is ${s}`);
    }
    if (out.length >= limit) break;
  }
  return out;
}

/** A side with a majority has one master that all of it sees; one without has none. */
function sideMasterProblems(
  side: SideVerdict,
  mine: readonly SideProc[],
  live: readonly SideProc[],
): string[] {
  const master: string[] = [];
  const masters = new Set(mine.map((p) => p.master));
  const selfMasters = mine.filter((p) => p.master !== undefined && p.ids.has(p.master));
  const seen = mine.map(
    (p) =>
      `${p.node} → ${p.master === undefined ? "none" : (live.find((q) => q.ids.has(p.master!))?.node ?? `id ${p.master}`)}`,
  );
  if (side.quorum && (selfMasters.length !== 1 || masters.size !== 1))
    master.push(
      `expected one master on this side (it holds a majority), seen by all of it; ${seen.join(", ")}`,
    );
  // A follower logs nothing when its master resigns (the node reports a new master, not a gap),
  // so "no master" is judged by who considers itself master.
  if (!side.quorum && selfMasters.length > 0)
    master.push(
      `expected no master on this side (no majority: the quorum rule); ${selfMasters.map((p) => p.node).join(", ")} still considered itself master`,
    );
  return master;
}

/** Errors for one kind of problem across every split, each naming the side and the split. */
export function splitErrors(splits: readonly SplitRecord[], kind: "view" | "master"): string[] {
  const t0 = splits[0]?.from ?? 0;
  const at = (t: number) => `+${((t - t0) / 1e6).toFixed(2)} s`;
  return splits.flatMap((split) =>
    split.sides.flatMap((side) =>
      (kind === "view" ? side.viewProblems : side.masterProblems).map(
        (problem) =>
          `side {${side.nodes.join(", ")}} while ${split.faults.join(" and ")} held (${at(split.from)} to ${at(split.to)}): ${problem}`,
      ),
    ),
  );
}

/** One clause for a check's summary: how the sides fared. */
export function splitSummary(splits: readonly SplitRecord[], kind: "view" | "master"): string {
  if (splits.length === 0) return "";
  const sides = splits.flatMap((s) => s.sides);
  const failing = sides.filter((s) => (kind === "view" ? s.viewProblems : s.masterProblems).length > 0);
  const unjudged = sides.filter((s) => s.unjudged).length;
  const worst = (pick: (s: SideVerdict) => number | undefined) => {
    const values = sides.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? `${Math.max(...values)} ms` : "–";
  };
  const figures =
    kind === "view"
      ? `each side declared the other failed within ${worst((s) => s.declaredMs)} and agreed within ${worst((s) => s.convergedMs)}`
      : `masters per side: ${sides.map((s) => `{${s.nodes.join(", ")}} ${s.master ?? "none"}`).join("; ")}`;
  const verdict = failing.length ? `${failing.length} of ${sides.length} side(s) did not hold` : figures;
  return `; during ${splits.length} split(s): ${verdict}${unjudged ? ` (${unjudged} side(s) healed too soon to judge)` : ""}`;
}
