// The log contract: lines real nodes wrote decode as their event, lines that break it do not, and
// docs/protocol.md lists every event with exactly the fields and types the table declares.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  COMMON_FIELDS,
  LOG_EVENT_FIELDS,
  NODE_EVENTS,
  decodeLogLine,
  describeField,
  parseLogLine,
} from "../src/index.js";

const RECORDED = new URL("./fixtures/node-lines.jsonl", import.meta.url);
const DOC = new URL("../../../docs/protocol.md", import.meta.url);

/** One line of each event and field set, as nodes of this repository wrote them. */
const recorded = readFileSync(RECORDED, "utf8")
  .split("\n")
  .filter((l) => l.length > 0);

const valid = JSON.parse(recorded.find((l) => l.includes('"event":"member.joined"'))!) as Record<
  string,
  unknown
>;

describe("the log contract", () => {
  it("decodes every recorded line as its own event, and the recording covers every event", () => {
    const seen = new Set<string>();
    for (const text of recorded) {
      const decoded = decodeLogLine(JSON.parse(text));
      assert.ok(decoded.ok, `${text}: ${decoded.ok ? "" : decoded.reason}`);
      assert.equal(decoded.line.event, (JSON.parse(text) as { event: string }).event);
      seen.add(decoded.line.event);
    }
    assert.deepEqual([...seen].sort(), [...NODE_EVENTS].sort());
  });

  it("refuses a line whose declared field is missing or of the wrong type, naming the field", () => {
    const { via: _via, ...missing } = valid;
    assert.deepEqual(decodeLogLine(missing), {
      ok: false,
      reason: "member.joined: field via missing or of the wrong type",
    });
    const wrong = decodeLogLine({ ...valid, peerId: "77" });
    assert.equal(wrong.ok, false);
    assert.match(wrong.ok ? "" : wrong.reason, /field peerId/);
    assert.equal(decodeLogLine({ ...valid, seed: false }).ok, false, "seed is true or absent");
    assert.equal(decodeLogLine({ ...valid, level: "loud" }).ok, false);
  });

  it("keeps extra fields (additive) and refuses unknown events, truncated lines and non-objects", () => {
    const extra = decodeLogLine({ ...valid, addedLater: [1, 2] });
    assert.ok(extra.ok);
    assert.deepEqual((extra.line as unknown as Record<string, unknown>).addedLater, [1, 2]);
    assert.equal(decodeLogLine({ ...valid, event: "member.renamed" }).ok, false);
    assert.equal(decodeLogLine({ ...valid, event: "toString" }).ok, false, "only the table's own keys");
    assert.equal(decodeLogLine({ ...valid, truncated: true }).ok, false);
    assert.equal(decodeLogLine([valid]).ok, false);
    assert.equal(parseLogLine("Error: boom"), undefined);
    assert.equal(parseLogLine('{"event": "node.ready", '), undefined);
    assert.equal(parseLogLine(` ${recorded[0]!}  `)?.event, "node.started");
  });
});

describe("docs/protocol.md", () => {
  const doc = readFileSync(DOC, "utf8");

  /** The `| field | type | meaning |` rows under the `#### \`event\`` heading. */
  function documentedFields(event: string): Map<string, string> {
    const start = doc.indexOf(`#### \`${event}\`\n`);
    assert.ok(start >= 0, `docs/protocol.md has no section for ${event}`);
    const next = doc.slice(start + 1).search(/\n###/);
    const section = doc.slice(start, next < 0 ? undefined : start + 1 + next);
    const rows = new Map<string, string>();
    for (const m of section.matchAll(/^\| `([A-Za-z]+)` \| (.+?) \| .+ \|$/gm)) {
      rows.set(m[1]!, m[2]!.replaceAll("\\|", "|"));
    }
    return rows;
  }

  it("documents each event with exactly its fields and their types", () => {
    for (const event of NODE_EVENTS) {
      const rows = documentedFields(event);
      const table: Record<string, unknown> = LOG_EVENT_FIELDS[event];
      for (const [field, spec] of Object.entries(table)) {
        assert.equal(rows.get(field), describeField(spec as never), `${event}.${field} in docs/protocol.md`);
      }
      for (const field of rows.keys()) {
        if (field in table) continue;
        // Beyond its own fields an event's section may explain the common peer/peerId.
        assert.ok(
          field === "peer" || field === "peerId",
          `${event}: docs list ${field}, the contract does not`,
        );
        assert.equal(rows.get(field), describeField(COMMON_FIELDS[field]));
      }
    }
  });
});
