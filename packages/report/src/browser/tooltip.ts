// The full log entry of a mark, shown on hover (and kept on click until the next hover elsewhere).
import type { PageState } from "./page-state.js";

let pinned = false;

function box(): HTMLElement {
  return document.getElementById("tooltip")!;
}

export function describeEvent(state: PageState, i: number): string {
  const decoded = state.table.decode(i);
  const head = `${state.timeLabel(i)}  ${state.laneLabel(state.table.lane[i]!)}  (entry ${i})`;
  return `${head}\n${JSON.stringify(decoded, null, 2)}`;
}

export function showEventTooltip(state: PageState, i: number, x: number, y: number, pin = false): void {
  if (pinned && !pin) return;
  pinned = pin;
  const tip = box();
  tip.textContent = describeEvent(state, i);
  tip.dataset.event = String(i);
  tip.hidden = false;
  const w = tip.offsetWidth;
  const h = tip.offsetHeight;
  tip.style.left = `${Math.max(4, Math.min(window.innerWidth - w - 8, x + 14))}px`;
  tip.style.top = `${Math.max(4, Math.min(window.innerHeight - h - 8, y + 14))}px`;
}

export function hideTooltip(force = false): void {
  if (pinned && !force) return;
  pinned = false;
  box().hidden = true;
}
