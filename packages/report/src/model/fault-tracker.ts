// Faults as windows on the lanes (a pause until its unpause, a cut until its reconnect; kill, stop
// and restart are moments), network faults as groups of nodes until their heal, and the master
// each process saw, from the orchestrator's fault.* events and the nodes' master.* lines.
import type { LaneTracker } from "./lane-tracker.js";
import type { FaultWindow, NetworkWindow, ReportLogLine } from "./types.js";

/** A heal closes the window its fault opened on the same node. */
const HEAL_OF: Readonly<Record<string, string>> = { unpause: "pause", connect: "disconnect" };

export class FaultTracker {
  readonly faults: FaultWindow[] = [];
  readonly network: NetworkWindow[] = [];
  readonly masters: number[] = [];
  private readonly openWindows = new Map<string, FaultWindow>();
  private readonly openNetwork = new Map<string, NetworkWindow>();

  constructor(private readonly lanes: LaneTracker) {}

  orchestrator(event: { event: string; node?: string; network?: unknown }, lane: number, i: number): void {
    if (event.network !== undefined) return this.networkFault(event.network, i);
    if (!event.event.startsWith("fault.") || event.event.endsWith(".skipped") || !event.node) return;
    const kind = event.event.slice("fault.".length);
    const opened = HEAL_OF[kind];
    if (opened) {
      const key = `${opened}/${event.node}`;
      const window = this.openWindows.get(key);
      if (window) window.heal = i;
      this.openWindows.delete(key);
      return;
    }
    const window: FaultWindow = { kind, node: event.node, event: i, ...(lane >= 0 ? { lane } : {}) };
    this.faults.push(window);
    if (Object.values(HEAL_OF).includes(kind)) this.openWindows.set(`${kind}/${event.node}`, window);
  }

  line(lane: number, line: ReportLogLine, i: number): void {
    switch (line.event) {
      case "master.started":
        this.masters.push(i, lane, lane);
        break;
      case "master.elected": {
        const master =
          line.self === true ? lane : typeof line.peerId === "number" ? this.laneOf(line.peerId) : -1;
        this.masters.push(i, lane, master);
        break;
      }
      case "master.resigned":
        this.masters.push(i, lane, -1);
        break;
    }
  }

  /** `network`: { action: "apply" | "heal", fault: { kind, label, groups | from/to | nodes, rate?, delayMs? } }. */
  private networkFault(network: unknown, i: number): void {
    const record = network as { action?: string; fault?: Record<string, unknown> };
    const fault = record.fault;
    if (!fault || typeof fault.kind !== "string" || typeof fault.label !== "string") return;
    if (record.action === "heal") {
      const open = this.openNetwork.get(fault.label);
      if (open) open.heal = i;
      this.openNetwork.delete(fault.label);
      return;
    }
    const names = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
    const groups =
      fault.kind === "partition"
        ? (Array.isArray(fault.groups) ? fault.groups : []).map(names)
        : fault.kind === "one-way"
          ? [names(fault.from), names(fault.to)]
          : [names(fault.nodes)];
    const window: NetworkWindow = {
      kind: fault.kind,
      label: fault.label,
      groups,
      ...(typeof fault.rate === "number" ? { rate: fault.rate } : {}),
      ...(typeof fault.delayMs === "number" ? { delayMs: fault.delayMs } : {}),
      event: i,
    };
    this.network.push(window);
    this.openNetwork.set(fault.label, window);
  }

  private laneOf(id: number): number {
    return this.lanes.laneOfId(id) ?? -1;
  }
}
