// The n × n view matrix at one moment: row, the believer; column, about whom. A table up to 40
// lanes (each cell says its state, for people and tests), a canvas of 4-pixel cells above.
import { BELIEF_STATES } from "../model/types.js";
import { BELIEF_COLORS as COLORS } from "./belief-colors.js";
import type { PageState } from "./page-state.js";

const MATRIX_TABLE_MAX = 40;

/** The table each box shows: a redraw that would write the same table leaves it alone. */
const shownTables = new WeakMap<HTMLElement, string>();

export function drawViewMatrix(
  state: PageState,
  box: HTMLElement,
  order: readonly number[],
  at: number,
): void {
  const { model } = state;
  const n = model.lanes.length;
  const view = Array.from({ length: n }, () => new Int8Array(n).fill(-1));
  const b = model.beliefs;
  for (let j = 0; j < b.length && b[j]! <= at; j += 4)
    if (b[j + 2]! >= 0) view[b[j + 1]!]![b[j + 2]!] = b[j + 3]!;
  const up = model.lanes.map((l) => l.start <= at && (l.end ?? Infinity) > at);
  if (n > MATRIX_TABLE_MAX) return matrixCanvas(box, view, up);
  const head = order
    .map((s) => `<th scope="col" data-subject="${s}">${esc(state.laneLabel(s))}</th>`)
    .join("");
  const rows = order.map((o) => {
    const cells = order.map((s) => {
      if (s === o) return `<td class="self">–</td>`;
      const held = view[o]![s]!;
      const name = held >= 0 ? BELIEF_STATES[held]! : "unknown";
      const down = up[o] ? "" : " observer-down";
      return `<td class="${name}${down}" data-observer="${o}" data-subject="${s}" data-state="${name}" title="${esc(`${state.laneLabel(o)} believes ${state.laneLabel(s)} ${name}`)}">${name[0]!.toUpperCase()}</td>`;
    });
    return `<tr><th scope="row" class="${up[o] ? "" : "down"}">${esc(state.laneLabel(o))}</th>${cells.join("")}</tr>`;
  });
  const table = `<table><caption>row: what that node believes; column: about whom (A alive, S suspect, F failed, L left, U unknown)</caption><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
  if (shownTables.get(box) === table) return;
  shownTables.set(box, table);
  box.innerHTML = table;
}

function matrixCanvas(box: HTMLElement, view: Int8Array[], up: boolean[]): void {
  const n = view.length;
  const cell = 4;
  const c = document.createElement("canvas");
  c.width = n * cell;
  c.height = n * cell;
  const g = c.getContext("2d")!;
  for (let o = 0; o < n; o++)
    for (let s = 0; s < n; s++) {
      const state = view[o]![s]!;
      g.fillStyle = o === s ? "#fff" : state < 0 ? "#eee" : COLORS[BELIEF_STATES[state]!]!;
      if (!up[o]) g.globalAlpha = 0.3;
      g.fillRect(s * cell, o * cell, cell, cell);
      g.globalAlpha = 1;
    }
  shownTables.delete(box);
  box.replaceChildren(c);
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
