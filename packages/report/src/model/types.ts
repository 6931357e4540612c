// The report model: what the page draws, as plain JSON. The same builder makes it in Node (embedded
// in report.html) and in the browser (a live page appends timeline entries as they arrive), so
// everything here is serialisable and every derived part refers to events by their index.

/** A node's log line as the orchestrator parsed it (docs/protocol.md lists the events). */
export interface ReportLogLine {
  time?: string;
  level?: string;
  seq?: number;
  nodeId: number;
  event: string;
  message?: string;
  peer?: string;
  peerId?: number;
  [field: string]: unknown;
}

/** One entry of the merged timeline; the orchestrator's TimelineEntry is one of these. */
export type ReportEntry =
  | { kind: "event"; node: string; t: number; line: ReportLogLine }
  | { kind: "raw"; node: string; t: number; stream?: "stdout" | "stderr"; text: string }
  | {
      kind: "orchestrator";
      t: number;
      event: { event: string; node?: string; message: string; [field: string]: unknown };
    };

export type Validity = true | false | "unknown";

export interface ReportCheck {
  name: string;
  valid: Validity;
  summary: string;
  errors: string[];
}

/** Where a check's error points in the diagram: an event (its index) on a lane. */
export interface ErrorLink {
  check: number;
  error: number;
  event: number;
}

/** What the scenario said about a node, and how its run went (from scenario.json / results.json). */
export interface ReportNodeSpec {
  name: string;
  port?: number;
  address?: string;
  clusterip?: string;
  expect?: string;
  fate?: string;
}

/** One process of a node: a restart opens a new lane. */
export interface Lane {
  node: string;
  /** 0 for the first process of the node, 1 after its first restart, ... */
  gen: number;
  /** The node id it logs (the last one, after a reassignment). */
  id?: number;
  ids: number[];
  port?: number;
  advertise?: string;
  clusterip?: string;
  /** The event that opened it (node.started, or the node's first entry). */
  start: number;
  /** The event that ended it: a kill, stop, restart or exit; absent while it runs. */
  end?: number;
  endKind?: "kill" | "stop" | "restart" | "exit";
  ready?: number;
  role?: string;
}

export type BeliefState = "alive" | "suspect" | "failed" | "left";
export const BELIEF_STATES: readonly BeliefState[] = ["alive", "suspect", "failed", "left"];

/** A join handshake by event index: request.sent → request.received → response.sent → response.received. */
export interface Handshake {
  joiner: number;
  responder?: number;
  requestSent: number;
  requestReceived?: number;
  responseSent?: number;
  responseReceived?: number;
  /** join.failed on the joiner's side (refused, timeout, ...). */
  failed?: number;
}

/** A fault window: kill/stop/restart have no end; pause and cut end at their heal. */
export interface FaultWindow {
  kind: string;
  node: string;
  lane?: number;
  event: number;
  heal?: number;
}

/**
 * A network fault (`fault.partition`, `fault.one-way`, `fault.loss`, `fault.latency`, each ended by
 * a `fault.heal` with the same label): its node groups, from the event's `network.fault`.
 * partition: the groups; one-way: [from, to]; loss and latency: [nodes].
 */
export interface NetworkWindow {
  kind: string;
  label: string;
  groups: string[][];
  rate?: number;
  delayMs?: number;
  event: number;
  heal?: number;
}

export interface ModelMeta {
  scenario: string;
  description?: string;
  runId?: string;
  runtime?: string;
  verdict: Validity;
  exitCode?: number;
  error?: string;
  interrupted?: boolean;
  upAndVerifiedMs?: number;
  /** What the report could not read: missing or truncated files, lines that are not log events. */
  problems: string[];
}

export interface ReportModel {
  version: 1;
  meta: ModelMeta;
  /** Microseconds since the epoch of the first entry; event times are relative to it. */
  t0: number;
  /** Interned strings: event names, shapes, field values. */
  strings: string[];
  /** Interned integers ≥ 1000 (node ids, ports, pids). */
  nums: number[];
  /**
   * Events, flat: per event `dt, lane, shape, ...values`, where dt is microseconds after the
   * previous event, lane -1 for none, shape a string index (kind, event name, keys) and one value
   * per stored key of the shape (see event-codec.ts).
   */
  events: number[];
  eventCount: number;
  lanes: Lane[];
  nodes: ReportNodeSpec[];
  handshakes: Handshake[];
  /** Belief changes, flat: `event, observer lane, subject lane, state index` (BELIEF_STATES). */
  beliefs: number[];
  /**
   * How each belief change arrived, flat: `event, source lane, source event` (-1 when the source
   * logged nothing earlier about it). Only changes learned from another node.
   */
  edges: number[];
  /** master.started / master.elected / master.resigned, flat: `event, lane, master lane (-1 none)`. */
  masters: number[];
  faults: FaultWindow[];
  network: NetworkWindow[];
  checks: ReportCheck[];
  errorLinks: ErrorLink[];
}
