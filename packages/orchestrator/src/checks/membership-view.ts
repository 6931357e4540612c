// Replays the merged timeline into every node's membership view (from its member.* and master.*
// lines) next to what the orchestrator did (fault.* events), and measures convergence and detection.
import type { MemberState } from "@joinlab/protocol";
import type { CheckContext, EventEntry } from "./types.js";
import type { TimelineEntry } from "../logs/timeline.js";

/** One process of a node: a restart starts a new one (new id, seq from 1). */
export interface Proc {
  node: string;
  gen: number;
  /** The id it logs now (a reassigned id replaces the first). */
  id: number;
  ids: Set<number>;
  startT: number;
  readyT?: number;
  /** Killed, stopped, restarted or exited. */
  endT?: number;
  joined: boolean;
  view: Map<number, MemberState>;
  /** Last master it logged (master.started: itself; master.elected: the peer); undefined after no-quorum. */
  master?: number;
}

export interface FaultEvent {
  kind: string;
  node: string;
  t: number;
  /** The node's process at the fault (undefined when it had none running). */
  proc?: Proc;
  /** For pause/disconnect: when the matching unpause/connect came (undefined: never healed). */
  healT?: number;
}

const GENERATION_ENDING = new Set(["kill", "stop", "restart"]);
const CUTTING: Record<string, string> = { pause: "unpause", disconnect: "connect" };
export const HEALS = new Set(["unpause", "connect"]);
/** A node cut off or paused may still act on stale news briefly after its heal. */
export const HEAL_GRACE_MS = 2000;

export interface FaultTiming {
  fault: string;
  node: string;
  /** Milliseconds after the first fault of the run. */
  atMs: number;
  id?: number;
  survivors?: number;
  /** Fault → the last survivor's first suspect/failed/left line about the node. */
  detectedMs?: number;
  /** Fault → the last survivor's member.failed (member.left for a stop). */
  declaredMs?: number;
  /** Survivors that logged nothing about it. */
  missed?: string[];
  /** Fault (or heal) → every live node agrees on the view and the master again. */
  convergedMs?: number;
}

export interface Replay {
  procs: Proc[];
  faults: FaultEvent[];
  /** Ids → the process that used them. */
  byId: Map<number, Proc>;
  /** Convergence after each fault/heal (before the next one), and after the bring-up. */
  timings: FaultTiming[];
  /** The last node.ready before the first fault → everyone converged (ms). */
  upConvergedMs?: number;
  convergedAtEnd: boolean;
  /** What keeps it from converging at the end (who, expected, actual). */
  disagreements: string[];
  /** The time the last fault or heal happened, and its convergence. */
  lastMark?: { label: string; t: number; convergedMs?: number };
  endT: number;
  /** Live processes at the end. */
  live: Proc[];
  /** Minority promotions (paused, cut off, or on a side with no majority) still standing at the heal. */
  loneElections: string[];
  /** Minority promotions the node itself undid (resigned, no quorum) before any heal: reported, not failed. */
  transientLoneElections: string[];
  /** Join convergence per joiner: its admission → every node up then knows it (ms). */
  joinConvergence: { node: string; ms: number }[];
}

const msOf = (micros: number) => Math.round(micros / 100) / 10;

/** Only what happened before the checks ran (run.verified), not the teardown's leaves. */
export function activeTimeline(timeline: readonly TimelineEntry[]): readonly TimelineEntry[] {
  const end = timeline.findIndex((e) => e.kind === "orchestrator" && e.event.event === "run.verified");
  return end < 0 ? timeline : timeline.slice(0, end);
}

const cache = new WeakMap<readonly TimelineEntry[], Map<CheckContext["nodes"], Replay>>();

/** The replay of a context, computed once for all the membership checks. */
export function replayMembership(ctx: CheckContext): Replay {
  let byNodes = cache.get(ctx.timeline);
  if (!byNodes) cache.set(ctx.timeline, (byNodes = new Map()));
  let replay = byNodes.get(ctx.nodes);
  if (!replay) byNodes.set(ctx.nodes, (replay = replayUncached(ctx)));
  return replay;
}

function replayUncached(ctx: CheckContext): Replay {
  const timeline = activeTimeline(ctx.timeline);
  const procs: Proc[] = [];
  const current = new Map<string, Proc>();
  const byId = new Map<number, Proc>();
  const faults: FaultEvent[] = [];
  const openCut = new Map<string, FaultEvent>();
  const cutNow = (node: string) => openCut.has(node);
  const timings: FaultTiming[] = [];
  const loneElections: string[] = [];
  const transientLoneElections: string[] = [];
  const pendingLone = new Map<Proc, { text: string; t: number }>();
  const admitted = new Map<number, number>(); // joiner id → first time anyone admitted it
  const learned = new Map<number, Map<Proc, number>>(); // id → observer → when it learned of it
  let firstFaultT: number | undefined;
  let lastReadyBeforeFaults: number | undefined;
  let upConvergedMs: number | undefined;
  let mark: { label: string; t: number; timings: FaultTiming[]; convergedT?: number } | undefined;
  let endT = 0;

  const live = (): Proc[] =>
    [...current.values()].filter((p) => p.readyT !== undefined && p.endT === undefined && !cutNow(p.node));
  const effectiveMaster = (p: Proc): number | undefined => {
    if (p.master === undefined) return undefined;
    if (p.ids.has(p.master)) return p.id;
    const s = p.view.get(p.master);
    return s === "alive" || s === "suspect" ? p.master : undefined;
  };

  /** Everything that keeps the live nodes from one view and one master. */
  const disagreementsNow = (limit = 12): string[] => {
    const out: string[] = [];
    const up = live();
    if (up.length === 0) return ["no node is up"];
    const liveIds = new Set(up.map((p) => p.id));
    const name = (id: number) => {
      const p = byId.get(id);
      return p ? `${p.node}${p.gen ? `#${p.gen}` : ""} (id ${id})` : `id ${id}`;
    };
    for (const p of up) {
      if (out.length >= limit) return out; // the cheap answer for "converged yet?" on every line
      for (const q of up) {
        if (q === p) continue;
        const s = p.view.get(q.id);
        if (s !== "alive")
          out.push(`${p.node}: expected ${name(q.id)} alive in its view; it is ${s ?? "unknown to it"}`);
      }
      for (const [id, s] of p.view) {
        if (liveIds.has(id) || p.ids.has(id)) continue;
        if (s === "alive" || s === "suspect")
          out.push(`${p.node}: expected ${name(id)} failed or left (it is down); it is ${s}`);
      }
    }
    const masters = new Map<string, string[]>();
    for (const p of up) {
      const m = effectiveMaster(p);
      const key = m === undefined ? "none" : name(m);
      masters.set(key, [...(masters.get(key) ?? []), p.node]);
    }
    const keys = [...masters.keys()];
    if (keys.length > 1 || keys[0] === "none") {
      out.push(
        `expected one master that every live node agrees on; they see ${[...masters].map(([m, ns]) => `${m} (${ns.join(", ")})`).join("; ")}`,
      );
    } else {
      const m = effectiveMaster(up[0]!)!;
      if (!liveIds.has(m)) out.push(`every live node sees master ${name(m)}, which is not up`);
    }
    return out.slice(0, limit);
  };
  const convergedNow = () => disagreementsNow(1).length === 0;

  const closeMark = (t: number) => {
    if (!mark || mark.convergedT !== undefined) return;
    if (!convergedNow()) return;
    mark.convergedT = t;
    for (const timing of mark.timings) timing.convergedMs = msOf(t - mark.t);
  };

  const procOf = (node: string) => current.get(node);
  for (const entry of timeline) {
    endT = Math.max(endT, entry.t);
    if (entry.kind === "orchestrator") {
      const ev = entry.event;
      const node = ev.node;
      if (ev.event === "exited" && node) {
        const p = procOf(node);
        if (p && p.endT === undefined) p.endT = entry.t;
      } else if (ev.event.startsWith("fault.") && !ev.event.endsWith(".skipped") && node) {
        const kind = ev.event.slice("fault.".length);
        const p = procOf(node);
        const f: FaultEvent = { kind, node, t: entry.t, ...(p ? { proc: p } : {}) };
        faults.push(f);
        firstFaultT ??= entry.t;
        if (GENERATION_ENDING.has(kind) && p && p.endT === undefined) p.endT = entry.t;
        if (CUTTING[kind]) openCut.set(node, f);
        if (HEALS.has(kind)) {
          // A minority master still in office when a heal comes is a split brain the heal must undo.
          for (const [, lone] of pendingLone)
            loneElections.push(`${lone.text}, and was still master at the heal`);
          pendingLone.clear();
          const open = openCut.get(node);
          if (open) open.healT = entry.t;
          openCut.delete(node);
        }
        const timing: FaultTiming = {
          fault: kind,
          node,
          atMs: msOf(entry.t - firstFaultT),
          ...(p && !HEALS.has(kind) ? { id: p.id } : {}),
        };
        timings.push(timing);
        // Faults of one step land within microseconds: one mark for the step.
        if (!mark || entry.t - mark.t > 100_000 || mark.convergedT !== undefined)
          mark = { label: `${ev.event} ${node}`, t: entry.t, timings: [timing] };
        else {
          mark.label += `, ${node}`;
          mark.timings.push(timing);
        }
        closeMark(entry.t);
      }
      continue;
    }
    if (entry.kind !== "event") continue;
    const e = entry as EventEntry;
    const line = e.line;
    let p = procOf(e.node);
    if (line.event === "node.started" || !p) {
      p = {
        node: e.node,
        gen: procs.filter((x) => x.node === e.node).length,
        id: line.nodeId,
        ids: new Set([line.nodeId]),
        startT: e.t,
        joined: false,
        view: new Map(),
      };
      procs.push(p);
      current.set(e.node, p);
    }
    if (!p.ids.has(line.nodeId)) p.ids.add(line.nodeId);
    p.id = line.nodeId;
    byId.set(line.nodeId, p);
    const peerId = typeof line.peerId === "number" ? line.peerId : undefined;
    const claimsSelf =
      (line.event === "member.alive" || line.event === "member.left" || line.event === "master.elected") &&
      line.self === true;
    const self = claimsSelf || (peerId !== undefined && p.ids.has(peerId));
    switch (line.event) {
      case "node.joined":
        p.joined = true;
        break;
      case "master.started":
        p.joined = true;
        p.master = line.nodeId;
        break;
      case "node.ready":
        p.readyT = e.t;
        if (firstFaultT === undefined) lastReadyBeforeFaults = e.t;
        break;
      case "member.joined":
        if (peerId === undefined || self) break;
        p.view.set(peerId, "alive");
        if (line.via === "join") admitted.set(peerId, Math.min(admitted.get(peerId) ?? Infinity, e.t));
        if (!learned.has(peerId)) learned.set(peerId, new Map());
        if (!learned.get(peerId)!.has(p)) learned.get(peerId)!.set(p, e.t);
        break;
      case "member.suspect":
      case "member.alive":
      case "member.failed":
      case "member.left":
        if (peerId === undefined || self) break;
        p.view.set(peerId, line.event.slice("member.".length) as MemberState);
        break;
      case "master.elected":
        if (peerId === undefined) break;
        p.master = peerId;
        if (line.change === "promoted") {
          // What it could reach then: itself alone when cut off, else every running node not cut off.
          const running = [...current.values()].filter((q) => q.readyT !== undefined && q.endT === undefined);
          const reachable = cutNow(e.node) ? 1 : running.filter((q) => !cutNow(q.node)).length;
          if (openCut.size > 0 && reachable * 2 <= running.length)
            pendingLone.set(p, {
              t: e.t,
              text: `${e.node}: promoted itself to master (epoch ${String(line.epoch)}) while ${cutNow(e.node) ? `it was ${openCut.get(e.node)!.kind === "pause" ? "paused" : "cut off"}` : `it could reach only ${reachable} of ${running.length} nodes`}, against the quorum rule`,
            });
        }
        break;
      case "master.resigned": {
        if (line.reason !== "leave") p.master = undefined;
        const lone = pendingLone.get(p);
        if (lone) {
          transientLoneElections.push(
            `${lone.text}; it resigned ${msOf(e.t - lone.t)} ms later, before any heal`,
          );
          pendingLone.delete(p);
        }
        break;
      }
    }
    if (firstFaultT === undefined && lastReadyBeforeFaults !== undefined && upConvergedMs === undefined) {
      const everyoneReady = ctx.nodes.every(
        (n) => !("role" in n.spec.expect) || procOf(n.name)?.readyT !== undefined,
      );
      if (everyoneReady && convergedNow()) upConvergedMs = msOf(Math.max(0, e.t - lastReadyBeforeFaults));
    }
    closeMark(e.t);
  }

  // Detection: per fault that takes a node away, the survivors' first word about it.
  for (const [i, f] of faults.entries()) {
    if (HEALS.has(f.kind) || !f.proc) continue;
    const timing = timings[i]!;
    const target = f.proc;
    const faultedNear = new Set(faults.filter((g) => Math.abs(g.t - f.t) <= 100_000).map((g) => g.node));
    const survivors = procs.filter(
      (p) =>
        p !== target &&
        !faultedNear.has(p.node) &&
        p.readyT !== undefined &&
        p.readyT <= f.t &&
        (p.endT === undefined || p.endT > f.t) &&
        !faults.some(
          (g) => g.node === p.node && CUTTING[g.kind] && g.t <= f.t && (g.healT ?? Infinity) >= f.t,
        ),
    );
    const first = (p: Proc, events: string[]) =>
      timeline.find(
        (x): x is EventEntry =>
          x.kind === "event" &&
          x.t >= f.t &&
          procAt(procs, x) === p &&
          events.includes(x.line.event) &&
          typeof x.line.peerId === "number" &&
          target.ids.has(x.line.peerId),
      );
    const declaring =
      f.kind === "stop"
        ? ["member.left"]
        : f.kind === "restart"
          ? ["member.failed", "member.left"]
          : ["member.failed"];
    let detected = 0;
    let declared = 0;
    const missed: string[] = [];
    for (const s of survivors) {
      const d = first(s, ["member.suspect", "member.failed", "member.left"]);
      const decl = first(s, declaring);
      // A survivor that went down itself before saying anything is no witness.
      if (!d && s.endT !== undefined) continue;
      if (!d) missed.push(s.node);
      else detected = Math.max(detected, d.t - f.t);
      if (decl) declared = Math.max(declared, decl.t - f.t);
    }
    timing.survivors = survivors.length;
    if (survivors.length && !missed.length) timing.detectedMs = msOf(detected);
    if (declared) timing.declaredMs = msOf(declared);
    if (missed.length) timing.missed = missed;
  }

  // Join convergence: from the first admission of a joiner until every node up by then knows it.
  const joinConvergence: { node: string; ms: number }[] = [];
  for (const [id, t0] of admitted) {
    const joiner = byId.get(id);
    if (!joiner) continue;
    const observers = procs.filter(
      (p) => p !== joiner && p.readyT !== undefined && p.readyT <= t0 && (p.endT ?? Infinity) > t0,
    );
    const when = learned.get(id);
    const times = observers.map((o) => when?.get(o));
    if (times.some((x) => x === undefined)) continue;
    joinConvergence.push({ node: joiner.node, ms: msOf(Math.max(0, ...(times as number[])) - t0) });
  }

  const disagreements = disagreementsNow();
  return {
    procs,
    faults,
    byId,
    timings,
    ...(upConvergedMs !== undefined ? { upConvergedMs } : {}),
    convergedAtEnd: disagreements.length === 0,
    disagreements,
    ...(mark
      ? {
          lastMark: {
            label: mark.label,
            t: mark.t,
            ...(mark.convergedT !== undefined ? { convergedMs: msOf(mark.convergedT - mark.t) } : {}),
          },
        }
      : {}),
    endT,
    live: live(),
    loneElections: [
      ...loneElections,
      ...[...pendingLone.values()].map((l) => `${l.text}, and never resigned`),
    ],
    transientLoneElections,
    joinConvergence,
  };
}

/** The process that wrote a line: the node's latest process started at or before it. */
function procAt(procs: readonly Proc[], e: EventEntry): Proc | undefined {
  let found: Proc | undefined;
  for (const p of procs) if (p.node === e.node && p.ids.has(e.line.nodeId)) found = p;
  return found;
}

/** The membership figures a run reports in results.json (`timings.membership`). */
export function membershipFigures(ctx: CheckContext) {
  const r = replayMembership(ctx);
  return {
    ...(r.upConvergedMs !== undefined ? { upConvergedMs: r.upConvergedMs } : {}),
    joinConvergenceMs: r.joinConvergence,
    faults: r.timings,
    ...(r.lastMark ? { lastFault: r.lastMark.label, convergedAfterLastFaultMs: r.lastMark.convergedMs } : {}),
    convergedAtEnd: r.convergedAtEnd,
  };
}
