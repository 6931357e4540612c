// Checks a parsed JSON value against the join envelope, matching keys case-insensitively like Go.
import { ERROR_CODES, MAX_NODE_ID, UNKNOWN_NODE_ID } from "./messages.js";
import type {
  ErrorReply,
  JoinRequest,
  JoinResponse,
  MembershipMarker,
  NodeInfo,
  WireRole,
} from "./messages.js";

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Longest accepted address / message text: real ones are tiny, and these end up in log lines. */
export const MAX_ADDR_CHARS = 255;
export const MAX_MESSAGE_CHARS = 4096;

class Invalid extends Error {}

/**
 * Parses a join request. The joiner's own id must be a real id (not -1) and its port usable. The
 * optional `membership` marker, when present (and not null), must be well-formed: it decides
 * whether the joiner is probed over UDP, so a garbled one is refused rather than guessed at.
 */
export function validateJoinRequest(value: unknown): Validated<JoinRequest> {
  return attempt(() => {
    const root = asObject(value, "the message");
    const request: JoinRequest = {
      source: nodeInfo(field(root, "source"), "source", { realId: true }),
      dest: nodeInfo(field(root, "dest"), "dest", { realId: false }),
      message: text(field(root, "message"), "message"),
    };
    const marker = field(root, "membership");
    if (marker !== undefined) request.membership = membershipMarker(marker);
    return request;
  });
}

function membershipMarker(value: unknown): MembershipMarker {
  const obj = asObject(value, "membership");
  const gen = field(obj, "gen");
  if (typeof gen !== "number" || !Number.isSafeInteger(gen) || gen < 0) {
    throw new Invalid(`expected membership.gen to be a non-negative integer (ms), got ${describe(gen)}`);
  }
  return { gen };
}

/** Parses what a node answered to our join request: a response, or an error reply. */
export function validateJoinResponse(
  value: unknown,
): Validated<{ kind: "response"; response: JoinResponse } | { kind: "error"; error: ErrorReply }> {
  return attempt(() => {
    const root = asObject(value, "the response");
    if (root["type"] === "error") return { kind: "error" as const, error: errorReply(root) };
    const response: JoinResponse = {
      source: nodeInfo(field(root, "source"), "source", { realId: true }),
      dest: nodeInfo(field(root, "dest"), "dest", { realId: false }),
      message: text(field(root, "message"), "message"),
    };
    // Additive fields pass through untouched, for whatever feature reads them (membership, later).
    for (const [key, extra] of Object.entries(root)) {
      if (!RESPONSE_KEYS.has(key.toLowerCase())) response[key] = extra;
    }
    const role = field(root, "role");
    if (role !== undefined) response.role = wireRole(role);
    const assigned = field(root, "assignedNodeId");
    if (assigned !== undefined) response.assignedNodeId = nodeId(assigned, "assignedNodeId", true);
    return { kind: "response" as const, response };
  });
}

const RESPONSE_KEYS = new Set(["source", "dest", "message", "role", "assignednodeid"]);

function attempt<T>(parse: () => T): Validated<T> {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}

/**
 * Go's decoder matches a JSON key to a field exactly or, failing that, case-insensitively; with
 * several matching keys the last one in the document wins. `Port`, `port` and `PORT` all count.
 */
function field(obj: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase();
  let found: unknown;
  for (const key of Object.keys(obj)) if (key.toLowerCase() === wanted) found = obj[key];
  return found === null ? undefined : found;
}

function nodeInfo(value: unknown, where: string, opts: { realId: boolean }): NodeInfo {
  const obj = asObject(value, where);
  const ip = text(field(obj, "nodeIpAddr"), `${where}.nodeIpAddr`, MAX_ADDR_CHARS);
  return {
    nodeId: nodeId(field(obj, "nodeId"), `${where}.nodeId`, opts.realId),
    nodeIpAddr: ip,
    Port: port(field(obj, "Port"), `${where}.Port`, opts.realId),
  };
}

function nodeId(value: unknown, where: string, realId: boolean): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new Invalid(`expected ${where} to be an integer node id, got ${describe(value)}`);
  }
  const min = realId ? 0 : UNKNOWN_NODE_ID;
  if (value < min || value > MAX_NODE_ID) {
    throw new Invalid(`expected ${where} to be between ${min} and ${MAX_NODE_ID}, got ${value}`);
  }
  return value;
}

/** The sender's own port must be one we could dial back; the dest port is only echoed, so looser. */
function port(value: unknown, where: string, strict: boolean): string {
  if (typeof value !== "string") {
    throw new Invalid(
      `expected ${where} to be a port number as a JSON string such as "8001", got ${describe(value)}`,
    );
  }
  if (strict && !isPortText(value)) {
    throw new Invalid(`expected ${where} to be a decimal port from 1 to 65535, got ${JSON.stringify(value)}`);
  }
  if (value.length > 16) throw new Invalid(`expected ${where} to be a short port string`);
  return value;
}

export function isPortText(value: string): boolean {
  return /^[0-9]{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535;
}

function text(value: unknown, where: string, maxChars = MAX_MESSAGE_CHARS): string {
  if (typeof value !== "string")
    throw new Invalid(`expected ${where} to be a string, got ${describe(value)}`);
  if (value.length > maxChars) {
    throw new Invalid(`expected ${where} to be at most ${maxChars} characters, got ${value.length}`);
  }
  return value;
}

function wireRole(value: unknown): WireRole {
  if (value === "master" || value === "member") return value;
  throw new Invalid(`expected role to be "master" or "member", got ${describe(value)}`);
}

function errorReply(obj: Record<string, unknown>): ErrorReply {
  const code = obj["code"];
  const known = ERROR_CODES.find((c) => c === code);
  if (known === undefined) throw new Invalid(`error reply with unknown code ${describe(code)}`);
  return { type: "error", code: known, text: text(obj["text"], "text") };
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Invalid(`expected ${where} to be a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A short, log-safe description of an offending value. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const shown = JSON.stringify(value);
  return `${typeof value} ${shown.length > 40 ? `${shown.slice(0, 40)}...` : shown}`;
}
