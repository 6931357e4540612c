// Elections against the rules. Against the quorum rule: a node that promoted itself while paused,
// cut off, or on a side that could reach no majority. Still master when a heal came (or never
// resigned): a split brain the heal must undo, and a failure. Resigned by itself before any heal:
// reported only. Unprovoked: a master that resigned, or a node that promoted itself, before any
// fault of the run: nothing gave it a reason to (a failure).
import { msOf, HEALS, type ClusterState, type Proc, type ReplayStep } from "./cluster-state.js";
import type { ReplayFold } from "./replay.js";

export interface Elections {
  /** Minority promotions still standing at a heal, or at the end. */
  loneElections: string[];
  /** Minority promotions the node itself undid (resigned, no quorum) before any heal. */
  transientLoneElections: string[];
  /** Resignations and promotions before the run's first fault. */
  unprovokedElections: string[];
}

export class ElectionsAgainstRules implements ReplayFold<Elections> {
  readonly #standing: string[] = [];
  readonly #transient: string[] = [];
  readonly #unprovoked: string[] = [];
  /** A fault or network fault has happened: from then on elections have a cause. */
  #faulted = false;
  /** Promotions against the quorum rule not undone yet. */
  readonly #pending = new Map<Proc, { text: string; t: number }>();

  step(step: ReplayStep, state: ClusterState): void {
    if (step.kind === "fault" || step.kind === "network") return this.#fault(step);
    if (step.kind !== "line") return;
    const { line } = step.entry;
    if (!this.#faulted) this.#unprovokedChange(step);
    if (line.event === "master.elected" && line.change === "promoted") this.#promoted(step, state);
    if (line.event === "master.resigned") this.#resigned(step.proc, step.entry.t);
  }

  finish(): Elections {
    const never = [...this.#pending.values()].map((l) => `${l.text}, and never resigned`);
    return {
      loneElections: [...this.#standing, ...never],
      transientLoneElections: this.#transient,
      unprovokedElections: this.#unprovoked,
    };
  }

  #unprovokedChange(step: Extract<ReplayStep, { kind: "line" }>): void {
    const { node, line } = step.entry;
    if (line.event === "master.elected" && line.change === "promoted")
      this.#unprovoked.push(
        `${node}: promoted itself to master (epoch ${String(line.epoch)}) before any fault`,
      );
    if (line.event === "master.resigned")
      this.#unprovoked.push(
        `${node}: resigned as master (${typeof line.reason === "string" ? line.reason : "no reason given"}) before any fault`,
      );
  }

  #fault(step: Extract<ReplayStep, { kind: "fault" | "network" }>): void {
    this.#faulted = true;
    const heal = step.kind === "fault" ? HEALS.has(step.fault.kind) : step.record.action === "heal";
    if (heal) this.#healed();
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
