// Reading a node's log line back: the boundary where JSON text becomes a typed NodeLogLine. A line
// is accepted only when its event is in the contract and every field the contract declares for it
// has the declared type; extra fields pass (a newer node may add some).
import { fieldFits, type FieldTable } from "./log-fields.js";
import { COMMON_FIELDS, LOG_EVENT_FIELDS, type NodeEvent, type NodeLogLine } from "./log-events.js";

export type DecodedLogLine = { ok: true; line: NodeLogLine } | { ok: false; reason: string };

/** Checks a parsed JSON value against the log contract. */
export function decodeLogLine(value: unknown): DecodedLogLine {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "not a JSON object" };
  }
  const v = value as Record<string, unknown>;
  const event = v.event;
  if (typeof event !== "string" || !isNodeEvent(event)) {
    return { ok: false, reason: `unknown event ${JSON.stringify(event)}` };
  }
  // A line the logger had to cut keeps only the common fields: not a full event of its kind.
  if (v.truncated === true) return { ok: false, reason: `${event} line truncated by the node` };
  const wrong = misfit(COMMON_FIELDS, v) ?? misfit(LOG_EVENT_FIELDS[event], v);
  if (wrong !== undefined)
    return { ok: false, reason: `${event}: field ${wrong} missing or of the wrong type` };
  return { ok: true, line: v as NodeLogLine };
}

/** One line of text (a node's stdout line): the typed line, or undefined when it is none. */
export function parseLogLine(text: string): NodeLogLine | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const decoded = decodeLogLine(value);
  return decoded.ok ? decoded.line : undefined;
}

export function isNodeEvent(name: string): name is NodeEvent {
  return Object.hasOwn(LOG_EVENT_FIELDS, name);
}

function misfit(table: FieldTable, v: Record<string, unknown>): string | undefined {
  for (const [field, spec] of Object.entries(table)) if (!fieldFits(spec, v[field])) return field;
  return undefined;
}
