// Lossless, compact encoding of timeline entries into the model's flat `events` array: per event
// `dt, lane, shape, ...values`. A shape is interned once: the entry's kind, its event name, and
// its keys with one tag each; the event then stores one number per key. Tags: s = interned
// string, i = interned integer, n = number as is, j = any other JSON value (interned as its JSON
// text), d = the node's own clock in ms after the entry's timestamp, c = a value kept in the shape
// itself (levels, `via`, `role`, booleans, small counters: few values, on most lines).
// `seq`, `nodeId` and `name` are left out when they follow from the lane (seq + 1, same id, the
// node's name); decoding puts them back. 50,000 events of a 128-node run take about 30 bytes each.
import { Interner, isInternedNumber } from "./interner.js";
import type { ReportEntry, ReportLogLine } from "./types.js";

export const KIND_LINE = 0;
export const KIND_RAW = 1;
export const KIND_ORCHESTRATOR = 2;

export type Tag = "s" | "i" | "n" | "j" | "d" | "c";
export type ShapeKey = [key: string, tag: Tag, constant?: unknown];
/** What a shape index stands for. */
export interface Shape {
  kind: number;
  name: string;
  keys: ShapeKey[];
}
/** How a shape is stored in the string table. */
export type StoredShape = [kind: number, name: string, keys: ShapeKey[]];

/** Keys whose values repeat across many lines: kept in the shape, not per event. */
const CONSTANT_KEYS = new Set([
  "level",
  "via",
  "role",
  "change",
  "previous",
  "refuted",
  "reason",
  "kind",
  "responderRole",
  "transport",
  "stream",
  "code",
]);
const SMALL_COUNTERS = new Set(["inc", "epoch", "previousEpoch", "winnerEpoch", "count"]);

function isConstant(key: string, value: unknown): boolean {
  if (typeof value === "boolean" || value === null) return true;
  if (typeof value === "string") return CONSTANT_KEYS.has(key) && value.length <= 40;
  return (
    typeof value === "number" && SMALL_COUNTERS.has(key) && Number.isInteger(value) && Math.abs(value) < 100
  );
}

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

  /** The numbers after `dt, lane` for one entry: its shape, then its values. */
  encode(entry: ReportEntry, cursor: LaneCursor | undefined): number[] {
    const { name, fields } = describe(entry);
    if (entry.kind === "event" && cursor) elideImplied(entry.node, entry.line, fields, cursor);
    const keys: ShapeKey[] = [];
    const values: number[] = [];
    for (const [key, value] of Object.entries(fields)) {
      if (isConstant(key, value)) {
        keys.push([key, "c", value]);
        continue;
      }
      const [tag, encoded] = this.value(key, value, entry.t);
      keys.push([key, tag]);
      values.push(encoded);
    }
    const kind = entry.kind === "event" ? KIND_LINE : entry.kind === "raw" ? KIND_RAW : KIND_ORCHESTRATOR;
    const stored: StoredShape = [kind, name, keys];
    return [this.strings.of(JSON.stringify(stored)), ...values];
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
