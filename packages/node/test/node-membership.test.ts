// The node's membership glue: what a join request and response become for the engine, and the view's cap.
import assert from "node:assert/strict";
import { test } from "node:test";
import { joinRequest, joinResponse, nodeInfo } from "@joinlab/protocol";
import type { MemberRecord } from "../src/membership/index.js";
import { joinerFromRequest, membersForResponse, responderFromResponse } from "../src/node-membership.js";

test("a request without the marker is a seed joiner; with it, its gen travels", () => {
  const seed = joinRequest(nodeInfo(7, "127.0.0.1/8", 8002), "127.0.0.1", 8001);
  assert.deepEqual(joinerFromRequest(seed, 9), { id: 9, addr: "127.0.0.1", port: 8002, seed: true });
  const ours = joinRequest(nodeInfo(7, "10.0.0.3", 8002), "127.0.0.1", 8001, { gen: 123 });
  assert.deepEqual(joinerFromRequest(ours, 7), {
    id: 7,
    addr: "10.0.0.3",
    port: 8002,
    seed: false,
    gen: 123,
  });
});

test("the responder is read from the response's envelope, CIDR text stripped", () => {
  const response = joinResponse(nodeInfo(42, "127.0.0.1/8", "8001"), nodeInfo(7, "x", "8002"), "member");
  assert.deepEqual(responderFromResponse(response), { id: 42, addr: "127.0.0.1", port: 8001 });
});

test("a view over the budget is cut: responder, joiner and masters first, seed nodes last", () => {
  const record = (id: number, extra: Partial<MemberRecord> = {}): MemberRecord => ({
    id,
    addr: "127.0.0.1",
    port: 1000 + id,
    role: "member",
    state: "alive",
    inc: 0,
    epoch: 0,
    gen: 1764000000000,
    ...extra,
  });
  const view = [
    ...Array.from({ length: 50 }, (_, i) => record(100 + i, { seed: true })),
    record(1, { role: "master", epoch: 1 }),
    record(2),
    record(3),
    record(500),
    record(600),
  ];
  assert.equal(membersForResponse(view, 500, 600), view, "under the budget: untouched");
  // Room for exactly the five non-seed records and one seed record.
  const fits = [1, 2, 3, 500, 600, 100].map((id) => view.find((r) => r.id === id) as MemberRecord);
  const budget = 2 + fits.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)) + 1, 0);
  const kept = membersForResponse(view, 500, 600, budget);
  assert.deepEqual(
    kept.map((r) => r.id),
    [1, 2, 3, 100, 500, 600],
    "the seed records go last, so only the first of them fits; the result is sorted by id",
  );
  assert.ok(Buffer.byteLength(JSON.stringify(kept)) <= budget);
});
