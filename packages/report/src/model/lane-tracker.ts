// Lanes: one per process of a node. A node's first entry opens its lane (the orchestrator's
// "launched" comes first); a second node.started opens a new one (a restart: new process, new id);
// kill and restart end a lane at the fault, a stop or any other exit at the node's exit.
import type { Lane, ReportEntry } from "./types.js";

export class LaneTracker {
  readonly lanes: Lane[] = [];
  private readonly current = new Map<string, number>();
  private readonly byId = new Map<number, number>();
  private readonly started = new Set<number>();
  private readonly stopping = new Set<number>();
  private readonly idListeners: ((id: number, lane: number) => void)[] = [];

  /** Told whenever an id becomes known for a lane, so references to it can be resolved. */
  onId(listener: (id: number, lane: number) => void): void {
    this.idListeners.push(listener);
  }

  laneOfId(id: number): number | undefined {
    return this.byId.get(id);
  }

  /** The lane entry `i` belongs to (-1 for run-wide orchestrator events), updating lanes as it goes. */
  place(entry: ReportEntry, i: number): number {
    if (entry.kind === "orchestrator") return this.placeOrchestrator(entry.event, i);
    let lane = this.current.get(entry.node);
    const restarted =
      entry.kind === "event" &&
      entry.line.event === "node.started" &&
      lane !== undefined &&
      (this.started.has(lane) || this.lanes[lane]!.endKind === "restart");
    if (lane === undefined || restarted) lane = this.open(entry.node, i);
    if (entry.kind === "event") this.learn(lane, entry.line, i);
    return lane;
  }

  private open(node: string, i: number): number {
    const gen = this.lanes.filter((l) => l.node === node).length;
    this.lanes.push({ node, gen, ids: [], start: i });
    const lane = this.lanes.length - 1;
    this.current.set(node, lane);
    return lane;
  }

  private learn(lane: number, line: Extract<ReportEntry, { kind: "event" }>["line"], i: number): void {
    const l = this.lanes[lane]!;
    if (typeof line.nodeId === "number" && l.id !== line.nodeId) {
      l.id = line.nodeId;
      if (!l.ids.includes(line.nodeId)) l.ids.push(line.nodeId);
      this.byId.set(line.nodeId, lane);
      for (const listener of this.idListeners) listener(line.nodeId, lane);
    }
    switch (line.event) {
      case "node.started":
        this.started.add(lane);
        if (typeof line.port === "number") l.port = line.port;
        if (typeof line.advertise === "string") l.advertise = line.advertise;
        if (typeof line.clusterip === "string") l.clusterip = line.clusterip;
        break;
      case "node.ready":
        l.ready = i;
        if (typeof line.role === "string") l.role = line.role;
        break;
      case "master.started":
        l.role = "master";
        break;
      case "master.elected":
        if (line.self === true) l.role = "master";
        break;
      case "master.resigned":
        // A master that stops resigns as it leaves: it was master until the end.
        if (line.reason !== "leave") l.role = "member";
        break;
    }
  }

  private placeOrchestrator(event: { event: string; node?: string }, i: number): number {
    if (!event.node) return -1;
    let lane = this.current.get(event.node);
    if (lane === undefined) lane = this.open(event.node, i);
    const l = this.lanes[lane]!;
    if (l.end !== undefined) return lane;
    switch (event.event) {
      case "fault.kill":
        this.end(l, i, "kill");
        break;
      case "fault.restart":
        this.end(l, i, "restart");
        break;
      case "fault.stop":
        this.stopping.add(lane);
        break;
      case "exited":
        this.end(l, i, this.stopping.has(lane) ? "stop" : "exit");
        break;
    }
    return lane;
  }

  private end(l: Lane, i: number, kind: NonNullable<Lane["endKind"]>): void {
    l.end = i;
    l.endKind = kind;
  }
}
