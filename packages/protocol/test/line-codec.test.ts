// The line codec: framing, the size cap, and (property-based) independence from how bytes are chunked.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { LineDecoder, encodeLine, type LineEvent } from "../src/index.js";

type Seen = { kind: "line"; text: string } | { kind: "overflow" };

function run(chunks: Uint8Array[], maxLineBytes: number, ended = true): Seen[] {
  const decoder = new LineDecoder(maxLineBytes);
  const events: LineEvent[] = chunks.flatMap((chunk) => decoder.push(chunk));
  if (ended) events.push(...decoder.end());
  return events.map((e) =>
    e.kind === "line" ? { kind: "line", text: e.bytes.toString("utf8") } : { kind: "overflow" },
  );
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, clipped to the length). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

test("splits lines on \\n and keeps a final unterminated line at end of stream", () => {
  assert.deepEqual(run([Buffer.from('{"a":1}\n{"b":2}\n{"c"')], 64), [
    { kind: "line", text: '{"a":1}' },
    { kind: "line", text: '{"b":2}' },
    { kind: "line", text: '{"c"' },
  ]);
});

test("a multi-byte character split across chunks is reassembled, not mangled", () => {
  const bytes = Buffer.from("请添加我\n");
  assert.deepEqual(run([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)], 64), [
    { kind: "line", text: "请添加我" },
  ]);
});

test("a line of exactly the cap passes; one byte more overflows once, and nothing is read after", () => {
  assert.deepEqual(run([Buffer.from(`${"x".repeat(8)}\n`)], 8), [{ kind: "line", text: "xxxxxxxx" }]);
  assert.deepEqual(run([Buffer.from(`${"x".repeat(9)}\nok\n`)], 8), [{ kind: "overflow" }]);
  assert.deepEqual(run([Buffer.from("x".repeat(9))], 8, false), [{ kind: "overflow" }]);
});

test("an endless line overflows as soon as the cap is crossed, with bounded buffering", () => {
  const decoder = new LineDecoder(1024);
  const chunk = Buffer.alloc(100, 0x61);
  let pushes = 0;
  while (!decoder.overflowed && pushes < 1000) {
    decoder.push(chunk);
    pushes++;
  }
  assert.equal(pushes, 11, "overflow reported on the push that crosses 1024 bytes");
  assert.deepEqual(decoder.push(chunk), [], "silent afterwards");
});

test("encodeLine frames like Go's json.Encoder: compact JSON and one newline", () => {
  assert.equal(encodeLine({ a: [1, "b"] }), '{"a":[1,"b"]}\n');
});

test("property: the events do not depend on how the byte stream is chunked", () => {
  const line = fc.string({ unit: fc.constantFrom("a", "{", '"', " ", "é", "请", "\r", "😀"), maxLength: 40 });
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 8 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.integer({ min: 1, max: 60 }),
      (lines, trailingNewline, offsets, maxLineBytes) => {
        const text = lines.join("\n") + (trailingNewline ? "\n" : "");
        const bytes = Buffer.from(text, "utf8");
        const whole = run([bytes], maxLineBytes);
        assert.deepEqual(run(cut(bytes, offsets), maxLineBytes), whole);
        assert.deepEqual(run(cut(bytes, [...bytes.keys()]), maxLineBytes), whole, "one byte at a time");
      },
    ),
    { numRuns: 500 },
  );
});

test("property: without overflow, the lines are exactly the input lines", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.string({ maxLength: 30 }).filter((s) => !s.includes("\n")),
        { maxLength: 10 },
      ),
      (lines) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(""), "utf8");
        const expected = lines.map((text) => ({ kind: "line", text }));
        assert.deepEqual(run([bytes], 1024), expected);
      },
    ),
  );
});
