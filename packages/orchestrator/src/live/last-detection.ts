// The live answer to "how long did the last detection take": a fold over the replay that follows
// the newest fault taking a node away (kill, stop, restart, pause, a cut) and counts the
// survivors that noticed it (suspect, failed or left) and that declared it (failed; left for a
// stop), with the time the last of them took.
import type { NodeEvent } from "@joinlab/protocol";
import type { ClusterSummary } from "@joinlab/report";
import { msOf, type ClusterState, type Proc, type ReplayStep } from "../checks/membership/cluster-state.js";
import { declaring, NOTICING } from "../checks/membership/detection.js";

/** Faults that take a node away from the others. */
const TAKES_AWAY: ReadonlySet<string> = new Set(["kill", "stop", "restart", "pause", "disconnect"]);
/** A playground's rule-based cut of one node is labelled cut-<node>, as a network disconnect's record is. */
const CUT_LABEL = /^cut-(.+)$/;

interface Tracked {
  kind: string;
  node: string;
  t: number;
  target: Proc;
  survivors: Set<Proc>;
  noticed: Map<Proc, number>;
  declared: Map<Proc, number>;
  declaring: readonly NodeEvent[];
}

export class LastDetection {
  private tracked: Tracked | undefined;

  /** Told each replay step with the state after it; returns whether the answer changed. */
  step(step: ReplayStep, state: ClusterState, live: readonly Proc[]): boolean {
    if (step.kind === "fault" && TAKES_AWAY.has(step.fault.kind) && step.fault.proc)
      return this.track(step.fault.kind, step.fault.node, step.entry.t, step.fault.proc, live);
    if (step.kind === "network" && step.record.action === "apply") {
      const cut = CUT_LABEL.exec(step.record.fault.label)?.[1];
      const target = cut ? state.current.get(cut) : undefined;
      if (cut && target) return this.track("cut", cut, step.entry.t, target, live);
    }
    if (step.kind === "line") return this.witness(step);
    return false;
  }

  summary(): ClusterSummary["detection"] {
    const d = this.tracked;
    if (!d) return undefined;
    const required = [...d.survivors].filter((p) => p.endT === undefined || d.noticed.has(p));
    const slowest = (m: Map<Proc, number>) =>
      required.length && required.every((p) => m.has(p))
        ? msOf(Math.max(...required.map((p) => m.get(p)! - d.t)))
        : undefined;
    const noticedMs = slowest(d.noticed);
    const declaredMs = slowest(d.declared);
    const what = d.kind === "stop" ? "left" : "failed";
    const text =
      required.length === 0
        ? `${d.kind} ${d.node}: no other node was up to notice`
        : noticedMs === undefined
          ? `${d.kind} ${d.node}: ${d.noticed.size} of ${required.length} survivor(s) noticed so far`
          : `${d.kind} ${d.node}: noticed by all ${required.length} survivor(s) in ${noticedMs} ms, ` +
            (declaredMs === undefined
              ? `declared ${what} by ${d.declared.size} so far`
              : `declared ${what} by all in ${declaredMs} ms`);
    return {
      text,
      fault: d.kind,
      node: d.node,
      survivors: required.length,
      noticed: d.noticed.size,
      declared: d.declared.size,
      ...(noticedMs !== undefined ? { noticedMs } : {}),
      ...(declaredMs !== undefined ? { declaredMs } : {}),
    };
  }

  private track(kind: string, node: string, t: number, target: Proc, live: readonly Proc[]): boolean {
    this.tracked = {
      kind,
      node,
      t,
      target,
      survivors: new Set(live.filter((p) => p !== target && p.node !== node)),
      noticed: new Map(),
      declared: new Map(),
      declaring: declaring(kind),
    };
    return true;
  }

  private witness(step: Extract<ReplayStep, { kind: "line" }>): boolean {
    const d = this.tracked;
    const event = step.entry.line.event;
    if (!d || step.about === undefined || !d.target.ids.has(step.about) || !d.survivors.has(step.proc))
      return false;
    let changed = false;
    if (NOTICING.includes(event) && !d.noticed.has(step.proc)) {
      d.noticed.set(step.proc, step.entry.t);
      changed = true;
    }
    if (d.declaring.includes(event) && !d.declared.has(step.proc)) {
      d.declared.set(step.proc, step.entry.t);
      changed = true;
    }
    return changed;
  }
}
