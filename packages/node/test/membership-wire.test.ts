// Unit tests of the membership wire format, the precedence rule and the master rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { betterClaim, currentMaster, electionWinner } from "../src/membership/master-election.js";
import { supersedes } from "../src/membership/precedence.js";
import { encodeMessage, splitRecords, type MembershipMessage } from "../src/membership/wire.js";
import { parseDatagram } from "../src/membership/wire-validate.js";
import { memberRecord } from "./support/member-record.js";

const rec = memberRecord;

describe("membership wire format", () => {
  it("round-trips every message type", () => {
    const msgs: MembershipMessage[] = [
      { type: "ping", from: 1, seq: 2, updates: [rec()] },
      { type: "ack", from: 1, seq: 2, target: 5 },
      { type: "ping-req", from: 1, seq: 3, target: 5, addr: "h", port: 9 },
      { type: "sync", from: 1, part: 0, parts: 1, members: [rec({ seed: true })] },
      { type: "sync-ack", from: 1, part: 1, parts: 2, members: [] },
      { type: "update", from: 1, updates: [rec({ state: "suspect", inc: 4 })] },
      { type: "leave", from: 1, inc: 3 },
    ];
    for (const m of msgs) {
      const r = parseDatagram(encodeMessage(m), 8000);
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.msg, m);
    }
  });

  it("rejects garbage with a reason and never throws", () => {
    const bad: (string | Buffer)[] = [
      "",
      "not json",
      "null",
      "[1,2]",
      '{"type":"ping"}',
      '{"type":"ping","from":-3,"seq":1}',
      '{"type":"ping","from":1.5,"seq":1}',
      '{"type":"ping","from":1,"seq":"1"}',
      '{"type":"ping-req","from":1,"seq":1,"target":2,"addr":"","port":1}',
      '{"type":"ping-req","from":1,"seq":1,"target":2,"addr":"h","port":70000}',
      '{"type":"sync","from":1,"part":2,"parts":1,"members":[]}',
      '{"type":"update","from":1}',
      '{"type":"update","from":1,"updates":[{"id":1}]}',
      '{"type":"update","from":1,"updates":[' + JSON.stringify(rec({ state: "dead" as never })) + "]}",
      '{"type":"warp","from":1}',
      "[".repeat(5000),
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      "x".repeat(9000),
    ];
    for (const b of bad) {
      const r = parseDatagram(b, 8000);
      assert.equal(r.ok, false, String(b).slice(0, 60));
    }
    assert.equal(parseDatagram("x".repeat(9000), 8000).ok === false && "too-large", "too-large");
  });

  it("never throws on arbitrary input (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.uint8Array().map((a) => Buffer.from(a)),
        ),
        (input) => {
          parseDatagram(input, 8000);
        },
      ),
    );
  });

  it("drops unknown keys from records", () => {
    const r = parseDatagram(
      JSON.stringify({ type: "update", from: 1, updates: [{ ...rec(), evil: 1 }] }),
      8000,
    );
    assert.ok(r.ok && r.msg.type === "update");
    assert.deepEqual(r.msg.updates[0], rec());
  });

  it("splits a large view into groups under the budget", () => {
    const many = Array.from({ length: 500 }, (_, i) => rec({ id: i, addr: `node-${i}.joinlab.internal` }));
    const groups = splitRecords(many, 7800);
    assert.ok(groups.length > 1);
    assert.deepEqual(groups.flat(), many);
    for (const g of groups) assert.ok(Buffer.byteLength(JSON.stringify(g)) <= 7800);
  });
});

describe("precedence of claims about a member", () => {
  it("a higher incarnation wins, an accusation wins at equal incarnation, left is terminal", () => {
    assert.ok(supersedes(rec({ state: "suspect" }), rec()));
    assert.ok(!supersedes(rec(), rec({ state: "suspect" })));
    assert.ok(supersedes(rec({ inc: 1 }), rec({ state: "suspect" })), "refutation");
    assert.ok(supersedes(rec({ inc: 1 }), rec({ state: "failed" })), "back from the dead");
    assert.ok(supersedes(rec({ state: "failed" }), rec({ state: "suspect" })));
    assert.ok(!supersedes(rec({ state: "suspect" }), rec({ inc: 1 })), "stale accusation");
    assert.ok(supersedes(rec({ state: "left" }), rec({ inc: 9 })));
    assert.ok(!supersedes(rec({ inc: 99 }), rec({ state: "left" })));
  });
});

describe("master rule", () => {
  it("higher epoch, then lower id; suspects count, failed do not", () => {
    assert.ok(betterClaim(rec({ id: 9, epoch: 3 }), rec({ id: 1, epoch: 2 })));
    assert.ok(betterClaim(rec({ id: 1, epoch: 2 }), rec({ id: 9, epoch: 2 })));
    const view = [
      rec({ id: 5, role: "master", epoch: 4, state: "failed" }),
      rec({ id: 7, role: "master", epoch: 3, state: "suspect" }),
      rec({ id: 2, role: "master", epoch: 3 }),
      rec({ id: 1 }),
    ];
    assert.equal(currentMaster(view)?.id, 2);
  });

  it("the election winner is the lowest present non-seed id", () => {
    const view = [
      rec({ id: 1, seed: true }),
      rec({ id: 3, state: "failed" }),
      rec({ id: 4, state: "suspect" }),
      rec({ id: 6 }),
    ];
    assert.equal(electionWinner(view)?.id, 4);
  });
});
