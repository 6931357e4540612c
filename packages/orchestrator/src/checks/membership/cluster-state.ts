// The cluster as the merged timeline tells it, one entry at a time: each node's processes (a
// restart starts a new one), each process's view of the members and of the master, and the
// faults the orchestrator applied. `apply` is the replay's only step; analyses read the state.
import type { MemberState, NodeEvent, NodeLogLine } from "@joinlab/protocol";
import type { TimelineEntry } from "../../logs/timeline.js";
import type { NetworkFault, NetworkFaultRecord } from "../../netfaults/network-fault.js";
import type { EventEntry } from "../types.js";

/** One process of a node: a restart starts a new one (new id, seq from 1). */
export interface Proc {
  node: string;
  gen: number;
  /** The id it logs now (a reassigned id replaces the first). */
  id: number;
  ids: Set<number>;
  startT: number;
  readyT?: number;
  /** Killed, stopped, restarted or exited. */
  endT?: number;
  joined: boolean;
  view: Map<number, MemberState>;
  /** Last master it logged (master.started: itself; master.elected: the peer); undefined after no-quorum. */
  master?: number;
}

export interface FaultEvent {
  kind: string;
  node: string;
  t: number;
  /** The node's process at the fault (undefined when it had none running). */
  proc?: Proc;
  /** For pause/disconnect: when the matching unpause/connect came (undefined: never healed). */
  healT?: number;
}

/** What one entry was to the replay. */
export type ReplayStep =
  | { kind: "fault"; entry: TimelineEntry; fault: FaultEvent }
  /** A node log line, with the process that wrote it and, when the line is about another member, its id. */
  | { kind: "line"; entry: EventEntry; proc: Proc; about: number | undefined }
  /** A network fault or its heal (rule-based; a cut's event is a `fault` step that also changes the network). */
  | { kind: "network"; entry: TimelineEntry; record: NetworkFaultRecord }
  | { kind: "other"; entry: TimelineEntry };

/** Faults that end the node's process. */
export const GENERATION_ENDING: ReadonlySet<string> = new Set(["kill", "stop", "restart"]);
/** Faults that cut a node off until their heal: pause until unpause, disconnect until connect. */
export const CUTTING: Readonly<Record<string, string>> = { pause: "unpause", disconnect: "connect" };
export const HEALS: ReadonlySet<string> = new Set(["unpause", "connect"]);
/** A node cut off or paused may still act on stale news briefly after its heal. */
export const HEAL_GRACE_MS = 2000;
/** The faults of one step are noted within microseconds of each other; 100 ms apart is another step. */
export const ONE_STEP_US = 100_000;

/** Microseconds → milliseconds, to 0.1 ms. */
export const msOf = (micros: number): number => Math.round(micros / 100) / 10;

export class ClusterState {
  readonly procs: Proc[] = [];
  /** Each node's latest process. */
  readonly current = new Map<string, Proc>();
  /** Ids → the process that used them. */
  readonly byId = new Map<number, Proc>();
  readonly faults: FaultEvent[] = [];
  /** Nodes paused or cut off now, with the fault that did it. */
  readonly openCuts = new Map<string, FaultEvent>();
  /** Network faults in force now (cuts included, as partitions), by label. */
  readonly network = new Map<string, NetworkFault>();
  firstFaultT: number | undefined;
  endT = 0;

  isCut(node: string): boolean {
    return this.openCuts.has(node);
  }

  /** Processes that are ready and have not ended. */
  running(): Proc[] {
    return [...this.current.values()].filter((p) => p.readyT !== undefined && p.endT === undefined);
  }

  /** Running processes that are not cut off: the ones that should agree. */
  live(): Proc[] {
    return this.running().filter((p) => !this.isCut(p.node));
  }

  apply(entry: TimelineEntry): ReplayStep {
    this.endT = Math.max(this.endT, entry.t);
    if (entry.kind === "event") return this.#line(entry);
    if (entry.kind === "orchestrator") return this.#orchestrator(entry);
    return { kind: "other", entry };
  }

  #orchestrator(entry: Extract<TimelineEntry, { kind: "orchestrator" }>): ReplayStep {
    const { event, node, network } = entry.event;
    if (event === "exited" && node) this.#ended(node, entry.t);
    if (network) this.#networkFault(network);
    // A network fault of whole groups names no node: it is its own step.
    if (network && !node) {
      this.firstFaultT ??= entry.t;
      return { kind: "network", entry, record: network };
    }
    const kind = faultKind(event);
    if (!kind || !node) return { kind: "other", entry };
    return { kind: "fault", entry, fault: this.#fault(kind, node, entry.t) };
  }

  /** A network fault applied (in force until healed) or healed. */
  #networkFault(network: NetworkFaultRecord): void {
    if (network.action === "apply") this.network.set(network.fault.label, network.fault);
    else this.network.delete(network.fault.label);
  }

  #ended(node: string, t: number): void {
    const p = this.current.get(node);
    if (p && p.endT === undefined) p.endT = t;
  }

  #fault(kind: string, node: string, t: number): FaultEvent {
    const p = this.current.get(node);
    const fault: FaultEvent = { kind, node, t, ...(p ? { proc: p } : {}) };
    this.faults.push(fault);
    this.firstFaultT ??= t;
    if (GENERATION_ENDING.has(kind)) this.#ended(node, t);
    if (CUTTING[kind]) this.openCuts.set(node, fault);
    if (HEALS.has(kind)) {
      const open = this.openCuts.get(node);
      if (open) open.healT = t;
      this.openCuts.delete(node);
    }
    return fault;
  }

  #line(entry: EventEntry): ReplayStep {
    const p = this.#procOf(entry);
    const about = aboutWhom(entry.line, p);
    ON_LINE[entry.line.event]?.(p, entry, about);
    return { kind: "line", entry, proc: p, about };
  }

  /** The process that wrote the line: a node.started begins a new one. */
  #procOf(entry: EventEntry): Proc {
    const { line, node } = entry;
    let p = this.current.get(node);
    if (line.event === "node.started" || !p) {
      const gen = this.procs.filter((x) => x.node === node).length;
      p = { node, gen, id: line.nodeId, ids: new Set(), startT: entry.t, joined: false, view: new Map() };
      this.procs.push(p);
      this.current.set(node, p);
    }
    p.ids.add(line.nodeId);
    p.id = line.nodeId;
    this.byId.set(line.nodeId, p);
    return p;
  }
}

/** `fault.kill` → "kill"; "" for other events and for a fault skipped on a node that was not running. */
function faultKind(event: string): string {
  return event.startsWith("fault.") && !event.endsWith(".skipped") ? event.slice("fault.".length) : "";
}

/** The member a line is about, unless it is about the writer itself (`self: true`, or one of its ids). */
function aboutWhom(line: NodeLogLine, p: Proc): number | undefined {
  const claimsSelf =
    (line.event === "member.alive" || line.event === "member.left" || line.event === "master.elected") &&
    line.self === true;
  const peer = line.peerId;
  return peer === undefined || claimsSelf || p.ids.has(peer) ? undefined : peer;
}

type LineStep = (p: Proc, entry: EventEntry, about: number | undefined) => void;

/** A member's state in the writer's view, from its member.* line. */
const viewAs =
  (state: MemberState): LineStep =>
  (p, _entry, about) => {
    if (about !== undefined) p.view.set(about, state);
  };

/** What each event changes in the writing process; other events change nothing. */
const ON_LINE: Partial<Record<NodeEvent, LineStep>> = {
  "node.joined": (p) => {
    p.joined = true;
  },
  "master.started": (p, { line }) => {
    p.joined = true;
    p.master = line.nodeId;
  },
  "node.ready": (p, { t }) => {
    p.readyT = t;
  },
  "member.joined": viewAs("alive"),
  "member.suspect": viewAs("suspect"),
  "member.alive": viewAs("alive"),
  "member.failed": viewAs("failed"),
  "member.left": viewAs("left"),
  "master.elected": (p, { line }) => {
    p.master = line.peerId;
  },
  "master.resigned": (p, { line }) => {
    // A master that leaves stays master in its own view until it is gone.
    if (line.event === "master.resigned" && line.reason !== "leave") p.master = undefined;
  },
};
