// Membership over time: for every node, what every other node believed about it (a strip per
// observer; one shaded strip per node above 24 lanes), under a strip of what really happened to it
// (up, paused, cut off, ended); and a scrubber that shows the n × n view matrix at one moment,
// synced with the diagram's cursor.
import { laneOrder } from "../model/lane-order.js";
import { BELIEF_STATES } from "../model/types.js";
import { element } from "./element.js";
import type { PageState } from "./page-state.js";
import { TimeAxis } from "./time-axis.js";
import { BELIEF_COLORS as COLORS } from "./belief-colors.js";
import { drawViewMatrix } from "./view-matrix.js";
import { watchWidth } from "./watch-width.js";
import { WhenShown } from "./when-shown.js";

const LABEL_W = 92;
const TRUTH_H = 5;
const OBS_H = 3;
const SMALL = 24;

const GROUP_COLORS = ["#7ea6e8", "#d9b45a", "#a996dc", "#84c896"];

export class MembershipView {
  private readonly canvas = element("canvas");
  private readonly cursorLine = element("div", "chart-cursor");
  private readonly scrubber = element("input", undefined, "scrubber");
  private readonly label = element("span");
  private readonly matrix = element("div", "view-matrix", "view-matrix");
  private axis!: TimeAxis;
  private order: number[] = [];
  /** The chart's width (watchWidth: not measured while drawing). */
  private width: number;
  /** Off screen, the chart and the matrix are redrawn only once they are shown again. */
  private readonly shown: WhenShown;

  constructor(
    private readonly state: PageState,
    root: HTMLElement,
  ) {
    const chartBox = element("div", "belief-chart");
    chartBox.append(this.canvas, this.cursorLine);
    const scrub = element("div", "scrubber");
    this.scrubber.type = "range";
    this.scrubber.min = "0";
    this.scrubber.setAttribute("aria-label", "moment of the run");
    // The view's own controls are answered at once, whatever else waits.
    this.scrubber.addEventListener("input", () => {
      state.setCursor(Number(this.scrubber.value));
      this.shown.flush();
    });
    scrub.append("view at ", this.label, this.scrubber);
    root.append(chartBox, scrub, this.matrix);
    this.canvas.addEventListener("click", (e) => this.pick(e));
    this.shown = new WhenShown(root);
    state.on("model", () => this.shown.run("model", () => this.redraw()));
    state.on("cursor", () => this.shown.run("cursor", () => this.showCursor()));
    this.width = watchWidth(chartBox, (width) => {
      this.width = width;
      // In the next frame: a redraw here, changing the box's height, would be a resize loop.
      requestAnimationFrame(() => this.shown.run("model", () => this.redraw()));
    });
    this.redraw();
  }

  private redraw(): void {
    const { table, model } = this.state;
    this.axis = new TimeAxis(table, "wall", TimeAxis.defaultScale(table));
    this.order = laneOrder(model);
    this.scrubber.max = String(Math.max(0, table.count - 1));
    this.drawChart();
    this.showCursor();
  }

  private chartWidth(): number {
    return Math.max(400, this.width || 900);
  }

  private xOf(i: number, width: number): number {
    return LABEL_W + ((this.axis.ys[i] ?? 0) / this.axis.total) * (width - LABEL_W - 4);
  }

  private drawChart(): void {
    const n = this.order.length;
    const small = n <= SMALL;
    const rowH = TRUTH_H + (small ? Math.max(1, n - 1) * OBS_H : 7) + (small ? 6 : 2);
    const width = this.chartWidth();
    const height = Math.max(20, n * rowH + 4);
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = width * ratio;
    this.canvas.height = height * ratio;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const g = this.canvas.getContext("2d");
    if (!g) return;
    g.scale(ratio, ratio);
    g.font = "11px system-ui, sans-serif";
    this.order.forEach((subject, row) => {
      const y = row * rowH + 2;
      g.fillStyle = "#222";
      if (small || row % 4 === 0) g.fillText(this.state.laneLabel(subject), 2, y + (small ? 9 : 11));
      this.truthStrip(g, subject, y, width);
      this.networkBands(g, subject, y, width);
      if (small) this.observerStrips(g, subject, y + TRUTH_H + 1, width);
      else this.aggregateStrip(g, subject, y + TRUTH_H + 1, width);
    });
  }

  private truthStrip(g: CanvasRenderingContext2D, lane: number, y: number, width: number): void {
    const { model, table } = this.state;
    const l = model.lanes[lane]!;
    const end = l.end ?? table.count - 1;
    g.fillStyle = COLORS.up!;
    g.fillRect(
      this.xOf(l.start, width),
      y,
      Math.max(1, this.xOf(end, width) - this.xOf(l.start, width)),
      TRUTH_H,
    );
    for (const f of model.faults) {
      if (f.lane !== lane || (f.kind !== "pause" && f.kind !== "disconnect")) continue;
      g.fillStyle = COLORS[f.kind === "pause" ? "pause" : "cut"]!;
      this.band(g, f.event, f.heal ?? table.count - 1, y, width);
    }
  }

  /** A band over a truth strip from one event to another (at least 2 px wide, so it shows). */
  private band(g: CanvasRenderingContext2D, from: number, to: number, y: number, width: number): void {
    const x = this.xOf(from, width);
    g.fillRect(x, y - 1, Math.max(2, this.xOf(to, width) - x), TRUTH_H + 2);
  }

  /** A network fault over the node's truth strip: its partition group's tint, a deaf or lossy band. */
  private networkBands(g: CanvasRenderingContext2D, lane: number, y: number, width: number): void {
    const { model, table } = this.state;
    const node = model.lanes[lane]!.node;
    for (const w of model.network ?? []) {
      const group = w.groups.findIndex((members) => members.includes(node));
      if (group < 0 || (w.kind === "one-way" && group === 0)) continue;
      g.fillStyle =
        w.kind === "partition" ? (GROUP_COLORS[group % GROUP_COLORS.length] ?? COLORS.cut!) : COLORS.cut!;
      this.band(g, w.event, w.heal ?? table.count - 1, y, width);
    }
  }

  private observerStrips(g: CanvasRenderingContext2D, subject: number, y: number, width: number): void {
    const { model, table } = this.state;
    const b = model.beliefs;
    const observers = this.order.filter((o) => o !== subject);
    observers.forEach((o, k) => {
      const oy = y + k * OBS_H;
      const endOf = model.lanes[o]!.end ?? table.count - 1;
      let from = -1;
      let state = -1;
      const flush = (to: number) => {
        if (state < 0) return;
        g.fillStyle = COLORS[BELIEF_STATES[state]!]!;
        g.fillRect(
          this.xOf(from, width),
          oy,
          Math.max(1, this.xOf(to, width) - this.xOf(from, width)),
          OBS_H - 1,
        );
      };
      for (let j = 0; j < b.length; j += 4) {
        if (b[j + 1] !== o || b[j + 2] !== subject) continue;
        flush(b[j]!);
        from = b[j]!;
        state = b[j + 3]!;
      }
      flush(endOf);
    });
  }

  /** Above SMALL lanes: per pixel column, the share of observers holding the node not alive. */
  private aggregateStrip(g: CanvasRenderingContext2D, subject: number, y: number, width: number): void {
    const { model } = this.state;
    const b = model.beliefs;
    const held = new Map<number, number>();
    let notAlive = 0;
    let lastX = LABEL_W;
    const paint = (x: number) => {
      if (held.size === 0) return;
      const share = notAlive / held.size;
      g.fillStyle = share === 0 ? COLORS.alive! : `rgba(210,60,60,${0.25 + 0.75 * share})`;
      g.fillRect(lastX, y, Math.max(1, x - lastX), 7);
    };
    for (let j = 0; j < b.length; j += 4) {
      if (b[j + 2] !== subject) continue;
      const x = this.xOf(b[j]!, width);
      if (x > lastX + 0.5) {
        paint(x);
        lastX = x;
      }
      const before = held.get(b[j + 1]!);
      if (before !== undefined && before !== 0) notAlive--;
      held.set(b[j + 1]!, b[j + 3]!);
      if (b[j + 3] !== 0) notAlive++;
    }
    paint(width - 4);
  }

  private pick(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const width = rect.width;
    const share = (e.clientX - rect.left - LABEL_W) / (width - LABEL_W - 4);
    const i = this.axis.indexAt(Math.max(0, share) * this.axis.total);
    this.state.setCursor(i);
    this.shown.flush();
  }

  private showCursor(): void {
    const i = this.state.cursor;
    this.scrubber.value = String(i);
    this.label.textContent = `${this.state.timeLabel(i)} (${this.state.table.eventName(i) || "entry"} on ${this.state.laneLabel(this.state.table.lane[i]!)})`;
    const width = this.chartWidth();
    this.cursorLine.style.left = `${this.xOf(i, width)}px`;
    drawViewMatrix(this.state, this.matrix, this.order, i);
  }
}
