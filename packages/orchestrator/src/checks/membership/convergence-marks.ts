// Convergence: how long after each fault or heal (one mark per step of the schedule) every live
// node agreed on one view and one master again, and how long after the bring-up's last node.ready.
import type { NetworkFaultRecord } from "../../netfaults/network-fault.js";
import type { CheckContext } from "../types.js";
import { converged } from "./agreement.js";
import { msOf, ONE_STEP_US, type ClusterState, type FaultEvent, type ReplayStep } from "./cluster-state.js";
import type { ReplayFold } from "./replay.js";

export interface Convergence {
  /** Per fault, in order: fault (or heal) → one view again, for the faults of its step. */
  convergedMs: (number | undefined)[];
  /** The last node.ready before the first fault → everyone converged. */
  upConvergedMs?: number;
  /** The last step of faults or heals, and its convergence. */
  lastMark?: { label: string; t: number; convergedMs?: number };
  /** Per rule-based network fault or heal, in order: when, what, and one view again after it. */
  network: { t: number; record: NetworkFaultRecord; convergedMs?: number }[];
}

interface Mark {
  label: string;
  t: number;
  /** Indexes of its faults. */
  faults: number[];
  /** Indexes of its network faults or heals. */
  network: number[];
  convergedT?: number;
}

export class ConvergenceMarks implements ReplayFold<Convergence> {
  readonly #convergedMs: (number | undefined)[] = [];
  readonly #network: Convergence["network"] = [];
  #mark: Mark | undefined;
  #lastReadyBeforeFaults: number | undefined;
  #upConvergedMs: number | undefined;

  constructor(private readonly nodes: CheckContext["nodes"]) {}

  step(step: ReplayStep, state: ClusterState): void {
    if (step.kind === "fault") this.#markFault(step.fault);
    else if (step.kind === "network") this.#markNetwork(step.entry.t, step.record);
    else if (step.kind === "line") this.#afterLine(step, state);
    else return;
    this.#closeMark(step.entry.t, state);
  }

  finish(): Convergence {
    const mark = this.#mark;
    return {
      convergedMs: this.#convergedMs,
      network: this.#network,
      ...(this.#upConvergedMs !== undefined ? { upConvergedMs: this.#upConvergedMs } : {}),
      ...(mark
        ? {
            lastMark: {
              label: mark.label,
              t: mark.t,
              ...(mark.convergedT !== undefined ? { convergedMs: msOf(mark.convergedT - mark.t) } : {}),
            },
          }
        : {}),
    };
  }

  /** Faults of one step land within microseconds: one mark for the step. */
  #markFault({ kind, node, t }: FaultEvent): void {
    const index = this.#convergedMs.push(undefined) - 1;
    const mark = this.#mark;
    if (!mark || t - mark.t > ONE_STEP_US || mark.convergedT !== undefined) {
      this.#mark = { label: `fault.${kind} ${node}`, t, faults: [index], network: [] };
    } else {
      mark.label += `, ${node}`;
      mark.faults.push(index);
    }
  }

  /** A network fault or heal is a step of its own. */
  #markNetwork(t: number, record: NetworkFaultRecord): void {
    const index = this.#network.push({ t, record }) - 1;
    const what = record.action === "heal" ? "fault.heal" : `fault.${record.fault.kind}`;
    this.#mark = { label: `${what} ${record.fault.label}`, t, faults: [], network: [index] };
  }

  #afterLine(step: Extract<ReplayStep, { kind: "line" }>, state: ClusterState): void {
    if (state.firstFaultT !== undefined) return;
    if (step.entry.line.event === "node.ready") this.#lastReadyBeforeFaults = step.entry.t;
    if (this.#lastReadyBeforeFaults === undefined || this.#upConvergedMs !== undefined) return;
    const everyoneReady = this.nodes.every(
      (n) => !("role" in n.spec.expect) || state.current.get(n.name)?.readyT !== undefined,
    );
    if (everyoneReady && converged(state))
      this.#upConvergedMs = msOf(Math.max(0, step.entry.t - this.#lastReadyBeforeFaults));
  }

  #closeMark(t: number, state: ClusterState): void {
    const mark = this.#mark;
    if (!mark || mark.convergedT !== undefined || !converged(state)) return;
    mark.convergedT = t;
    for (const i of mark.faults) this.#convergedMs[i] = msOf(t - mark.t);
    for (const i of mark.network) this.#network[i]!.convergedMs = msOf(t - mark.t);
  }
}
