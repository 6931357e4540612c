// What the page's views share: the model and its decoded table, the selected event and the cursor
// moment, with listeners so the diagram, the membership view and the log follow each other.
import { EventTable } from "../model/event-table.js";
import type { ReportModel } from "../model/types.js";

export type Listener = () => void;

export class PageState {
  model: ReportModel;
  table: EventTable;
  /** The event a person picked (click in the diagram, the log or a link). */
  selected: number | undefined;
  /** The moment the membership scrubber shows (an event index). */
  cursor = 0;
  private readonly listeners = {
    model: new Set<Listener>(),
    selected: new Set<Listener>(),
    cursor: new Set<Listener>(),
  };

  constructor(model: ReportModel) {
    this.model = model;
    this.table = new EventTable(model);
    this.cursor = this.verifiedAt();
  }

  /** run.verified, where the checks looked: the moment the page opens at. */
  verifiedAt(): number {
    for (let i = this.table.count - 1; i >= 0; i--) if (this.table.eventName(i) === "run.verified") return i;
    return Math.max(0, this.table.count - 1);
  }

  on(what: keyof PageState["listeners"], listener: Listener): void {
    this.listeners[what].add(listener);
  }

  setModel(model: ReportModel): void {
    this.model = model;
    this.table = new EventTable(model);
    // A replaced model may be shorter (a live page's window moved on).
    this.cursor = Math.max(0, Math.min(this.cursor, this.table.count - 1));
    if (this.selected !== undefined && this.selected >= this.table.count) this.selected = undefined;
    this.emit("model");
  }

  /**
   * A model of the same events with other checks or another verdict: the views draw neither, so
   * they keep their table and are not redrawn (a live page's checks come twice a second).
   */
  setModelSameEvents(model: ReportModel): void {
    if (model.eventCount !== this.table.count) return this.setModel(model);
    this.model = model;
  }

  select(event: number | undefined): void {
    this.selected = event;
    this.emit("selected");
    if (event !== undefined) this.setCursor(event);
  }

  setCursor(event: number): void {
    this.cursor = Math.max(0, Math.min(this.table.count - 1, event));
    this.emit("cursor");
  }

  laneLabel(lane: number): string {
    const l = this.model.lanes[lane];
    return l ? `${l.node}${l.gen ? ` #${l.gen}` : ""}` : "joinlab";
  }

  /** "+1.234 s" after the run's first entry. */
  timeLabel(event: number): string {
    return `+${((this.table.t[event] ?? 0) / 1e6).toFixed(3)} s`;
  }

  private emit(what: keyof PageState["listeners"]): void {
    for (const l of this.listeners[what]) l();
  }
}
