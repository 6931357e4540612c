// Detection: per fault that takes a node away, how long until the last survivor said anything
// about it (suspect, failed or left) and until the last one declared it (failed; left for a
// stop), and which survivors said nothing. A survivor is a node up before the fault, not faulted
// in the same step, not cut off then, and not gone by then.
import type { NodeEvent } from "@joinlab/protocol";
import type { TimelineEntry } from "../../logs/timeline.js";
import type { EventEntry } from "../types.js";
import {
  CUTTING,
  HEALS,
  msOf,
  ONE_STEP_US,
  type ClusterState,
  type FaultEvent,
  type Proc,
} from "./cluster-state.js";

export interface Detection {
  survivors: number;
  /** Fault → the last survivor's first suspect/failed/left line about the node (all survivors spoke). */
  detectedMs?: number;
  /** Fault → the last survivor's member.failed (member.left for a stop). */
  declaredMs?: number;
  /** Survivors that logged nothing about it. */
  missed?: string[];
}

export const NOTICING: readonly NodeEvent[] = ["member.suspect", "member.failed", "member.left"];

/** What declares the node gone, by fault kind. */
export function declaring(kind: string): readonly NodeEvent[] {
  if (kind === "stop") return ["member.left"];
  if (kind === "restart") return ["member.failed", "member.left"];
  return ["member.failed"];
}

/** Per fault, in order: its detection, or undefined for heals and faults of a node that was not running. */
export function detectionTimes(
  timeline: readonly TimelineEntry[],
  state: ClusterState,
): (Detection | undefined)[] {
  return state.faults.map((f) =>
    HEALS.has(f.kind) || !f.proc ? undefined : detect(timeline, state, f, f.proc),
  );
}

function detect(
  timeline: readonly TimelineEntry[],
  state: ClusterState,
  f: FaultEvent,
  target: Proc,
): Detection {
  const survivors = survivorsOf(state, f, target);
  /** The first line of `p`, at or after the fault, of one of `events` about the target. */
  const first = (p: Proc, events: readonly NodeEvent[]) =>
    timeline.find(
      (x): x is EventEntry =>
        x.kind === "event" &&
        x.t >= f.t &&
        events.includes(x.line.event) &&
        x.line.peerId !== undefined &&
        target.ids.has(x.line.peerId) &&
        procAt(state.procs, x) === p,
    );
  let detected = 0;
  let declared = 0;
  const missed: string[] = [];
  for (const s of survivors) {
    const noticed = first(s, NOTICING);
    // A survivor that went down itself before saying anything is no witness.
    if (!noticed && s.endT !== undefined) continue;
    if (!noticed) missed.push(s.node);
    else detected = Math.max(detected, noticed.t - f.t);
    const decl = first(s, declaring(f.kind));
    if (decl) declared = Math.max(declared, decl.t - f.t);
  }
  return {
    survivors: survivors.length,
    ...(survivors.length && !missed.length ? { detectedMs: msOf(detected) } : {}),
    ...(declared ? { declaredMs: msOf(declared) } : {}),
    ...(missed.length ? { missed } : {}),
  };
}

function survivorsOf(state: ClusterState, f: FaultEvent, target: Proc): Proc[] {
  const faultedInStep = new Set(
    state.faults.filter((g) => Math.abs(g.t - f.t) <= ONE_STEP_US).map((g) => g.node),
  );
  const cutAt = (p: Proc) =>
    state.faults.some(
      (g) => g.node === p.node && CUTTING[g.kind] && g.t <= f.t && (g.healT ?? Infinity) >= f.t,
    );
  return state.procs.filter(
    (p) =>
      p !== target &&
      !faultedInStep.has(p.node) &&
      p.readyT !== undefined &&
      p.readyT <= f.t &&
      (p.endT === undefined || p.endT > f.t) &&
      !cutAt(p),
  );
}

/** The process that wrote a line: the node's latest process started at or before it. */
export function procAt(procs: readonly Proc[], e: EventEntry): Proc | undefined {
  let found: Proc | undefined;
  for (const p of procs) if (p.node === e.node && p.ids.has(e.line.nodeId)) found = p;
  return found;
}
