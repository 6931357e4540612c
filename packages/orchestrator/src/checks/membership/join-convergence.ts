// Join convergence: from a joiner's first admission (member.joined via join, at the node it
// joined through) until every node that was up then had it in its view. Measured with the nodes'
// own clocks (each line's `time`; every container reads the host's clock): Docker's stamp is when
// the engine read the line, and a busy engine reads some containers' output seconds late (at 128
// nodes the slowest join looked 2.7 s long by the stamps and was 0.8 s by the nodes' clocks).
import { parseTimestamp } from "../../logs/records.js";
import { msOf, type ClusterState, type Proc, type ReplayStep } from "./cluster-state.js";
import type { ReplayFold } from "./replay.js";

export interface JoinConvergence {
  node: string;
  ms: number;
}

interface Admission {
  /** The merged timeline's time (Docker's stamp): who was up then. */
  t: number;
  /** The admitting node's own clock. */
  own: number;
}

export class JoinConvergenceFold implements ReplayFold<JoinConvergence[]> {
  /** Joiner id → the first time anyone admitted it. */
  readonly #admitted = new Map<number, Admission>();
  /** Member id → observer → when it first learned of the member, by its own clock. */
  readonly #learned = new Map<number, Map<Proc, number>>();

  step(step: ReplayStep): void {
    if (step.kind !== "line" || step.about === undefined) return;
    const { line, t } = step.entry;
    if (line.event !== "member.joined") return;
    const id = step.about;
    // The node's own clock (Docker's stamp for a line whose time does not parse).
    const own = parseTimestamp(line.time) ?? t;
    if (line.via === "join") this.#admitted.set(id, earliest(this.#admitted.get(id), { t, own }));
    const learned = this.#learned.get(id) ?? new Map<Proc, number>();
    if (!learned.has(step.proc)) learned.set(step.proc, own);
    this.#learned.set(id, learned);
  }

  /** Joiners some observer never learned of are left out (the no-ghost and converged checks speak of them). */
  finish(state: ClusterState): JoinConvergence[] {
    const out: JoinConvergence[] = [];
    for (const [id, admitted] of this.#admitted) {
      const joiner = state.byId.get(id);
      if (!joiner) continue;
      const observers = state.procs.filter(
        (p) =>
          p !== joiner &&
          p.readyT !== undefined &&
          p.readyT <= admitted.t &&
          (p.endT ?? Infinity) > admitted.t,
      );
      const when = this.#learned.get(id);
      const times = observers.map((o) => when?.get(o));
      if (times.some((x) => x === undefined)) continue;
      out.push({
        node: joiner.node,
        ms: msOf(Math.max(0, ...(times as number[]).map((x) => x - admitted.own))),
      });
    }
    return out;
  }
}

function earliest(a: Admission | undefined, b: Admission): Admission {
  return a === undefined ? b : { t: Math.min(a.t, b.t), own: Math.min(a.own, b.own) };
}
