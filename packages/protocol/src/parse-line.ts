// Turns one received line into a JSON value, refusing non-UTF-8 bytes and deep nesting up front.
import type { ErrorCode } from "./messages.js";

/** Deeper than any real message (ours are 2 levels); refused before JSON.parse ever recurses. */
export const DEFAULT_MAX_DEPTH = 32;

export type ParseResult = { ok: true; value: unknown } | { ok: false; code: ErrorCode; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function parseJsonLine(bytes: Uint8Array, maxDepth: number = DEFAULT_MAX_DEPTH): ParseResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, code: "malformed-json", reason: "the line is not valid UTF-8 (binary data?)" };
  }
  const depth = nestingDepth(text);
  if (depth > maxDepth) {
    return {
      ok: false,
      code: "too-deep",
      reason: `JSON nesting is deeper than ${maxDepth} levels; a join request has 2`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return {
      ok: false,
      code: "malformed-json",
      reason: `not JSON (${(err as Error).message}); send one JSON object followed by a newline`,
    };
  }
}

/**
 * Maximum bracket depth outside string literals: a linear scan, so hostile input such as
 * 60,000 `[` costs one pass instead of a deep recursion in the parser.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}
