// What every process believed about every other, as a list of changes, and for each change learned
// from another node the edge it came by: the node's log names the sender (`by`); the edge starts at
// the sender's own change to the same state, when it logged one (it knew before it told).
import { BELIEF_STATES, type BeliefState, type Lane, type ReportLogLine } from "./types.js";

/** Which lane holds an id (the lane tracker while building; the finished lanes when hydrating). */
export interface LaneLookup {
  readonly lanes: readonly Lane[];
  laneOfId(id: number): number | undefined;
  onId(listener: (id: number, lane: number) => void): void;
}

const STATE_OF: Record<string, BeliefState> = {
  "member.joined": "alive",
  "member.alive": "alive",
  "member.suspect": "suspect",
  "member.failed": "failed",
  "member.left": "left",
};

interface Belief {
  state: BeliefState;
  event: number;
}

export class BeliefTracker {
  readonly beliefs: number[] = [];
  readonly edges: number[] = [];
  /** observer lane → subject id → what it believes now. */
  private readonly current = new Map<number, Map<number, Belief>>();
  /** Beliefs about ids no lane has claimed yet: offsets of their subject slot. */
  private readonly unresolved = new Map<number, number[]>();

  constructor(private readonly lanes: LaneLookup) {
    lanes.onId((id, lane) => {
      for (const at of this.unresolved.get(id) ?? []) this.beliefs[at] = lane;
      this.unresolved.delete(id);
    });
  }

  add(observer: number, line: ReportLogLine, i: number): void {
    const state = STATE_OF[line.event];
    const subject = line.peerId;
    if (!state || typeof subject !== "number") return;
    const self = this.lanes.lanes[observer]!;
    if (line.self === true || self.ids.includes(subject)) return;
    const view = this.viewOf(observer);
    if (view.get(subject)?.state === state) return;
    view.set(subject, { state, event: i });
    this.record(observer, subject, state, i);
    if (typeof line.by === "number") this.edge(observer, subject, state, line.by, i);
  }

  /** The state observer lane believes subject id is in, if any. */
  beliefOf(observer: number, subject: number): BeliefState | undefined {
    return this.current.get(observer)?.get(subject)?.state;
  }

  private record(observer: number, subject: number, state: BeliefState, i: number): void {
    const lane = this.lanes.laneOfId(subject);
    this.beliefs.push(i, observer, lane ?? -1, BELIEF_STATES.indexOf(state));
    if (lane === undefined) {
      const list = this.unresolved.get(subject) ?? [];
      list.push(this.beliefs.length - 2);
      this.unresolved.set(subject, list);
    }
  }

  private edge(observer: number, subject: number, state: BeliefState, by: number, i: number): void {
    const source = this.lanes.laneOfId(by);
    if (source === undefined || source === observer) return;
    const known = this.current.get(source)?.get(subject);
    this.edges.push(i, source, known?.state === state ? known.event : -1);
  }

  private viewOf(observer: number): Map<number, Belief> {
    let view = this.current.get(observer);
    if (!view) this.current.set(observer, (view = new Map()));
    return view;
  }
}
