// Checks every incoming datagram: size, JSON, shape. Anything wrong is reported, never thrown.
import { isIPv4 } from "node:net";
import type { MemberRecord } from "./types.js";
import type { MembershipMessage } from "./wire.js";

export type ParseResult =
  | { ok: true; msg: MembershipMessage }
  | { ok: false; code: "too-large" | "malformed-json" | "invalid-message"; reason: string };

const MAX_ID = 99_999_998;
const MAX_RECORDS = 1000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isId(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_ID;
}
function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}
function isPort(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
}
function isAddr(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 255;
}

const oneOf =
  (...allowed: string[]) =>
  (v: unknown): boolean =>
    typeof v === "string" && allowed.includes(v);
const optional =
  (check: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === undefined || check(v);

/** Each field of a member record and what it must be, in the order they are checked. */
const RECORD_FIELDS: readonly [string, (v: unknown) => boolean][] = [
  ["id", isId],
  ["addr", isAddr],
  ["port", isPort],
  ["role", oneOf("master", "member")],
  ["state", oneOf("alive", "suspect", "failed", "left")],
  ["inc", isCount],
  ["epoch", isCount],
  ["gen", isCount],
  ["ip", optional((v) => typeof v === "string" && isIPv4(v))],
  ["seed", optional((v) => typeof v === "boolean")],
  ["by", optional(isId)],
];

/** Returns the reason a record is invalid, or undefined if it is fine. */
function recordProblem(v: unknown): string | undefined {
  if (!isObject(v)) return "record is not an object";
  const bad = RECORD_FIELDS.find(([field, valid]) => !valid(v[field]));
  return bad ? `record ${bad[0]}` : undefined;
}

/** Copies only the known keys, so unknown extras never reach the engine. */
function cleanRecord(v: Record<string, unknown>): MemberRecord {
  const r: MemberRecord = {
    id: v.id as number,
    addr: v.addr as string,
    port: v.port as number,
    role: v.role as MemberRecord["role"],
    state: v.state as MemberRecord["state"],
    inc: v.inc as number,
    epoch: v.epoch as number,
    gen: v.gen as number,
  };
  if (v.ip !== undefined) r.ip = v.ip as string;
  if (v.seed === true) r.seed = true;
  if (v.state === "suspect" && v.by !== undefined) r.by = v.by as number;
  return r;
}

/** Validates a list of records; returns them cleaned or a reason. */
export function parseRecords(v: unknown, field: string): MemberRecord[] | string {
  if (!Array.isArray(v)) return `${field} is not an array`;
  if (v.length > MAX_RECORDS) return `${field} has too many records`;
  const out: MemberRecord[] = [];
  for (const item of v) {
    const problem = recordProblem(item);
    if (problem !== undefined) return `${field}: ${problem}`;
    out.push(cleanRecord(item as Record<string, unknown>));
  }
  return out;
}

function invalid(reason: string): ParseResult {
  return { ok: false, code: "invalid-message", reason };
}

type Fields = Record<string, unknown>;
/** One message type's checks: the message, or the reason it is invalid. */
type TypeParser = (
  v: Fields,
  from: number,
  updates: MemberRecord[] | undefined,
) => MembershipMessage | string;

const withUpdates = <T extends object>(m: T, updates: MemberRecord[] | undefined): T =>
  updates ? { ...m, updates } : m;

function parseAck(v: Fields, from: number, updates: MemberRecord[] | undefined): MembershipMessage | string {
  if (!isCount(v.seq)) return "seq";
  if (v.target !== undefined && !isId(v.target)) return "target";
  const target = v.target !== undefined ? { target: v.target } : {};
  return withUpdates({ type: "ack" as const, from, seq: v.seq, ...target }, updates);
}

function parsePingReq(
  v: Fields,
  from: number,
  updates: MemberRecord[] | undefined,
): MembershipMessage | string {
  if (!isCount(v.seq)) return "seq";
  if (!isId(v.target)) return "target";
  if (!isAddr(v.addr)) return "addr";
  if (!isPort(v.port)) return "port";
  if (v.nack !== undefined && typeof v.nack !== "boolean") return "nack";
  const req = { type: "ping-req" as const, from, seq: v.seq, target: v.target, addr: v.addr, port: v.port };
  return withUpdates(v.nack === true ? { ...req, nack: true } : req, updates);
}

function parseView(v: Fields, from: number): MembershipMessage | string {
  if (!isCount(v.part) || !isCount(v.parts) || v.part >= v.parts) return "part/parts";
  const members = parseRecords(v.members, "members");
  if (typeof members === "string") return members;
  const type = v.type as "sync" | "sync-ack";
  return { type, from, part: v.part, parts: v.parts, members };
}

const PARSERS: Readonly<Record<string, TypeParser>> = {
  ping: (v, from, updates) =>
    isCount(v.seq) ? withUpdates({ type: "ping" as const, from, seq: v.seq }, updates) : "seq",
  ack: parseAck,
  "ping-req": parsePingReq,
  nack: (v, from) =>
    !isCount(v.seq)
      ? "seq"
      : !isId(v.target)
        ? "target"
        : { type: "nack", from, seq: v.seq, target: v.target },
  sync: parseView,
  "sync-ack": parseView,
  update: (_v, from, updates) => (updates ? { type: "update", from, updates } : "update without updates"),
  leave: (v, from) => (isCount(v.inc) ? { type: "leave", from, inc: v.inc } : "inc"),
};

/** Parses one datagram. Never throws. */
export function parseDatagram(data: Buffer | string, maxBytes: number): ParseResult {
  const size = typeof data === "string" ? Buffer.byteLength(data) : data.length;
  if (size > maxBytes) return { ok: false, code: "too-large", reason: `${size} bytes > ${maxBytes}` };
  let v: unknown;
  try {
    v = JSON.parse(typeof data === "string" ? data : data.toString("utf8"));
  } catch (err) {
    return { ok: false, code: "malformed-json", reason: (err as Error).message.slice(0, 120) };
  }
  if (!isObject(v)) return invalid("not a JSON object");
  if (!isId(v.from)) return invalid("from is not a node id");
  let updates: MemberRecord[] | undefined;
  if (v.updates !== undefined) {
    const u = parseRecords(v.updates, "updates");
    if (typeof u === "string") return invalid(u);
    updates = u;
  }
  const parser = typeof v.type === "string" && Object.hasOwn(PARSERS, v.type) ? PARSERS[v.type] : undefined;
  if (!parser) return invalid("unknown type");
  const msg = parser(v, v.from, updates);
  return typeof msg === "string" ? invalid(msg) : { ok: true, msg };
}
