// Builds the report model one timeline entry at a time: the written report adds a finished run's
// whole timeline, a live page adds entries as they arrive. `model()` is a snapshot that shares the
// builder's arrays (cheap to take after every batch; do not mutate it).
import { BeliefTracker } from "./belief-tracker.js";
import { EventEncoder, type LaneCursor } from "./event-codec.js";
import { FaultTracker } from "./fault-tracker.js";
import { HandshakeTracker } from "./handshake-tracker.js";
import { Interner } from "./interner.js";
import { LaneTracker } from "./lane-tracker.js";
import { linkErrors } from "./error-links.js";
import type { ModelMeta, ReportCheck, ReportEntry, ReportModel, ReportNodeSpec } from "./types.js";

export class ModelBuilder {
  private readonly strings = new Interner<string>();
  private readonly nums = new Interner<number>();
  private readonly encoder = new EventEncoder(this.strings, this.nums);
  private readonly lanes = new LaneTracker();
  private readonly handshakes = new HandshakeTracker();
  private readonly beliefs = new BeliefTracker(this.lanes);
  private readonly faults = new FaultTracker(this.lanes);
  private readonly cursors = new Map<number, LaneCursor>();
  private readonly events: number[] = [];
  private readonly names: string[] = [];
  private readonly laneOf: number[] = [];
  private count = 0;
  private t0: number | undefined;
  private lastT = 0;
  private meta: ModelMeta;
  private nodes: ReportNodeSpec[] = [];
  private checks: ReportCheck[] = [];

  constructor(meta: Partial<ModelMeta> = {}) {
    this.meta = { scenario: "", verdict: "unknown", problems: [], ...meta };
  }

  /** Adds one entry; returns its event index. */
  add(entry: ReportEntry): number {
    const i = this.count++;
    this.t0 ??= entry.t;
    const lane = this.lanes.place(entry, i);
    const cursor = entry.kind === "event" ? this.cursorOf(lane) : undefined;
    const t = entry.t - this.t0;
    this.events.push(t - this.lastT, lane, ...this.encoder.encode(entry, cursor));
    this.lastT = t;
    this.laneOf.push(lane);
    if (entry.kind === "event") {
      this.names.push(entry.line.event);
      this.handshakes.add(lane, entry.line, i);
      this.beliefs.add(lane, entry.line, i);
      this.faults.line(lane, entry.line, i);
    } else if (entry.kind === "orchestrator") {
      this.names.push(entry.event.event);
      this.faults.orchestrator(entry.event, lane, i);
    } else {
      this.names.push("");
    }
    return i;
  }

  addAll(entries: Iterable<ReportEntry>): void {
    for (const entry of entries) this.add(entry);
  }

  setMeta(meta: Partial<ModelMeta>): void {
    this.meta = { ...this.meta, ...meta };
  }

  addProblem(problem: string): void {
    this.meta.problems.push(problem);
  }

  setNodes(nodes: ReportNodeSpec[]): void {
    this.nodes = nodes;
  }

  setChecks(checks: ReportCheck[]): void {
    this.checks = checks;
  }

  model(): ReportModel {
    return {
      version: 1,
      meta: this.meta,
      t0: this.t0 ?? 0,
      strings: this.strings.values,
      nums: this.nums.values,
      events: this.events,
      eventCount: this.count,
      lanes: this.lanes.lanes,
      nodes: this.nodes,
      handshakes: this.handshakes.handshakes,
      beliefs: this.beliefs.beliefs,
      edges: this.beliefs.edges,
      masters: this.faults.masters,
      faults: this.faults.faults,
      network: this.faults.network,
      checks: this.checks,
      errorLinks: linkErrors(this.checks, {
        lanes: this.lanes.lanes,
        names: this.names,
        laneOf: this.laneOf,
      }),
    };
  }

  private cursorOf(lane: number): LaneCursor {
    let c = this.cursors.get(lane);
    if (!c) this.cursors.set(lane, (c = { seq: 0 }));
    return c;
  }
}
