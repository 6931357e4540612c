// The merge: recorded Docker log streams, split anywhere, stamped out of order, with raw lines.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LineSplitter } from "../src/logs/line-splitter.js";
import { mergeTimeline } from "../src/logs/merge.js";
import { formatTimeline } from "../src/logs/format.js";
import { parseTimestamp, RecordBuilder } from "../src/logs/records.js";
import type { TimelineEntry } from "../src/logs/timeline.js";
import { recordedChainJoin, shift } from "./helpers.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, sampleLine } from "./helpers.js";

const events = (timeline: TimelineEntry[]) =>
  timeline.flatMap((e) => (e.kind === "event" ? [`${e.node} ${e.line.event}`] : []));

function indexOf(timeline: TimelineEntry[], node: string, event: string, nth = 0): number {
  let seen = 0;
  const i = timeline.findIndex(
    (e) => e.kind === "event" && e.node === node && e.line.event === event && seen++ === nth,
  );
  assert.notEqual(i, -1, `${node} ${event} missing`);
  return i;
}

describe("line splitting", () => {
  it("holds partial lines and multi-byte characters across chunks, however the stream is cut", () => {
    const text =
      readFileSync(join(FIXTURES, "chain-join", "node1.log"), "utf8") + 'not json 请添加\r\n{"half": tru';
    const expected: string[] = [];
    new LineSplitter((l) => expected.push(l)).push(text);
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          const got: string[] = [];
          const splitter = new LineSplitter((l) => got.push(l));
          let from = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            splitter.push(bytes.subarray(from, cut));
            from = cut;
          }
          splitter.push(bytes.subarray(from));
          splitter.end();
          assert.deepEqual(got, [...expected, '{"half": tru']);
        },
      ),
    );
  });

  it("keeps non-JSON lines raw and parses node lines", () => {
    const b = new RecordBuilder("node1", "stdout");
    const raw = b.fromTimestamped("2026-11-24T15:13:08.000000001Z Error: something odd", 0);
    assert.equal(raw.line, undefined);
    assert.equal(raw.text, "Error: something odd");
    const json = b.fromTimestamped(`2026-11-24T15:13:08.5Z ${sampleLine(1, 7, "node.started")}`, 0);
    assert.equal(json.line?.event, "node.started");
    assert.equal(json.t, parseTimestamp("2026-11-24T15:13:08.500Z"));
  });
});

describe("mergeTimeline", () => {
  it("orders the recorded chain-join streams by timestamp with every handshake in causal order", () => {
    const timeline = mergeTimeline(recordedChainJoin());
    assert.equal(timeline.length, 29);
    for (const [joiner, responder] of [
      ["node2", "node1"],
      ["node3", "node1"],
      ["node4", "node2"],
    ] as const) {
      const sent = indexOf(timeline, joiner, "join.request.sent");
      const received = timeline.findIndex(
        (e, i) =>
          i > sent && e.kind === "event" && e.node === responder && e.line.event === "join.request.received",
      );
      assert.ok(received > sent, `${responder} received ${joiner}'s request after it was sent`);
      assert.ok(indexOf(timeline, joiner, "join.response.received") > received);
    }
    const ts = timeline.map((e) => e.t);
    assert.deepEqual(
      ts,
      [...ts].sort((a, b) => a - b),
      "an undisturbed recording stays in timestamp order",
    );
  });

  it("repairs a response the daemon stamped before its request was sent", () => {
    const streams = recordedChainJoin();
    // node4's lines arrive late at the daemon: its request.sent is stamped 50 ms after node2 logged receiving it.
    shift(streams.get("node4")!, "join.request.sent", 50_000);
    // and node1 stamps its response to node3 200 ms late, after node3 logged receiving it.
    shift(streams.get("node1")!, "join.response.sent", 200_000);
    const timeline = mergeTimeline(streams);
    assert.ok(
      indexOf(timeline, "node2", "join.request.received", 0) >
        indexOf(timeline, "node4", "join.request.sent"),
    );
    // node1's first response.sent was to node2 or node3, whichever came first in the recording: either way
    // every response.received follows the response.sent it answers.
    for (const joiner of ["node2", "node3", "node4"]) {
      const received = timeline[indexOf(timeline, joiner, "join.response.received")]!;
      assert.equal(received.kind, "event");
      const peerId = received.kind === "event" ? received.line.peerId : undefined;
      const sent = timeline.findIndex(
        (e) => e.kind === "event" && e.line.event === "join.response.sent" && e.line.nodeId === peerId,
      );
      assert.ok(sent < timeline.indexOf(received), `${joiner}'s response comes after it was sent`);
    }
  });

  it("restores a node's own order by seq when its records arrive shuffled", () => {
    const streams = recordedChainJoin();
    const node2 = streams.get("node2")!;
    const shuffled = [node2[3]!, node2[0]!, node2[2]!, node2[1]!, ...node2.slice(4)].map((r, index) => ({
      ...r,
      index,
    }));
    streams.set("node2", shuffled);
    const order = events(mergeTimeline(streams)).filter((e) => e.startsWith("node2 "));
    assert.deepEqual(order.slice(0, 4), [
      "node2 node.started",
      "node2 join.request.sent",
      "node2 join.response.received",
      "node2 node.joined",
    ]);
  });

  it("keeps raw lines in place and prints [node]-prefixed lines", () => {
    const streams = recordedChainJoin();
    const node4 = streams.get("node4")!;
    const b = new RecordBuilder("node4", "stderr", { next: node4.length, gen: 0 });
    node4.push(b.fromTimestamped("2026-11-24T15:13:09.500000000Z (node:1) Warning: a raw line", 0));
    const text = formatTimeline(mergeTimeline(streams));
    assert.match(text, /\[node4\] +\(stderr\) \(node:1\) Warning: a raw line\n$/);
    assert.match(text, /\[node4\] +join\.request\.sent → node2:8002/);
  });
});
