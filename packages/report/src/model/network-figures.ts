// Figures for network faults: for a partition, how long until every live node held every live
// node across the split not alive (noticed: suspect or worse; declared: failed), and for every
// network fault how long after its heal every live node agreed on one view again.
import { convergence, firstBeliefs, ms, windowsOf, type FaultFigure } from "./figures.js";
import { EventTable } from "./event-table.js";
import type { NetworkWindow, ReportModel } from "./types.js";

export function networkFigures(model: ReportModel, table = new EventTable(model)): FaultFigure[] {
  const cuts = windowsOf(model);
  return (model.network ?? []).map((w) => {
    const pairs = w.kind === "partition" ? acrossTheSplit(model, w) : [];
    const span = (states: string[]) => {
      let worst = 0;
      for (const [observer, subject] of pairs) {
        const at = firstBeliefs(model, subject, w.event, new Set(states)).get(observer);
        if (at === undefined) return undefined;
        worst = Math.max(worst, table.t[at]! - table.t[w.event]!);
      }
      return pairs.length ? ms(worst) : undefined;
    };
    const detectedMs = span(["suspect", "failed", "left"]);
    const declaredMs = span(["failed", "left"]);
    const converged = w.heal !== undefined ? convergence(model, w.heal, cuts) : undefined;
    return {
      kind: w.kind,
      node: w.groups.map((g) => `{${g.join(", ")}}`).join(w.kind === "one-way" ? " ↛ " : " | "),
      event: w.event,
      survivors: new Set(pairs.map(([o]) => o)).size,
      ...(w.kind === "partition" ? {} : { detects: false as const }),
      ...(detectedMs !== undefined ? { detectedMs } : {}),
      ...(declaredMs !== undefined ? { declaredMs } : {}),
      ...(converged !== undefined ? { convergedMs: ms(table.t[converged]! - table.t[w.heal!]!) } : {}),
    };
  });
}

/** [observer lane, subject lane] for every two lanes up at the fault on different sides. */
function acrossTheSplit(model: ReportModel, w: NetworkWindow): [number, number][] {
  const sideOf = new Map<number, number>();
  model.lanes.forEach((l, i) => {
    const up = l.ready !== undefined && l.ready <= w.event && (l.end ?? Infinity) > w.event;
    const side = w.groups.findIndex((g) => g.includes(l.node));
    if (up && side >= 0) sideOf.set(i, side);
  });
  const pairs: [number, number][] = [];
  for (const [o, a] of sideOf) for (const [s, b] of sideOf) if (a !== b) pairs.push([o, s]);
  return pairs;
}
