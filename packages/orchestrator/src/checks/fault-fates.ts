// What the survivors made of each fault: a killed node is failed in every survivor's view, a
// stopped one left (never failed), a paused or cut-off one alive again after its heal; and no
// healthy node was declared failed (a false death).
import { HEAL_GRACE_MS, HEALS, replayMembership, type Proc } from "./membership-view.js";
import type { CheckContext, CheckResult, EventEntry } from "./types.js";
import { activeTimeline } from "./membership-view.js";
import { networkPeriods, separating } from "./network-state.js";

const rel = (t: number, t0: number) => `+${((t - t0) / 1e6).toFixed(2)} s`;

export function checkFaultFates(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const errors: string[] = [];
  const t0 = r.faults[0]?.t ?? 0;
  const verdicts = { kill: 0, stop: 0, restart: 0, cut: 0 };
  for (const f of r.faults) {
    if (HEALS.has(f.kind) || !f.proc) continue;
    const target = f.proc;
    const who = `${f.node} (id ${target.id}, ${f.kind} at ${rel(f.t, t0)})`;
    // Witnesses: nodes alive at the end that were up before the fault and knew the node.
    const witnesses = r.live.filter((p) => p !== target && p.node !== f.node && p.readyT! <= f.t);
    if (f.kind === "kill" || f.kind === "stop" || f.kind === "restart") {
      verdicts[f.kind]++;
      const wanted = f.kind === "kill" ? ["failed"] : f.kind === "stop" ? ["left"] : ["failed", "left"];
      for (const w of witnesses) {
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
    } else if (f.kind === "pause" || f.kind === "disconnect") {
      verdicts.cut++;
      if (f.healT === undefined) {
        errors.push(
          `${who}: expected its ${f.kind === "pause" ? "unpause" : "reconnect"}; the run never healed it`,
        );
        continue;
      }
      const now = r.byId.get(target.id);
      if (!now || now.endT !== undefined) continue; // killed later (chaos): not alive by design
      for (const w of witnesses) {
        if (w === now) continue;
        const state = w.view.get(now.id);
        if (state !== "alive")
          errors.push(
            `${who}: expected alive again in ${w.node}'s view after the heal; it is ${state ?? "unknown to it"}`,
          );
      }
    }
  }
  const total = verdicts.kill + verdicts.stop + verdicts.restart + verdicts.cut;
  return {
    name: "fault-fates",
    valid: errors.length ? false : true,
    summary: `${total} fault(s): ${verdicts.kill} kill(s) seen as failed, ${verdicts.stop} stop(s) as left, ${verdicts.restart} restart(s) as replaced, ${verdicts.cut} pause/cut(s) alive again, by every survivor${errors.length ? " — not all" : ""}`,
    errors,
  };
}

function saidFailed(ctx: CheckContext, observer: Proc, target: Proc): boolean {
  return activeTimeline(ctx.timeline).some(
    (e) =>
      e.kind === "event" &&
      e.node === observer.node &&
      observer.ids.has(e.line.nodeId) &&
      e.line.event === "member.failed" &&
      typeof e.line.peerId === "number" &&
      target.ids.has(e.line.peerId),
  );
}

/**
 * Every member.failed must have a cause: its target was faulted (killed, stopped, restarted, or
 * paused/cut off until shortly after its heal), the node that said it was itself paused or cut off
 * then, or a network fault kept the two apart (across a partition, a one-way cut) until shortly
 * after its heal. Anything else — a node declared failed by its own side, or under mere packet loss
 * — is a false death of a healthy node.
 */
export function checkNoFalseDeaths(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const errors: string[] = [];
  const periods = networkPeriods(activeTimeline(ctx.timeline));
  const firstFault = Math.min(r.faults[0]?.t ?? Infinity, periods[0]?.from ?? Infinity);
  const t0 = Number.isFinite(firstFault) ? firstFault : (activeTimeline(ctx.timeline)[0]?.t ?? 0);
  let declared = 0;
  const cutWindows = (node: string) =>
    r.faults
      .filter((f) => f.node === node && (f.kind === "pause" || f.kind === "disconnect"))
      .map((f) => ({ from: f.t, to: (f.healT ?? Infinity) + HEAL_GRACE_MS * 1000 }));
  const grace = HEAL_GRACE_MS * 1000;
  for (const e of activeTimeline(ctx.timeline)) {
    if (e.kind !== "event" || e.line.event !== "member.failed" || typeof e.line.peerId !== "number") continue;
    declared++;
    const ev = e as EventEntry;
    const target = r.byId.get(ev.line.peerId as number);
    if (!target) continue; // the no-ghosts check reports ids no node had
    const ended = target.endT !== undefined && ev.t >= target.endT;
    const within = (w: { from: number; to: number }) => ev.t >= w.from && ev.t <= w.to;
    const apart = separating(periods, ev.node, target.node).some(
      (p) => ev.t >= p.from && ev.t <= p.to + grace,
    );
    if (ended || apart || cutWindows(target.node).some(within) || cutWindows(ev.node).some(within)) continue;
    const holding = periods
      .filter((p) => ev.t >= p.from && ev.t <= p.to)
      .map((p) => `${p.fault.kind} ${p.fault.label}`);
    const faults = r.faults.filter((f) => f.node === target.node);
    const history = faults.length
      ? `it was healthy then (its faults: ${faults.map((f) => `${f.kind} at ${rel(f.t, t0)}`).join(", ")})`
      : "it was never faulted";
    const when =
      Number.isFinite(firstFault) && ev.t < t0
        ? `during the bring-up, ${((t0 - ev.t) / 1e6).toFixed(2)} s before the first fault`
        : `at ${rel(ev.t, t0)}`;
    const joining =
      target.readyT === undefined || ev.t < target.readyT ? " (it was still joining: not ready yet)" : "";
    const network = holding.length
      ? ` (while ${holding.join(" and ")} held, which did not separate them)`
      : "";
    errors.push(
      `${ev.node}: declared ${target.node} (id ${target.id}) failed ${when}${joining}${network}; expected it alive, ${history}: a false death`,
    );
  }
  return {
    name: "no-false-deaths",
    valid: errors.length ? false : true,
    summary: `${declared} member.failed line(s), ${errors.length} of a healthy node`,
    errors,
  };
}
