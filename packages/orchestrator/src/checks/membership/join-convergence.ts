// Join convergence: from a joiner's first admission (member.joined via join, at the node it
// joined through) until every node that was up then had it in its view.
import { msOf, type ClusterState, type Proc, type ReplayStep } from "./cluster-state.js";
import type { ReplayFold } from "./replay.js";

export interface JoinConvergence {
  node: string;
  ms: number;
}

export class JoinConvergenceFold implements ReplayFold<JoinConvergence[]> {
  /** Joiner id → the first time anyone admitted it. */
  readonly #admitted = new Map<number, number>();
  /** Member id → observer → when it first learned of the member. */
  readonly #learned = new Map<number, Map<Proc, number>>();

  step(step: ReplayStep): void {
    if (step.kind !== "line" || step.about === undefined) return;
    const { line, t } = step.entry;
    if (line.event !== "member.joined") return;
    const id = step.about;
    if (line.via === "join") this.#admitted.set(id, Math.min(this.#admitted.get(id) ?? Infinity, t));
    const learned = this.#learned.get(id) ?? new Map<Proc, number>();
    if (!learned.has(step.proc)) learned.set(step.proc, t);
    this.#learned.set(id, learned);
  }

  /** Joiners some observer never learned of are left out (the no-ghost and converged checks speak of them). */
  finish(state: ClusterState): JoinConvergence[] {
    const out: JoinConvergence[] = [];
    for (const [id, t0] of this.#admitted) {
      const joiner = state.byId.get(id);
      if (!joiner) continue;
      const observers = state.procs.filter(
        (p) => p !== joiner && p.readyT !== undefined && p.readyT <= t0 && (p.endT ?? Infinity) > t0,
      );
      const when = this.#learned.get(id);
      const times = observers.map((o) => when?.get(o));
      if (times.some((x) => x === undefined)) continue;
      out.push({ node: joiner.node, ms: msOf(Math.max(0, ...(times as number[])) - t0) });
    }
    return out;
  }
}
