// Network faults in the diagram: each group of a partition tinted apart on its lanes, a one-way
// cut's deaf side shaded, lossy or slowed nodes marked; one label naming the groups.
import { esc, inX, r1, type Pass } from "./diagram-marks.js";
import type { PageState } from "./page-state.js";

/** Network faults: each group of a partition tinted apart, a one-way cut's deaf side, lossy nodes. */
export function drawNetworkFaults({ state, f, y, out }: Pass): void {
  const last = state.table.count - 1;
  const half = f.laneW / 2 - 1;
  for (const w of state.model.network ?? []) {
    const from = y(w.event);
    const to = y(w.heal ?? last);
    if (to < f.top - 20 || from > f.bottom + 20) continue;
    let labelX: number | undefined;
    w.groups.forEach((group, g) => {
      for (const node of group) {
        for (const lane of lanesOf(state, node, w.event, w.heal ?? last)) {
          if (!inX(f, lane)) continue;
          const x = f.x[lane]!;
          labelX ??= x;
          const cls =
            w.kind === "partition"
              ? `net-group-${g % 4}`
              : w.kind === "one-way"
                ? g === 0
                  ? "net-sends"
                  : "net-deaf"
                : "net-lossy";
          out.push(
            `<rect class="net-window net-${esc(w.kind)} ${cls}" data-event="${w.event}" data-node="${esc(node)}" data-group="${g}" x="${r1(x - half)}" y="${from}" width="${r1(2 * half)}" height="${r1(Math.max(2, to - from))}"/>`,
          );
        }
      }
    });
    if (labelX !== undefined)
      out.push(
        `<text class="fault-label net-label" data-event="${w.event}" x="${r1(labelX - half + 3)}" y="${from - 3}">${esc(describeNetwork(w))}</text>`,
      );
  }
}

function lanesOf(state: PageState, node: string, from: number, to: number): number[] {
  const out: number[] = [];
  state.model.lanes.forEach((l, i) => {
    if (l.node === node && l.start <= to && (l.end ?? Infinity) >= from) out.push(i);
  });
  return out;
}

function describeNetwork(w: { kind: string; groups: string[][]; rate?: number; delayMs?: number }): string {
  const set = (nodes: string[]) => `{${nodes.join(", ")}}`;
  if (w.kind === "partition") return `partition ${w.groups.map(set).join(" | ")}`;
  if (w.kind === "one-way") return `one-way ${set(w.groups[0] ?? [])} ↛ ${set(w.groups[1] ?? [])}`;
  if (w.kind === "loss") return `loss ${Math.round((w.rate ?? 0) * 100)} % at ${set(w.groups[0] ?? [])}`;
  return `${w.kind}${w.delayMs !== undefined ? ` ${w.delayMs} ms` : ""} at ${set(w.groups[0] ?? [])}`;
}
