// Lossless, compact encoding of timeline entries into the model's flat `events` array. A shape is
// the list of an event's keys with one tag each, interned once; the event then stores one number
// per key. Tags: s = interned string, i = interned integer, n = number as is, j = any other JSON
// value (interned as its JSON text), d = the node's own clock, in ms after the entry's timestamp.
// `seq`, `nodeId` and `name` are left out when they follow from the lane (seq + 1, same id, the
// node's name); decoding puts them back.
import { Interner, isInternedNumber } from "./interner.js";
import type { ReportEntry, ReportLogLine } from "./types.js";

export const KIND_LINE = 0;
export const KIND_RAW = 1;
export const KIND_ORCHESTRATOR = 2;

export type Tag = "s" | "i" | "n" | "j" | "d";
export type Shape = [key: string, tag: Tag][];

/** Per lane, what an omitted seq / nodeId follows from. */
export interface LaneCursor {
  seq: number;
  nodeId?: number;
}

export class EventEncoder {
  constructor(
    private readonly strings: Interner<string>,
    private readonly nums: Interner<number>,
  ) {}

  /** The numbers after `dt, kind, lane` for one entry: event name, shape, values. */
  encode(entry: ReportEntry, cursor: LaneCursor | undefined): number[] {
    const { name, fields } = describe(entry);
    if (entry.kind === "event" && cursor) elideImplied(entry.node, entry.line, fields, cursor);
    const shape: Shape = [];
    const values: number[] = [];
    for (const [key, value] of Object.entries(fields)) {
      const [tag, encoded] = this.value(key, value, entry.t);
      shape.push([key, tag]);
      values.push(encoded);
    }
    return [this.strings.of(name), this.strings.of(JSON.stringify(shape)), ...values];
  }

  private value(key: string, value: unknown, t: number): [Tag, number] {
    if (key === "time" && typeof value === "string") {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms) && new Date(ms).toISOString() === value) return ["d", ms - Math.round(t / 1000)];
    }
    if (typeof value === "string") return ["s", this.strings.of(value)];
    if (typeof value === "number" && Number.isFinite(value))
      return isInternedNumber(value) ? ["i", this.nums.of(value)] : ["n", value];
    return ["j", this.strings.of(JSON.stringify(value ?? null))];
  }
}

/** The entry's event name and the fields stored with it. */
function describe(entry: ReportEntry): { name: string; fields: Record<string, unknown> } {
  if (entry.kind === "event") {
    const { event, ...fields } = entry.line;
    return { name: event, fields };
  }
  if (entry.kind === "raw")
    return { name: entry.stream === "stderr" ? "stderr" : "stdout", fields: { text: entry.text } };
  const { event, ...fields } = entry.event;
  delete fields.t;
  delete fields.time;
  return { name: event, fields };
}

function elideImplied(node: string, line: ReportLogLine, fields: Record<string, unknown>, c: LaneCursor) {
  if (typeof line.seq === "number" && line.seq === c.seq + 1) delete fields.seq;
  if (typeof line.seq === "number") c.seq = line.seq;
  if (line.nodeId === c.nodeId) delete fields.nodeId;
  c.nodeId = line.nodeId;
  if (line.name === node) delete fields.name;
}

/** Random access to a model's events: offsets, times, lanes and names in typed arrays, and full decoding. */
export class EventTable {
  readonly count: number;
  /** Microseconds after t0. */
  readonly t: Float64Array;
  readonly kind: Uint8Array;
  readonly lane: Int32Array;
  readonly name: Int32Array;
  private readonly offset: Int32Array;
  private readonly seq: Float64Array;
  private readonly nodeId: Float64Array;
  private readonly shapes = new Map<number, Shape>();

  constructor(
    private readonly model: {
      events: readonly number[];
      eventCount: number;
      t0: number;
      strings: readonly string[];
      nums: readonly number[];
      lanes: readonly { node: string }[];
    },
  ) {
    const n = model.eventCount;
    this.count = n;
    this.t = new Float64Array(n);
    this.kind = new Uint8Array(n);
    this.lane = new Int32Array(n);
    this.name = new Int32Array(n);
    this.offset = new Int32Array(n);
    this.seq = new Float64Array(n);
    this.nodeId = new Float64Array(n);
    this.scan();
  }

  shape(index: number): Shape {
    let shape = this.shapes.get(index);
    if (!shape) this.shapes.set(index, (shape = JSON.parse(this.model.strings[index]!) as Shape));
    return shape;
  }

  eventName(i: number): string {
    return this.model.strings[this.name[i]!]!;
  }

  /** One field of event i, decoded (undefined when the event has no such key). */
  field(i: number, key: string): unknown {
    const ev = this.model.events;
    const shape = this.shape(ev[this.offset[i]! + 4]!);
    const k = shape.findIndex(([name]) => name === key);
    if (k < 0) return key === "nodeId" && this.kind[i] === KIND_LINE ? this.nodeId[i] : undefined;
    return this.decodeValue(shape[k]![1], ev[this.offset[i]! + 5 + k]!, i);
  }

  /** The entry as the node (or the orchestrator) wrote it. */
  decode(i: number): Record<string, unknown> {
    const ev = this.model.events;
    const at = this.offset[i]!;
    const shape = this.shape(ev[at + 4]!);
    const fields: Record<string, unknown> = {};
    shape.forEach(([key, tag], k) => (fields[key] = this.decodeValue(tag, ev[at + 5 + k]!, i)));
    if (this.kind[i] !== KIND_LINE) {
      const node = this.lane[i]! >= 0 ? this.model.lanes[this.lane[i]!]!.node : undefined;
      return this.kind[i] === KIND_RAW
        ? { stream: this.eventName(i), ...(node ? { node } : {}), ...fields }
        : { event: this.eventName(i), ...fields };
    }
    const node = this.model.lanes[this.lane[i]!]?.node;
    const { time, level, seq, nodeId, name, ...rest } = fields;
    return {
      ...(time !== undefined ? { time } : {}),
      ...(level !== undefined ? { level } : {}),
      seq: seq ?? this.seq[i],
      nodeId: nodeId ?? this.nodeId[i],
      name: name ?? node,
      event: this.eventName(i),
      ...rest,
    };
  }

  private decodeValue(tag: Tag, v: number, i: number): unknown {
    const { strings, nums } = this.model;
    switch (tag) {
      case "s":
        return strings[v];
      case "i":
        return nums[v];
      case "n":
        return v;
      case "j":
        return JSON.parse(strings[v]!) as unknown;
      case "d":
        return new Date(Math.round(this.absoluteMicros(i) / 1000) + v).toISOString();
    }
  }

  absoluteMicros(i: number): number {
    return this.model.t0 + this.t[i]!;
  }

  private scan(): void {
    const ev = this.model.events;
    const cursors = new Map<number, LaneCursor>();
    let at = 0;
    let t = 0;
    for (let i = 0; i < this.count; i++) {
      this.offset[i] = at;
      t += ev[at]!;
      this.t[i] = t;
      this.kind[i] = ev[at + 1]!;
      this.lane[i] = ev[at + 2]!;
      this.name[i] = ev[at + 3]!;
      const shape = this.shape(ev[at + 4]!);
      if (this.kind[i] === KIND_LINE) this.restoreImplied(i, shape, at, cursors);
      at += 5 + shape.length;
    }
  }

  private restoreImplied(i: number, shape: Shape, at: number, cursors: Map<number, LaneCursor>): void {
    const ev = this.model.events;
    let c = cursors.get(this.lane[i]!);
    if (!c) cursors.set(this.lane[i]!, (c = { seq: 0 }));
    const seqAt = shape.findIndex(([k]) => k === "seq");
    const idAt = shape.findIndex(([k]) => k === "nodeId");
    c.seq = seqAt >= 0 ? (this.decodeValue(shape[seqAt]![1], ev[at + 5 + seqAt]!, i) as number) : c.seq + 1;
    if (idAt >= 0) c.nodeId = this.decodeValue(shape[idAt]![1], ev[at + 5 + idAt]!, i) as number;
    this.seq[i] = c.seq;
    this.nodeId[i] = c.nodeId ?? NaN;
  }
}
