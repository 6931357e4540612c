// The merged log, filterable by node and by event pattern (`join.*`, `member.failed`, or /regex/
// over the whole line), drawn as a window of rows over the filtered list; a click on a line shows
// its mark in the diagram.
import { element } from "./element.js";
import type { PageState } from "./page-state.js";
import { WhenShown } from "./when-shown.js";

const ROW_H = 18;

export class LogView {
  private readonly list = element("div", "log-list", "log-list");
  private readonly rows = element("div", "log-rows");
  private readonly pattern = element("input", undefined, "log-pattern");
  private readonly count = element("span");
  private readonly nodeBox = element("div", "node-filter");
  private visible: number[] = [];
  private text: string[] = [];
  /** The nodes the filter's boxes are for, one per line. */
  private boxesFor: string | undefined;
  /**
   * What `visible` was filtered from: the model's event list and how many of its entries. A live
   * page's model grows by appending to the same list, so a new batch is filtered on its own.
   */
  private filtered: { events: readonly number[]; count: number; t0: number } | undefined;
  /** Off screen, the rows are drawn only once they are shown again (the count is always current). */
  private readonly shown: WhenShown;

  constructor(
    private readonly state: PageState,
    root: HTMLElement,
    private readonly onPick: (event: number) => void,
  ) {
    const controls = element("div", "controls log-controls");
    this.pattern.type = "search";
    this.pattern.placeholder = "event pattern: join.*  member.failed  /regex/";
    this.pattern.addEventListener("input", () => this.filter(true));
    controls.append(this.pattern, this.nodeBox, this.count);
    this.list.append(this.rows);
    root.append(controls, this.list);
    this.shown = new WhenShown(this.list);
    this.list.addEventListener("scroll", () => this.draw(), { passive: true });
    this.list.addEventListener("click", (e) => {
      const row = (e.target as Element).closest("[data-event]");
      if (row) this.onPick(Number(row.getAttribute("data-event")));
    });
    state.on("model", () => this.rebuild());
    state.on("selected", () => this.revealSelected());
    this.rebuild();
  }

  private rebuild(): void {
    const nodes = [...new Set(this.state.model.lanes.map((l) => l.node))];
    // A live page's model changes with every batch, its nodes rarely: the boxes stay when they are the same.
    const sameNodes = nodes.join("\n") === this.boxesFor;
    if (!sameNodes) this.rebuildNodeBoxes(nodes);
    const { model } = this.state;
    const f = this.filtered;
    // Entries appended to the same list, with the same lanes and start: the earlier ones' lines and
    // whether they pass the filter are as they were.
    if (sameNodes && f && f.events === model.events && f.count <= model.eventCount && f.t0 === model.t0)
      this.filterFrom(f.count, false);
    else {
      this.text = [];
      this.filter(false);
    }
  }

  private rebuildNodeBoxes(nodes: string[]): void {
    this.boxesFor = nodes.join("\n");
    // A model that grows (a live page) keeps what a person unticked.
    const unticked = new Set(
      [...this.nodeBox.querySelectorAll("input")].filter((i) => !i.checked).map((i) => i.value),
    );
    const boxes = ["joinlab", ...nodes].map((node) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = !unticked.has(node);
      input.value = node;
      input.addEventListener("change", () => this.filter(true));
      label.append(input, ` ${node}`);
      return label;
    });
    this.nodeBox.replaceChildren(...boxes);
  }

  /** The merged log's line for entry i, as merged.log writes it (time, [node], event, peer, message). */
  private lineOf(i: number): string {
    const cached = this.text[i];
    if (cached !== undefined) return cached;
    const t = this.state.table;
    const d = t.decode(i);
    const lane = t.lane[i]!;
    const who = t.kind[i] === 2 ? "joinlab" : this.state.laneLabel(lane);
    const clock = new Date(t.absoluteMicros(i) / 1000).toISOString().slice(11, 23);
    const peer = typeof d.peer === "string" ? ` ${d.peer}` : "";
    const peerId = typeof d.peerId === "number" ? ` (id ${d.peerId})` : "";
    const name = t.kind[i] === 1 ? `(${t.eventName(i)})` : t.eventName(i);
    const body = t.kind[i] === 1 ? String(d.text ?? "") : String(d.message ?? "");
    const target = t.kind[i] === 2 && typeof d.node === "string" ? ` ${d.node}` : "";
    return (this.text[i] = `${clock} [${who}] ${name}${target}${peer}${peerId}  ${body}`);
  }

  /** Filters every entry again; `asked` when a person changed the filter (the rows are drawn at once). */
  private filter(asked = true): void {
    this.visible = [];
    this.filterFrom(0, asked);
  }

  /** Filters the entries from `first` on, after those already in `visible`. */
  private filterFrom(first: number, asked: boolean): void {
    const t = this.state.table;
    const nodes = new Set(
      [...this.nodeBox.querySelectorAll("input")].filter((i) => i.checked).map((i) => i.value),
    );
    const test = matcher(this.pattern.value.trim());
    for (let i = first; i < t.count; i++) {
      const lane = t.lane[i]!;
      const node = t.kind[i] === 2 ? "joinlab" : (this.state.model.lanes[lane]?.node ?? "joinlab");
      if (!nodes.has(node)) continue;
      if (test && !test(t.eventName(i), () => this.lineOf(i))) continue;
      this.visible.push(i);
    }
    this.count.textContent = `${this.visible.length} of ${t.count} entries`;
    this.filtered = { events: this.state.model.events, count: t.count, t0: this.state.model.t0 };
    this.rows.style.height = `${this.visible.length * ROW_H}px`;
    if (asked) this.draw();
    else this.shown.run("rows", () => this.draw());
  }

  private draw(): void {
    const from = Math.floor(this.list.scrollTop / ROW_H);
    const to = Math.min(this.visible.length, from + Math.ceil((this.list.clientHeight || 400) / ROW_H) + 2);
    const out: HTMLElement[] = [];
    for (let k = from; k < to; k++) {
      const i = this.visible[k]!;
      const row = document.createElement("div");
      row.className = `log-line${this.state.selected === i ? " selected" : ""}`;
      row.dataset.event = String(i);
      row.style.top = `${k * ROW_H}px`;
      row.textContent = this.lineOf(i);
      out.push(row);
    }
    this.rows.replaceChildren(...out);
  }

  private revealSelected(): void {
    const i = this.state.selected;
    const k = i === undefined ? -1 : this.visible.indexOf(i);
    if (k >= 0) {
      const y = k * ROW_H;
      if (y < this.list.scrollTop || y > this.list.scrollTop + this.list.clientHeight - ROW_H)
        this.list.scrollTop = Math.max(0, y - this.list.clientHeight / 2);
    }
    this.draw();
  }
}

/** `join.*` matches event names by prefix, a plain word exactly or as part, `/re/` the whole line. */
function matcher(pattern: string): ((event: string, line: () => string) => boolean) | undefined {
  if (!pattern) return undefined;
  const re = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (re) {
    try {
      const r = new RegExp(re[1]!, re[2]!.replace("g", ""));
      return (_e, line) => r.test(line());
    } catch {
      return () => false;
    }
  }
  const parts = pattern.split(/[\s,]+/).filter(Boolean);
  return (event) =>
    parts.some((p) =>
      p.endsWith("*") ? event.startsWith(p.slice(0, -1)) : event === p || event.includes(p),
    );
}
