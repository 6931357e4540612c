// Figures read off the model, the same ones the page draws: how long each join took to be known by
// every node up then, and per fault how long the survivors took to notice (first suspect, failed
// or left about the node), to declare it (failed, or left for a stop), and until every live node
// agreed again (each sees every live node alive and no dead one alive).
import { EventTable } from "./event-table.js";
import { BELIEF_STATES, type ReportModel } from "./types.js";

export interface JoinFigure {
  node: string;
  lane: number;
  /** The responder's request.received: when the cluster first admitted it. */
  event: number;
  knownByAllMs?: number;
  observers: number;
}

export interface FaultFigure {
  kind: string;
  node: string;
  event: number;
  survivors: number;
  /** False where no detection is defined (a one-way cut, loss, latency): only the heal's convergence. */
  detects?: false;
  detectedMs?: number;
  declaredMs?: number;
  convergedMs?: number;
}

export const ms = (micros: number) => Math.round(micros / 100) / 10;
const TAKES_NODE_AWAY = new Set(["kill", "stop", "restart", "pause", "disconnect"]);

export function joinFigures(model: ReportModel, table = new EventTable(model)): JoinFigure[] {
  const out: JoinFigure[] = [];
  for (const h of model.handshakes) {
    if (h.requestReceived === undefined) continue;
    const at = h.requestReceived;
    const observers = model.lanes
      .map((l, i) => ({ l, i }))
      .filter(
        ({ l, i }) => i !== h.joiner && l.ready !== undefined && l.ready <= at && (l.end ?? Infinity) > at,
      )
      .map(({ i }) => i);
    // From the start: the merged log may show gossip about a joiner a moment before its admission
    // (log timestamps of two containers); such an observer knew at once.
    const learned = firstBeliefs(model, h.joiner, 0, new Set(["alive"]));
    const times = observers.map((o) => learned.get(o));
    const all = times.every((x) => x !== undefined);
    out.push({
      node: model.lanes[h.joiner]!.node,
      lane: h.joiner,
      event: at,
      observers: observers.length,
      ...(all ? { knownByAllMs: ms(Math.max(0, ...times.map((x) => table.t[x!]! - table.t[at]!))) } : {}),
    });
  }
  return out;
}

export function faultFigures(model: ReportModel, table = new EventTable(model)): FaultFigure[] {
  const cuts = windowsOf(model);
  return model.faults
    .filter((f) => TAKES_NODE_AWAY.has(f.kind) && f.lane !== undefined)
    .map((f) => {
      const target = f.lane!;
      const survivors = model.lanes
        .map((l, i) => ({ l, i }))
        .filter(
          ({ l, i }) =>
            i !== target &&
            l.ready !== undefined &&
            l.ready <= f.event &&
            (l.end ?? Infinity) > f.event &&
            !cuts.some((c) => c.lane === i && c.from <= f.event && c.to >= f.event),
        )
        .map(({ i }) => i);
      const noticed = firstBeliefs(model, target, f.event, new Set(["suspect", "failed", "left"]));
      const declared = firstBeliefs(
        model,
        target,
        f.event,
        new Set(f.kind === "stop" ? ["left"] : ["failed", "left"]),
      );
      const span = (when: Map<number, number>) => {
        const times = survivors.map((s) => when.get(s));
        if (!survivors.length || times.some((x) => x === undefined)) return undefined;
        return ms(Math.max(...times.map((x) => table.t[x!]! - table.t[f.event]!)));
      };
      const detectedMs = span(noticed);
      const declaredMs = span(declared);
      const convergedAt = convergence(model, f.event, cuts);
      return {
        kind: f.kind,
        node: f.node,
        event: f.event,
        survivors: survivors.length,
        ...(detectedMs !== undefined ? { detectedMs } : {}),
        ...(declaredMs !== undefined ? { declaredMs } : {}),
        ...(convergedAt !== undefined ? { convergedMs: ms(table.t[convergedAt]! - table.t[f.event]!) } : {}),
      };
    });
}

/** Per observer lane, its first belief change about `subject` at or after event `from` into one of `states`. */
export function firstBeliefs(
  model: ReportModel,
  subject: number,
  from: number,
  states: Set<string>,
): Map<number, number> {
  const out = new Map<number, number>();
  const b = model.beliefs;
  for (let k = 0; k < b.length; k += 4) {
    if (b[k]! < from || b[k + 2] !== subject || out.has(b[k + 1]!)) continue;
    if (states.has(BELIEF_STATES[b[k + 3]!]!)) out.set(b[k + 1]!, b[k]!);
  }
  return out;
}

export interface Cut {
  lane: number;
  from: number;
  to: number;
}

export function windowsOf(model: ReportModel): Cut[] {
  return model.faults
    .filter((f) => (f.kind === "pause" || f.kind === "disconnect") && f.lane !== undefined)
    .map((f) => ({ lane: f.lane!, from: f.event, to: f.heal ?? Infinity }));
}

/**
 * The first event at or after `from` at which every live lane sees every other live lane alive and
 * every ended or cut-off lane it knows not alive. Live: ready, not ended, not paused or cut off.
 * Counts the cells that disagree: recounted when who is live changes, updated per belief change.
 */
/** The moments from `from` on where what is true changes (a fault, a heal, a node up or gone), in order. */
function truthMarks(model: ReportModel, from: number): number[] {
  const moments = [from];
  for (const f of model.faults) moments.push(...[f.event, f.heal].filter((e) => e !== undefined));
  for (const l of model.lanes) moments.push(...[l.ready, l.end].filter((e) => e !== undefined));
  return [...new Set(moments.filter((e) => e >= from))].sort((x, y) => x - y);
}

export function convergence(model: ReportModel, from: number, cuts: Cut[]): number | undefined {
  const n = model.lanes.length;
  const view = Array.from({ length: n }, () => new Int8Array(n).fill(-1));
  const b = model.beliefs;
  const liveAt = (lane: number, at: number) => {
    const l = model.lanes[lane]!;
    if (l.ready === undefined || l.ready > at || (l.end ?? Infinity) <= at) return false;
    return !cuts.some((c) => c.lane === lane && c.from <= at && c.to > at);
  };
  let up: boolean[] = [];
  const wrong = (o: number, s: number): number => {
    if (!up[o] || s === o) return 0;
    const state = view[o]![s]!;
    return (up[s] ? state !== 0 : state === 0 || state === 1) ? 1 : 0;
  };
  let count = 0;
  const recount = (at: number) => {
    up = model.lanes.map((_, i) => liveAt(i, at));
    count = 0;
    for (let o = 0; o < n; o++) for (let s = 0; s < n; s++) count += wrong(o, s);
  };
  const marks = truthMarks(model, from);
  let k = 0;
  for (; k < b.length && b[k]! < from; k += 4) if (b[k + 2]! >= 0) view[b[k + 1]!]![b[k + 2]!] = b[k + 3]!;
  let m = 0;
  for (let at = from; at !== Infinity; at = Math.min(k < b.length ? b[k]! : Infinity, marks[m] ?? Infinity)) {
    for (; k < b.length && b[k] === at; k += 4) {
      const [o, s] = [b[k + 1]!, b[k + 2]!];
      if (s < 0) continue;
      count -= wrong(o, s);
      view[o]![s] = b[k + 3]!;
      count += wrong(o, s);
    }
    if (marks[m] === at) {
      recount(at);
      m++;
    }
    if (count === 0 && up.some(Boolean)) return at;
  }
  return undefined;
}
