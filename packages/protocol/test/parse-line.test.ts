// Parsing one line: UTF-8 and depth are checked before JSON.parse, with reasons that say what was wrong.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { nestingDepth, parseJsonLine } from "../src/index.js";

test("valid JSON parses", () => {
  assert.deepEqual(parseJsonLine(Buffer.from('{"a":[1,{"b":"c"}]}')), {
    ok: true,
    value: { a: [1, { b: "c" }] },
  });
});

test("invalid UTF-8 is malformed-json, named as such", () => {
  const result = parseJsonLine(Buffer.from([0x7b, 0xff, 0x7d]));
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.code === "malformed-json" && /UTF-8/.test(result.reason));
});

test("broken JSON is malformed-json with a hint", () => {
  const result = parseJsonLine(Buffer.from('{"source":'));
  assert.ok(!result.ok && result.code === "malformed-json" && /newline/.test(result.reason));
});

test("deep nesting is refused before parsing, whatever the brackets", () => {
  for (const text of ["[".repeat(10_000), '{"a":'.repeat(40), `${"[".repeat(33)}${"]".repeat(33)}`]) {
    const result = parseJsonLine(Buffer.from(text));
    assert.ok(!result.ok && result.code === "too-deep", text.slice(0, 20));
  }
  assert.ok(parseJsonLine(Buffer.from(`${"[".repeat(32)}${"]".repeat(32)}`)).ok, "32 levels are fine");
});

test("brackets inside strings, and escaped quotes, do not count as depth", () => {
  assert.equal(nestingDepth(JSON.stringify({ a: '[[[[{{{{\\"[[[' })), 1);
  assert.ok(parseJsonLine(Buffer.from(JSON.stringify({ message: "[".repeat(1000) }))).ok);
});

test("property: nestingDepth agrees with the real depth of any JSON value", () => {
  const depth = (v: unknown): number =>
    typeof v === "object" && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0;
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) =>
      assert.equal(nestingDepth(JSON.stringify(value)), depth(value)),
    ),
  );
});
