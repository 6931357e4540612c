// The diagram's marks for the part of the run on screen, as SVG text: lanes and their ends,
// fault windows (a pause hatched, a cut shaded), idle gaps, handshake arrows, gossip edges,
// elections and one dot per event. Every mark carries data-event so hover and click find its entry.
import { KIND_LINE, KIND_ORCHESTRATOR } from "../model/event-codec.js";
import type { PageState } from "./page-state.js";
import { drawNetworkFaults } from "./network-marks.js";
import type { TimeAxis } from "./time-axis.js";

export interface Frame {
  axis: TimeAxis;
  /** Lane → x of its centre line. */
  x: Float64Array;
  laneW: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
  showEdges: boolean;
}

/** One drawing of the marks: the page, the window on screen, and the SVG text being written. */
export interface Pass {
  state: PageState;
  f: Frame;
  /** Event → its y on the diagram (from the top of the run, not of the window: a mark's text
   * does not change as the page scrolls, so a redraw keeps it). */
  y: (i: number) => number;
  /** The event's row is on screen. */
  visible: (i: number) => boolean;
  out: string[];
}

const MAX_EDGES = 1500;
const MAX_DOTS = 6000;

export function categoryOf(name: string): string {
  if (name.startsWith("join.")) return name === "join.failed" ? "error" : "join";
  if (name.startsWith("member.")) return name.slice(7);
  if (name.startsWith("master.")) return "master";
  if (name.startsWith("fault.")) return "fault";
  if (name === "protocol.error" || name === "node.fatal" || name === "node.quitting") return "error";
  if (name === "stdout" || name === "stderr") return "raw";
  return "node";
}

export const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
export const r1 = (v: number) => Math.round(v * 10) / 10;

/** The marks on screen, each one SVG element's text, in painting order. */
export function drawMarks(state: PageState, f: Frame): string[] {
  const y = (i: number) => r1(f.axis.ys[i]!);
  const visible = (i: number) => f.axis.ys[i]! >= f.top && f.axis.ys[i]! <= f.bottom;
  const pass: Pass = { state, f, y, visible, out: [] };
  gaps(pass);
  drawNetworkFaults(pass);
  lanes(pass);
  faults(pass);
  if (f.showEdges) edges(pass);
  handshakes(pass);
  dots(pass);
  elections(pass);
  return pass.out;
}

function gaps({ f, out }: Pass): void {
  for (const g of f.axis.gaps) {
    if (g.y + g.height < f.top || g.y > f.bottom) continue;
    const gy = r1(g.y);
    out.push(
      `<g class="idle-gap"><rect x="${f.left}" y="${gy}" width="${f.right - f.left}" height="${g.height}"/><text x="${f.left + 8}" y="${gy + g.height / 2 + 4}">⋯ ${(g.ms / 1000).toFixed(2)} s idle ⋯</text></g>`,
    );
  }
}

export function inX(f: Frame, lane: number): boolean {
  const x = f.x[lane]!;
  return x >= f.left - f.laneW && x <= f.right + f.laneW;
}

function lanes({ state, f, y, out }: Pass): void {
  const last = state.table.count - 1;
  state.model.lanes.forEach((lane, i) => {
    if (!inX(f, i)) return;
    const from = y(lane.start);
    const to = lane.end !== undefined ? y(lane.end) : y(last) + 20;
    if (to < f.top || from > f.bottom) return;
    const x = f.x[i]!;
    out.push(`<line class="lane-line" data-lane="${i}" x1="${x}" y1="${from}" x2="${x}" y2="${to}"/>`);
    if (lane.end === undefined || !lane.endKind) return;
    const e = lane.end;
    const kind = lane.endKind;
    const shape =
      kind === "kill"
        ? `<path d="M${x - 6} ${to - 6}L${x + 6} ${to + 6}M${x + 6} ${to - 6}L${x - 6} ${to + 6}"/>`
        : kind === "restart"
          ? `<circle cx="${x}" cy="${to}" r="5"/>`
          : `<path d="M${x - 6} ${to}H${x + 6}"/>`;
    out.push(
      `<g class="lane-end ${kind}" data-lane="${i}" data-event="${e}">${shape}<text x="${x + 8}" y="${to + 4}">${kind}</text></g>`,
    );
  });
}

function faults({ state, f, y, out }: Pass): void {
  const last = state.table.count - 1;
  const labels: string[] = []; // after every window, so a neighbour's shading hides none
  for (const w of state.model.faults) {
    if (w.lane === undefined || !inX(f, w.lane)) continue;
    const x = f.x[w.lane]!;
    const from = y(w.event);
    const windowed = w.kind === "pause" || w.kind === "disconnect";
    const to = windowed ? (w.heal !== undefined ? y(w.heal) : y(last)) : from;
    if (to < f.top - 20 || from > f.bottom + 20) continue;
    const half = f.laneW / 2 - 2;
    if (windowed) {
      const cls = w.kind === "pause" ? "fault-pause" : "fault-cut";
      const fill = w.kind === "pause" ? ` fill="url(#hatch)"` : "";
      const heal = w.heal !== undefined ? ` data-heal="${w.heal}"` : "";
      out.push(
        `<rect class="fault-window ${cls}" data-lane="${w.lane}" data-event="${w.event}"${heal} x="${r1(x - half)}" y="${from}" width="${r1(2 * half)}" height="${r1(Math.max(2, to - from))}"${fill}/>`,
      );
    }
    // A kill or restart ends the lane right here, and the lane's end says so.
    if (w.kind === "kill" || w.kind === "restart") continue;
    const dur =
      windowed && w.heal !== undefined
        ? ` ${((state.table.t[w.heal]! - state.table.t[w.event]!) / 1e6).toFixed(2)} s`
        : "";
    labels.push(
      `<text class="fault-label" data-event="${w.event}" x="${r1(x + half + 3)}" y="${from + 4}">${esc(w.kind)}${dur}</text>`,
    );
  }
  out.push(...labels);
}

function handshakes({ state, f, y, out }: Pass): void {
  const hs = state.model.handshakes;
  hs.forEach((h, k) => {
    const ends = [h.requestSent, h.requestReceived, h.responseSent, h.responseReceived, h.failed].filter(
      (e): e is number => e !== undefined,
    );
    const top = Math.min(...ends.map(y));
    const bottom = Math.max(...ends.map(y));
    if (bottom < f.top - 20 || top > f.bottom + 20) return;
    const j = f.x[h.joiner]!;
    const parts: string[] = [];
    if (h.responder !== undefined && h.requestReceived !== undefined) {
      const r = f.x[h.responder]!;
      parts.push(
        `<path class="request" marker-end="url(#arrow)" d="M${j} ${y(h.requestSent)}L${r} ${y(h.requestReceived)}"/>`,
      );
      if (h.responseSent !== undefined && h.responseReceived !== undefined)
        parts.push(
          `<path class="response" marker-end="url(#arrow)" d="M${r} ${y(h.responseSent)}L${j} ${y(h.responseReceived)}"/>`,
        );
    }
    if (h.failed !== undefined)
      parts.push(`<path class="failed" d="M${j} ${y(h.requestSent)}l${f.laneW / 2} 0"/>`);
    const responder = h.responder !== undefined ? ` data-responder="${h.responder}"` : "";
    const outcome =
      h.responseReceived !== undefined ? "answered" : h.failed !== undefined ? "failed" : "pending";
    out.push(
      `<g class="handshake ${outcome}" data-handshake="${k}" data-joiner="${h.joiner}"${responder} data-event="${h.requestSent}">${parts.join("")}</g>`,
    );
  });
}

function edges({ state, f, y, out }: Pass): void {
  const e = state.model.edges;
  const i0 = f.axis.indexAt(f.top);
  const i1 = f.axis.indexAt(f.bottom);
  let drawn = 0;
  for (let k = 0; k < e.length && drawn < MAX_EDGES; k += 3) {
    const to = e[k]!;
    if (to < i0 || to > i1) continue;
    const from = e[k + 2]! >= 0 ? e[k + 2]! : to;
    const observer = state.table.lane[to]!;
    const source = e[k + 1]!;
    if (!inX(f, observer) && !inX(f, source)) continue;
    out.push(
      `<path class="edge" data-event="${to}" d="M${f.x[source]} ${y(from)}L${f.x[observer]} ${y(to)}"/>`,
    );
    drawn++;
  }
}

function dots({ state, f, y, visible, out }: Pass): void {
  const t = state.table;
  const i0 = f.axis.indexAt(f.top);
  let drawn = 0;
  for (let i = i0; i < t.count && visible(i) && drawn < MAX_DOTS; i++) {
    const lane = t.lane[i]!;
    const name = t.eventName(i);
    if (t.kind[i] === KIND_ORCHESTRATOR && !name.startsWith("fault.")) continue;
    if (lane < 0 || !inX(f, lane)) continue;
    const cls = categoryOf(name);
    const selected = state.selected === i ? " selected" : "";
    const r = t.kind[i] === KIND_LINE ? 3.2 : 4;
    out.push(
      `<circle class="ev ${cls}${selected}" data-event="${i}" cx="${f.x[lane]}" cy="${y(i)}" r="${r}"/>`,
    );
    drawn++;
  }
}

function elections({ state, f, y, visible, out }: Pass): void {
  const m = state.model.masters;
  for (let k = 0; k < m.length; k += 3) {
    const [i, lane, master] = [m[k]!, m[k + 1]!, m[k + 2]!];
    if (lane !== master || !visible(i) || !inX(f, lane)) continue;
    const change = state.table.field(i, "change");
    const label =
      state.table.eventName(i) === "master.started"
        ? "master"
        : change === "promoted"
          ? "elected master"
          : "master";
    const x = f.x[lane]!;
    out.push(
      `<g class="election" data-lane="${lane}" data-event="${i}"><path d="M${x - 7} ${y(i) - 4}l3.5 -6 3.5 4 3.5 -4 3.5 6z"/><text x="${x + 9}" y="${y(i) - 4}">★ ${label}</text></g>`,
    );
  }
}
