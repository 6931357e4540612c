// Merges every node's records into one timeline: Docker timestamps order the lines, each node's own
// sequence numbers order its lines, and a causal repair guarantees that no join request is
// received before it was sent and no response is received before it was sent, even when the
// daemon stamped the two containers' lines a little out of order.
import type { LogRecord } from "./records.js";
import { entryOf, type OrchestratorEvent, type TimelineEntry } from "./timeline.js";

interface Item {
  entry: TimelineEntry;
  /** Tie-breakers after the timestamp: node name, then position. */
  node: string;
  pos: number;
  preds: number;
  succs: number[];
}

/** Orders records by the node's seq when both are node lines, else by arrival. */
function nodeOrder(records: readonly LogRecord[]): LogRecord[] {
  const lines = records
    .filter((r) => r.line)
    .sort((a, b) => (a.gen ?? 0) - (b.gen ?? 0) || a.line!.seq - b.line!.seq || a.index - b.index);
  // Raw lines keep their arrival slot; node lines fill the other slots in seq order, so a
  // stream delivered out of order comes back in the node's own order.
  let next = 0;
  return [...records].sort((a, b) => a.index - b.index).map((r) => (r.line ? lines[next++]! : r));
}

export function mergeTimeline(
  perNode: ReadonlyMap<string, readonly LogRecord[]> | Record<string, readonly LogRecord[]>,
  orchestrator: readonly OrchestratorEvent[] = [],
): TimelineEntry[] {
  const groups = perNode instanceof Map ? [...perNode.entries()] : Object.entries(perNode);
  const items: Item[] = [];
  const add = (entry: TimelineEntry, node: string, pos: number): number => {
    items.push({ entry, node, pos, preds: 0, succs: [] });
    return items.length - 1;
  };
  const edge = (from: number, to: number): void => {
    items[from]!.succs.push(to);
    items[to]!.preds++;
  };

  // Handshake endpoints, keyed so the matching side can find them.
  const requestSent = new Map<string, number[]>(); // joinerId → items
  const requestReceived = new Map<string, number[]>(); // joinerId → items
  const responseSent = new Map<string, number[]>(); // responderId/joinerId → items
  const responseReceived = new Map<string, number[]>(); // responderId/joinerId → items
  const push = (map: Map<string, number[]>, key: string, id: number): void => {
    const list = map.get(key);
    if (list) list.push(id);
    else map.set(key, [id]);
  };

  for (const [node, records] of groups) {
    let prev: number | undefined;
    let joinerId: number | undefined; // our id as of our latest join request
    let pos = 0;
    for (const r of nodeOrder(records)) {
      const id = add(entryOf(r), node, pos++);
      if (prev !== undefined) edge(prev, id);
      prev = id;
      const line = r.line;
      if (!line) continue;
      switch (line.event) {
        case "join.request.sent":
          joinerId = line.nodeId;
          push(requestSent, String(line.nodeId), id);
          break;
        case "join.request.received":
          if (line.peerId !== undefined) push(requestReceived, String(line.peerId), id);
          break;
        case "join.response.sent":
          if (line.peerId !== undefined) push(responseSent, `${line.nodeId}/${line.peerId}`, id);
          break;
        case "join.response.received":
          if (line.peerId !== undefined)
            push(responseReceived, `${line.peerId}/${joinerId ?? line.nodeId}`, id);
          break;
      }
    }
  }

  // Cross-node edges: the n-th send happens before the n-th receive of the same key.
  const link = (senders: Map<string, number[]>, receivers: Map<string, number[]>): void => {
    for (const [key, sent] of senders) {
      const received = receivers.get(key) ?? [];
      const byTime = (a: number, b: number) => items[a]!.entry.t - items[b]!.entry.t;
      const s = [...sent].sort(byTime);
      const r = [...received].sort(byTime);
      for (let i = 0; i < Math.min(s.length, r.length); i++) edge(s[i]!, r[i]!);
    }
  };
  link(requestSent, requestReceived);
  link(responseSent, responseReceived);

  orchestrator.forEach((event, i) => {
    add({ kind: "orchestrator", t: event.t, time: event.time, index: i, event }, "", i);
  });

  return topologicalByTime(items);
}

/** Kahn's algorithm, always emitting the earliest ready entry: a timestamp order that respects every edge. */
function topologicalByTime(items: Item[]): TimelineEntry[] {
  const less = (a: number, b: number): boolean => {
    const x = items[a]!;
    const y = items[b]!;
    if (x.entry.t !== y.entry.t) return x.entry.t < y.entry.t;
    if (x.node !== y.node) return x.node < y.node;
    return x.pos < y.pos;
  };
  const heap = new MinHeap(less);
  const remaining = new Set<number>();
  items.forEach((item, id) => {
    remaining.add(id);
    if (item.preds === 0) heap.push(id);
  });
  const out: TimelineEntry[] = [];
  while (remaining.size > 0) {
    let id = heap.pop();
    if (id === undefined) {
      // Only a contradictory log (a cycle) gets here: break it at the earliest remaining entry.
      id = [...remaining].reduce((a, b) => (less(a, b) ? a : b));
    }
    if (!remaining.delete(id)) continue;
    const item = items[id]!;
    out.push(item.entry);
    for (const next of item.succs) {
      if (--items[next]!.preds === 0 && remaining.has(next)) heap.push(next);
    }
  }
  return out;
}

class MinHeap {
  private readonly data: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}

  push(value: number): void {
    const data = this.data;
    data.push(value);
    let i = data.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(data[i]!, data[parent]!)) break;
      [data[i], data[parent]] = [data[parent]!, data[i]!];
      i = parent;
    }
  }

  pop(): number | undefined {
    const data = this.data;
    if (data.length === 0) return undefined;
    const top = data[0]!;
    const last = data.pop()!;
    if (data.length > 0) {
      data[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < data.length && this.less(data[l]!, data[m]!)) m = l;
        if (r < data.length && this.less(data[r]!, data[m]!)) m = r;
        if (m === i) break;
        [data[i], data[m]] = [data[m]!, data[i]!];
        i = m;
      }
    }
    return top;
  }
}
