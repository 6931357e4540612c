// What the survivors made of each fault: a killed node is failed in every survivor's view, a
// stopped one left (never failed), a paused or cut-off one alive again after its heal; and no
// healthy node was declared failed (a false death).
import {
  activeTimeline,
  HEAL_GRACE_MS,
  HEALS,
  replayMembership,
  type FaultEvent,
  type Proc,
  type Replay,
} from "./membership-view.js";
import { separating } from "./membership/network-state.js";
import type { TimelineEntry } from "../logs/timeline.js";
import { entriesOf, type CheckContext, type CheckResult, type EventEntry } from "./types.js";

const rel = (t: number, t0: number) => `+${((t - t0) / 1e6).toFixed(2)} s`;

/** Faults whose heal must bring the node back alive. */
const CUTS: ReadonlySet<string> = new Set(["pause", "disconnect"]);

/** What each process-ending fault must leave in the witnesses' views. */
const ENDED_AS: Readonly<Record<string, readonly string[]>> = {
  kill: ["failed"],
  stop: ["left"],
  restart: ["failed", "left"],
};

export function checkFaultFates(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const t0 = r.faults[0]?.t ?? 0;
  const counts = { kill: 0, stop: 0, restart: 0, cut: 0 };
  const errors = r.faults.flatMap((f) => {
    if (HEALS.has(f.kind) || !f.proc) return [];
    const who = `${f.node} (id ${f.proc.id}, ${f.kind} at ${rel(f.t, t0)})`;
    const ended = ENDED_AS[f.kind] !== undefined;
    const counted = ended ? (f.kind as "kill" | "stop" | "restart") : CUTS.has(f.kind) ? "cut" : undefined;
    if (counted) counts[counted]++;
    if (ended) return endedFate(ctx, r, f, f.proc, who);
    return counted ? cutFate(r, f, f.proc, who) : [];
  });
  const total = counts.kill + counts.stop + counts.restart + counts.cut;
  return {
    name: "fault-fates",
    valid: errors.length === 0,
    summary: `${total} fault(s): ${counts.kill} kill(s) seen as failed, ${counts.stop} stop(s) as left, ${counts.restart} restart(s) as replaced, ${counts.cut} pause/cut(s) alive again, by every survivor${errors.length ? " — not all" : ""}`,
    errors,
  };
}

/** Nodes alive at the end that were up before the fault and are not the faulted node. */
function witnesses(r: Replay, f: FaultEvent, target: Proc): Proc[] {
  return r.live.filter((p) => p !== target && p.node !== f.node && p.readyT! <= f.t);
}

/** Killed: failed everywhere; stopped: left, and never failed; restarted: either. */
function endedFate(ctx: CheckContext, r: Replay, f: FaultEvent, target: Proc, who: string): string[] {
  const wanted = ENDED_AS[f.kind]!;
  const errors: string[] = [];
  for (const w of witnesses(r, f, target)) {
    const state = [...target.ids].map((id) => w.view.get(id)).find((s) => s !== undefined);
    if (state === undefined || !wanted.includes(state)) {
      errors.push(
        `${who}: expected ${wanted.join(" or ")} in ${w.node}'s view; it is ${state ?? "unknown to it"}`,
      );
    }
    if (f.kind === "stop" && saidFailed(ctx, w, target)) {
      errors.push(`${who}: a graceful stop must be a leave, but ${w.node} logged member.failed about it`);
    }
  }
  return errors;
}

/** Paused or cut off: healed by the run, then alive again in every witness's view. */
function cutFate(r: Replay, f: FaultEvent, target: Proc, who: string): string[] {
  if (f.healT === undefined) {
    return [`${who}: expected its ${f.kind === "pause" ? "unpause" : "reconnect"}; the run never healed it`];
  }
  const now = r.byId.get(target.id);
  if (!now || now.endT !== undefined) return []; // killed later (chaos): not alive by design
  return witnesses(r, f, target)
    .filter((w) => w !== now && w.view.get(now.id) !== "alive")
    .map(
      (w) =>
        `${who}: expected alive again in ${w.node}'s view after the heal; it is ${w.view.get(now.id) ?? "unknown to it"}`,
    );
}

function saidFailed(ctx: CheckContext, observer: Proc, target: Proc): boolean {
  return activeTimeline(ctx.timeline).some(
    (e) =>
      e.kind === "event" &&
      e.node === observer.node &&
      observer.ids.has(e.line.nodeId) &&
      e.line.event === "member.failed" &&
      target.ids.has(e.line.peerId),
  );
}

/**
 * Every member.failed must have a cause: its target was faulted (killed, stopped, restarted, or
 * paused/cut off until shortly after its heal), or the node that said it was itself paused or
 * cut off then. Anything else is a false death of a healthy node.
 */
export function checkNoFalseDeaths(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const timeline = activeTimeline(ctx.timeline);
  const first = Math.min(r.faults[0]?.t ?? Infinity, r.network[0]?.from ?? Infinity);
  const t0 = Number.isFinite(first) ? first : (timeline[0]?.t ?? 0);
  const deaths = entriesOf(timeline, "member.failed");
  const errors = deaths.flatMap((e) => {
    const target = r.byId.get(e.line.peerId);
    // An id no node had: the no-ghosts check reports it.
    return target && !explained(r, e, target)
      ? [falseDeath(r, e, target, t0) + accusation(r, timeline, e, t0)]
      : [];
  });
  return {
    name: "no-false-deaths",
    valid: errors.length ? false : true,
    summary: `${deaths.length} member.failed line(s), ${errors.length} of a healthy node`,
    errors,
  };
}

/**
 * The target had ended, or it or the accuser was paused or cut off then, or a network fault kept
 * the two apart (across a partition, a one-way cut) — each until its heal's grace. A death within
 * a side, or under mere packet loss, is not explained.
 */
function explained(r: Replay, e: EventEntry, target: Proc): boolean {
  if (target.endT !== undefined && e.t >= target.endT) return true;
  const grace = HEAL_GRACE_MS * 1000;
  if (separating(r.network, e.node, target.node).some((p) => e.t >= p.from && e.t <= p.to + grace))
    return true;
  const cutThen = (node: string) =>
    r.faults.some(
      (f) =>
        f.node === node &&
        CUTS.has(f.kind) &&
        e.t >= f.t &&
        e.t <= (f.healT ?? Infinity) + HEAL_GRACE_MS * 1000,
    );
  return cutThen(target.node) || cutThen(e.node);
}

function falseDeath(r: Replay, e: EventEntry, target: Proc, t0: number): string {
  const faults = r.faults.filter((f) => f.node === target.node);
  const history = faults.length
    ? `it was healthy then (its faults: ${faults.map((f) => `${f.kind} at ${rel(f.t, t0)}`).join(", ")})`
    : "it was never faulted";
  const holding = r.network
    .filter((p) => e.t >= p.from && e.t <= p.to)
    .map((p) => `${p.fault.kind} ${p.fault.label}`);
  const network = holding.length ? ` (during ${holding.join(" and ")}, which does not separate them)` : "";
  const when = moment(r, e.t, t0, e.line.time);
  const joining =
    target.readyT === undefined || e.t < target.readyT ? " (it was still joining: not ready yet)" : "";
  return `${e.node}: declared ${target.node} (id ${target.id}) failed ${when}${joining}${network}; expected it alive, ${history}: a false death`;
}

/** Who accused the target first in the declarer's eyes: its last member.suspect before the death. */
function accusation(r: Replay, timeline: readonly TimelineEntry[], e: EventEntry, t0: number): string {
  const suspect = entriesOf(timeline, "member.suspect")
    .filter((s) => s.node === e.node && s.line.peerId === e.line.peerId && s.t <= e.t)
    .at(-1);
  if (!suspect) return "";
  const accuser = r.byId.get(suspect.line.by);
  const who = accuser ? `${accuser.node} (id ${suspect.line.by})` : `id ${suspect.line.by}`;
  return ` (suspected on ${who}'s word ${moment(r, suspect.t, t0)})`;
}

/**
 * When `t` was: before or after the first fault, or (a run without faults) into the bring-up. With
 * `nodeTime` (the declaration itself) the phrase is whole; without (the suspicion), it is short.
 */
function moment(r: Replay, t: number, t0: number, nodeTime?: string): string {
  const bringUp = nodeTime === undefined ? "" : "during the bring-up, ";
  if (r.faults.length === 0 && r.network.length === 0)
    return nodeTime === undefined
      ? `at ${rel(t, t0)}`
      : `${bringUp}${rel(t, t0)} after the run's first line (${nodeTime})`;
  return t < t0 ? `${bringUp}${((t0 - t) / 1e6).toFixed(2)} s before the first fault` : `at ${rel(t, t0)}`;
}
