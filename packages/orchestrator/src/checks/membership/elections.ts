// Elections against the quorum rule: a node that promoted itself while paused, cut off, or on a
// side that could reach no majority. Still master when a heal came (or never resigned): a split
// brain the heal must undo, and a failure. Resigned by itself before any heal: reported only.
import { msOf, HEALS, type ClusterState, type Proc, type ReplayStep } from "./cluster-state.js";
import type { ReplayFold } from "./replay.js";

export interface Elections {
  /** Minority promotions still standing at a heal, or at the end. */
  loneElections: string[];
  /** Minority promotions the node itself undid (resigned, no quorum) before any heal. */
  transientLoneElections: string[];
}

export class LoneElections implements ReplayFold<Elections> {
  readonly #standing: string[] = [];
  readonly #transient: string[] = [];
  /** Promotions against the quorum rule not undone yet. */
  readonly #pending = new Map<Proc, { text: string; t: number }>();

  step(step: ReplayStep, state: ClusterState): void {
    if (step.kind === "fault" && HEALS.has(step.fault.kind)) this.#healed();
    if (step.kind === "network" && step.record.action === "heal") this.#healed();
    if (step.kind !== "line") return;
    const { line } = step.entry;
    if (line.event === "master.elected" && line.change === "promoted") this.#promoted(step, state);
    if (line.event === "master.resigned") this.#resigned(step.proc, step.entry.t);
  }

  finish(): Elections {
    const never = [...this.#pending.values()].map((l) => `${l.text}, and never resigned`);
    return { loneElections: [...this.#standing, ...never], transientLoneElections: this.#transient };
  }

  #healed(): void {
    for (const lone of this.#pending.values())
      this.#standing.push(`${lone.text}, and was still master at the heal`);
    this.#pending.clear();
  }

  /** What it could reach then: itself alone when cut off, else every running node not cut off. */
  #promoted(step: Extract<ReplayStep, { kind: "line" }>, state: ClusterState): void {
    const { node, t, line } = step.entry;
    const running = state.running();
    const cut = state.openCuts.get(node);
    const reachable = cut ? 1 : running.filter((q) => !state.isCut(q.node)).length;
    if (state.openCuts.size === 0 || reachable * 2 > running.length) return;
    const epoch = line.event === "master.elected" ? line.epoch : undefined;
    const where = cut
      ? `it was ${cut.kind === "pause" ? "paused" : "cut off"}`
      : `it could reach only ${reachable} of ${running.length} nodes`;
    this.#pending.set(step.proc, {
      t,
      text: `${node}: promoted itself to master (epoch ${String(epoch)}) while ${where}, against the quorum rule`,
    });
  }

  #resigned(proc: Proc, t: number): void {
    const lone = this.#pending.get(proc);
    if (!lone) return;
    this.#transient.push(`${lone.text}; it resigned ${msOf(t - lone.t)} ms later, before any heal`);
    this.#pending.delete(proc);
  }
}
