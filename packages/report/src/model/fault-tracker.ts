// Faults as windows on the lanes (a pause until its unpause, a cut until its reconnect; kill, stop
// and restart are moments) and the master each process saw, from the orchestrator's fault.*
// events and the nodes' master.* lines.
import type { LaneTracker } from "./lane-tracker.js";
import type { FaultWindow, ReportLogLine } from "./types.js";

/** A heal closes the window its fault opened on the same node. */
const HEAL_OF: Readonly<Record<string, string>> = { unpause: "pause", connect: "disconnect" };

export class FaultTracker {
  readonly faults: FaultWindow[] = [];
  readonly masters: number[] = [];
  private readonly openWindows = new Map<string, FaultWindow>();

  constructor(private readonly lanes: LaneTracker) {}

  orchestrator(event: { event: string; node?: string }, lane: number, i: number): void {
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

  private laneOf(id: number): number {
    return this.lanes.laneOfId(id) ?? -1;
  }
}
