// Where each event sits down the page. Wall clock: y follows the timestamps, and an idle gap that
// would take more than a screenful of nothing is compressed to a marked band. Event order: one row
// per event, for bursts whose events share a millisecond.
import type { EventTable } from "../model/event-table.js";

export type AxisMode = "wall" | "order";

export interface IdleGap {
  y: number;
  height: number;
  ms: number;
  /** The event after the gap. */
  before: number;
}

export const TOP_PAD = 12;
export const GAP_PX = 34;
export const ROW_PX = 16;
/** A gap is compressed when it is this long and would take more than GAP_MIN_PX at the scale. */
const GAP_MIN_MS = 250;
const GAP_MIN_PX = 90;

export class TimeAxis {
  readonly ys: Float64Array;
  readonly gaps: IdleGap[] = [];
  readonly total: number;

  constructor(
    table: EventTable,
    readonly mode: AxisMode,
    readonly pxPerMs: number,
  ) {
    const n = table.count;
    this.ys = new Float64Array(n);
    let y = TOP_PAD;
    let last = n ? table.t[0]! : 0;
    const gapMs = Math.max(GAP_MIN_MS, GAP_MIN_PX / pxPerMs);
    for (let i = 0; i < n; i++) {
      if (mode === "order") y = TOP_PAD + i * ROW_PX;
      else {
        const t = Math.max(last, table.t[i]!);
        const dtMs = (t - last) / 1000;
        if (dtMs > gapMs) {
          this.gaps.push({ y: y + 4, height: GAP_PX - 8, ms: dtMs, before: i });
          y += GAP_PX;
        } else y += dtMs * pxPerMs;
        last = t;
      }
      this.ys[i] = y;
    }
    this.total = y + TOP_PAD * 4;
  }

  /** The first event at or below y. */
  indexAt(y: number): number {
    let lo = 0;
    let hi = this.ys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ys[mid]! < y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A scale that gives the run a readable height: about 7 px per event, within bounds. */
  static defaultScale(table: EventTable): number {
    const n = table.count;
    if (n < 2) return 1;
    let active = 0;
    for (let i = 1; i < n; i++) {
      const dt = Math.max(0, table.t[i]! - table.t[i - 1]!) / 1000;
      if (dt <= GAP_MIN_MS) active += dt;
    }
    const target = Math.min(60_000, Math.max(600, n * 7));
    return Math.min(50, Math.max(0.02, target / Math.max(1, active)));
  }
}
