// The space-time diagram: lane heads pinned at the top, time down the page, and one SVG the size
// of the screen that is redrawn from the model on every scroll (only what is on screen is drawn,
// so a 128-node, 50,000-event run scrolls like a small one). The marks are placed in the run's own
// coordinates and the layer holding them is shifted to the screen, so a redraw keeps every mark
// that did not change (mark-layer.ts).
import { laneOrder } from "../model/lane-order.js";
import { drawMarks, type Frame } from "./diagram-marks.js";
import { MarkLayer } from "./mark-layer.js";
import type { PageState } from "./page-state.js";
import { TimeAxis, type AxisMode } from "./time-axis.js";
import { showEventTooltip, hideTooltip } from "./tooltip.js";
import { watchWidth } from "./watch-width.js";

const GUTTER = 78;
const HEAD_H = 58;
const SVG_DEFS = `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="hatch-bg" width="6" height="6"/><line class="hatch-line" x1="0" y1="0" x2="0" y2="6"/></pattern><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow-head" d="M0 0L10 5L0 10z"/></marker></defs>`;

export class Diagram {
  private mode: AxisMode = "wall";
  private scale: number;
  private axis!: TimeAxis;
  private x = new Float64Array(0);
  private laneW = 40;
  private showEdges = true;
  private readonly heads: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly svg: SVGSVGElement;
  private readonly layer: MarkLayer;
  private readonly gutter: HTMLDivElement;
  private frameRequested = false;
  /**
   * The cursor moved: the next draw scrolls to it. Not at once: reading the scroll box's size then
   * would lay the page out in the middle of a live batch's changes, and again for the frame.
   */
  private followCursor = false;
  /** What the lane heads show (a live batch rarely changes them: they are rebuilt when it does). */
  private headsFor = "";
  /** The diagram box's clientWidth. */
  private width = 0;
  /** The time labels drawn last. */
  private labelsFor = "";

  constructor(
    private readonly state: PageState,
    private readonly root: HTMLElement,
    controls: HTMLElement,
  ) {
    this.scale = TimeAxis.defaultScale(state.table);
    this.heads = el("div", "lane-heads");
    this.spacer = el("div", "diagram-spacer");
    this.gutter = el("div", "time-gutter");
    this.svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.svg.classList.add("marks");
    this.svg.innerHTML = SVG_DEFS;
    const layer = document.createElementNS("http://www.w3.org/2000/svg", "g");
    this.svg.append(layer);
    this.layer = new MarkLayer(layer);
    this.spacer.append(this.svg, this.gutter);
    root.append(this.heads, this.spacer);
    this.controls(controls);
    // The lanes' width follows the box's.
    this.width = watchWidth(root, (width) => {
      this.width = width;
      this.layout();
      this.requestDraw();
    });
    this.layout();
    root.addEventListener("scroll", () => this.requestDraw(), { passive: true });
    this.pointer();
    state.on("model", () => (this.layout(), this.requestDraw()));
    state.on("selected", () => this.requestDraw());
    state.on("cursor", () => ((this.followCursor = true), this.requestDraw()));
    this.draw();
  }

  /** Scrolls so that event i is in view (a third from the top). */
  reveal(i: number): void {
    const y = this.axis.ys[i];
    if (y === undefined) return;
    const lane = this.state.table.lane[i]!;
    this.root.scrollTop = Math.max(0, y - this.root.clientHeight / 3);
    if (lane >= 0) this.root.scrollLeft = Math.max(0, this.x[lane]! - this.root.clientWidth / 2);
    this.draw();
  }

  /** The scrubber moves the diagram with it: a moment off screen is scrolled to. */
  private keepInView(i: number): void {
    const y = this.axis.ys[i];
    if (y === undefined) return;
    const top = this.root.scrollTop;
    const visible = y + HEAD_H >= top + HEAD_H && y + HEAD_H <= top + this.root.clientHeight;
    if (!visible) this.root.scrollTop = Math.max(0, y - this.root.clientHeight / 3);
  }

  private controls(box: HTMLElement): void {
    const mode = button("event order", () => {
      this.mode = this.mode === "wall" ? "order" : "wall";
      mode.textContent = this.mode === "wall" ? "event order" : "wall clock";
      this.relayoutKeeping();
    });
    mode.dataset.control = "mode";
    const zoomIn = button("zoom in", () => ((this.scale *= 2), this.relayoutKeeping()));
    const zoomOut = button("zoom out", () => ((this.scale /= 2), this.relayoutKeeping()));
    const edges = document.createElement("label");
    const check = document.createElement("input");
    check.type = "checkbox";
    check.checked = true;
    check.addEventListener("change", () => ((this.showEdges = check.checked), this.draw()));
    edges.append(check, " gossip: how each node first learned each change");
    const legend = el("span", "legend");
    legend.innerHTML =
      '<i class="k join"></i>join <i class="k alive"></i>alive <i class="k suspect"></i>suspect <i class="k failed"></i>failed <i class="k left"></i>left <i class="k master"></i>master <i class="k fault"></i>fault <i class="k error"></i>error';
    box.append(mode, zoomIn, zoomOut, edges, legend);
  }

  private relayoutKeeping(): void {
    const at = this.axis.indexAt(this.root.scrollTop + this.root.clientHeight / 3);
    this.layout();
    const y = this.axis.ys[Math.min(at, this.axis.ys.length - 1)];
    if (y !== undefined) this.root.scrollTop = Math.max(0, y - this.root.clientHeight / 3);
    this.draw();
  }

  private layout(): void {
    const { model, table } = this.state;
    this.axis = new TimeAxis(table, this.mode, this.scale);
    const order = laneOrder(model);
    const width = Math.max(320, this.width - GUTTER - 8);
    this.laneW = Math.max(30, Math.min(220, Math.floor(width / Math.max(1, order.length))));
    this.x = new Float64Array(model.lanes.length);
    order.forEach((lane, slot) => (this.x[lane] = GUTTER + slot * this.laneW + this.laneW / 2));
    const total = GUTTER + order.length * this.laneW + 40;
    this.spacer.style.height = `${this.axis.total}px`;
    this.root.style.height = `min(72vh, ${Math.ceil(this.axis.total + HEAD_H + 24)}px)`;
    this.spacer.style.width = `${total}px`;
    this.heads.style.width = `${total}px`;
    const key = JSON.stringify([this.laneW, order.map((lane) => this.headOf(lane))]);
    if (key === this.headsFor) return;
    this.headsFor = key;
    this.heads.replaceChildren(...order.map((lane) => this.head(lane)));
  }

  /** What lane `lane`'s head shows, in slot order. */
  private headOf(lane: number): unknown[] {
    const l = this.state.model.lanes[lane]!;
    const spec = this.state.model.nodes.find((n) => n.name === l.node);
    return [
      lane,
      this.x[lane],
      this.state.laneLabel(lane),
      l.ids,
      l.id,
      l.port,
      l.advertise,
      l.clusterip,
      l.role,
      spec,
    ];
  }

  private head(lane: number): HTMLElement {
    const l = this.state.model.lanes[lane]!;
    const spec = this.state.model.nodes.find((n) => n.name === l.node);
    const h = el("div", "lane-head");
    h.id = `lane-${lane}`;
    h.dataset.lane = String(lane);
    h.style.left = `${this.x[lane]! - this.laneW / 2}px`;
    h.style.width = `${this.laneW}px`;
    const port = l.port ?? spec?.port;
    const address = spec?.address ?? (l.advertise && port ? `${l.advertise}:${port}` : undefined);
    h.title = [
      `${this.state.laneLabel(lane)}`,
      l.ids.length ? `id ${l.ids.join(" → ")}` : "",
      port ? `port ${port}` : "",
      address ? `address ${address}` : "",
      l.clusterip ? `joins through ${l.clusterip}` : "",
      l.role ? `role ${l.role}` : "",
    ]
      .filter(Boolean)
      .join("\n");
    h.innerHTML = `<b></b><span class="id"></span><span class="port"></span><span class="via"></span>`;
    const [name, id, portEl, via] = [...h.children] as HTMLElement[];
    name!.textContent = this.state.laneLabel(lane);
    id!.textContent = l.id !== undefined ? `id ${l.id}` : "";
    portEl!.textContent = address ?? (port ? `port ${port}` : "");
    via!.textContent = l.clusterip ? `via ${l.clusterip}` : "";
    return h;
  }

  private requestDraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.draw();
    });
  }

  private draw(): void {
    if (this.followCursor) {
      this.followCursor = false;
      this.keepInView(this.state.cursor);
    }
    const view = this.root.clientHeight || 600;
    const top = Math.max(0, this.root.scrollTop - HEAD_H - view / 2);
    const bottom = this.root.scrollTop + view * 1.5;
    const left = this.root.scrollLeft;
    const right = left + (this.root.clientWidth || 1000);
    const frame: Frame = {
      axis: this.axis,
      x: this.x,
      laneW: this.laneW,
      top,
      bottom,
      left,
      right,
      showEdges: this.showEdges,
    };
    this.svg.style.top = `${top}px`;
    this.svg.setAttribute("height", String(bottom - top));
    this.svg.setAttribute("width", this.spacer.style.width.replace("px", ""));
    this.layer.root.setAttribute("transform", `translate(0 ${-top})`);
    const marks = drawMarks(this.state, frame);
    const cursor = this.cursorLine();
    if (cursor) marks.push(cursor);
    this.layer.update(marks);
    this.timeLabels(top, bottom, left);
  }

  private cursorLine(): string {
    const y = this.axis.ys[this.state.cursor];
    if (y === undefined) return "";
    return `<line class="cursor" x1="0" x2="${this.spacer.style.width.replace("px", "")}" y1="${y}" y2="${y}"/>`;
  }

  /** `left`: the diagram's scrollLeft, read before this draw changed anything (read now, it would lay the page out again). */
  private timeLabels(top: number, bottom: number, left: number): void {
    const labels: HTMLElement[] = [];
    let lastY = -Infinity;
    let key = "";
    for (let i = this.axis.indexAt(top); i < this.axis.ys.length && this.axis.ys[i]! <= bottom; i++) {
      const y = this.axis.ys[i]!;
      if (y - lastY < 60) continue;
      lastY = y;
      const label = el("div", "time-label");
      label.style.top = `${y - 7}px`;
      label.textContent = this.state.timeLabel(i);
      key += `${y} ${label.textContent}\n`;
      labels.push(label);
    }
    this.gutter.style.left = `${left}px`;
    if (key === this.labelsFor) return;
    this.labelsFor = key;
    this.gutter.replaceChildren(...labels);
  }

  private pointer(): void {
    const eventOf = (target: EventTarget | null): number | undefined => {
      const mark = (target as Element | null)?.closest?.("[data-event]");
      const v = mark?.getAttribute("data-event");
      return v ? Number(v) : undefined;
    };
    this.svg.addEventListener("mouseover", (e) => {
      const i = eventOf(e.target);
      if (i === undefined) return hideTooltip();
      showEventTooltip(this.state, i, e.clientX, e.clientY);
    });
    this.svg.addEventListener("mouseleave", () => hideTooltip());
    this.svg.addEventListener("click", (e) => {
      const i =
        eventOf(e.target) ??
        this.axis.indexAt(this.root.scrollTop + (e.clientY - this.root.getBoundingClientRect().top) - HEAD_H);
      this.state.select(Math.min(i, this.state.table.count - 1));
      const picked = eventOf(e.target);
      if (picked !== undefined) showEventTooltip(this.state, picked, e.clientX, e.clientY, true);
    });
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  return e;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}
