// Random access to a model's events (see event-codec.ts for the layout): one scan fills typed arrays
// of times, lanes and shapes, and restores the seq / nodeId each line left out; any event decodes
// back to the entry it was.
import {
  KIND_LINE,
  KIND_RAW,
  type LaneCursor,
  type Shape,
  type StoredShape,
  type Tag,
} from "./event-codec.js";

/** Random access to a model's events: offsets, times, lanes and names in typed arrays, and full decoding. */
export class EventTable {
  readonly count: number;
  /** Microseconds after t0. */
  readonly t: Float64Array;
  readonly kind: Uint8Array;
  readonly lane: Int32Array;
  private readonly shapeOf: Int32Array;
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
    this.shapeOf = new Int32Array(n);
    this.offset = new Int32Array(n);
    this.seq = new Float64Array(n);
    this.nodeId = new Float64Array(n);
    this.scan();
  }

  shape(index: number): Shape {
    let shape = this.shapes.get(index);
    if (!shape) {
      const [kind, name, keys] = JSON.parse(this.model.strings[index]!) as StoredShape;
      let slot = 0;
      const slots = keys.map(([, tag]) => (tag === "c" ? -1 : slot++));
      shape = { kind, name, keys, slots } as Shape & { slots: number[] };
      this.shapes.set(index, shape);
    }
    return shape;
  }

  /** "" for an index past the end (an empty model: a live page before the run's first entry). */
  eventName(i: number): string {
    return i < this.count ? this.shape(this.shapeOf[i]!).name : "";
  }

  /** One field of event i, decoded (undefined when the event has no such key). */
  field(i: number, key: string): unknown {
    const shape = this.shape(this.shapeOf[i]!) as Shape & { slots: number[] };
    const k = shape.keys.findIndex(([name]) => name === key);
    if (k < 0) return key === "nodeId" && this.kind[i] === KIND_LINE ? this.nodeId[i] : undefined;
    return this.valueAt(shape, k, i);
  }

  private valueAt(shape: Shape, k: number, i: number): unknown {
    const [, tag, constant] = shape.keys[k]!;
    if (tag === "c") return constant;
    const slot = (shape as Shape & { slots: number[] }).slots[k]!;
    return this.decodeValue(tag, this.model.events[this.offset[i]! + 3 + slot]!, i);
  }

  /** The entry as the node (or the orchestrator) wrote it. */
  decode(i: number): Record<string, unknown> {
    const shape = this.shape(this.shapeOf[i]!);
    const fields: Record<string, unknown> = {};
    shape.keys.forEach(([key], k) => (fields[key] = this.valueAt(shape, k, i)));
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
      case "c":
        return undefined;
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
      this.lane[i] = ev[at + 1]!;
      this.shapeOf[i] = ev[at + 2]!;
      const shape = this.shape(ev[at + 2]!);
      this.kind[i] = shape.kind;
      if (shape.kind === KIND_LINE) this.restoreImplied(i, shape, cursors);
      at += 3 + (shape as Shape & { slots: number[] }).slots.filter((s) => s >= 0).length;
    }
  }

  private restoreImplied(i: number, shape: Shape, cursors: Map<number, LaneCursor>): void {
    let c = cursors.get(this.lane[i]!);
    if (!c) cursors.set(this.lane[i]!, (c = { seq: 0 }));
    const seqAt = shape.keys.findIndex(([k]) => k === "seq");
    const idAt = shape.keys.findIndex(([k]) => k === "nodeId");
    c.seq = seqAt >= 0 ? (this.valueAt(shape, seqAt, i) as number) : c.seq + 1;
    if (idAt >= 0) c.nodeId = this.valueAt(shape, idAt, i) as number;
    this.seq[i] = c.seq;
    this.nodeId[i] = c.nodeId ?? NaN;
  }
}
