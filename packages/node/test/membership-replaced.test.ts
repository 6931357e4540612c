// A restart at the same address, heard second-hand: one view that says "the old process left, the
// new one is alive" logs the old record as replaced by the new one, whatever the view's order.
import assert from "node:assert/strict";
import { it } from "node:test";
import { Membership } from "../src/membership/membership.js";
import type { MemberRecord } from "../src/membership/types.js";

const rec = (id: number, state: MemberRecord["state"], gen: number): MemberRecord => ({
  id,
  addr: "127.0.0.1",
  port: 8003,
  role: "member",
  state,
  inc: 1,
  epoch: 0,
  gen,
});

it("a view with the old process left before the new one alive logs the old one as replaced", () => {
  const m = new Membership({
    self: { id: 1, addr: "127.0.0.1", port: 8001, role: "master", gen: 1 },
    now: 0,
    random: () => 0.5,
  });
  m.admitJoiner({ id: 3, addr: "127.0.0.1", port: 8003, gen: 100 }, 10);
  const out = m.receive(
    { type: "sync", from: 2, part: 0, parts: 1, members: [rec(3, "left", 100), rec(30, "alive", 200)] },
    500,
  );
  const left = out.events.flatMap((e) => (e.event === "member.left" && e.peerId === 3 ? [e] : []));
  assert.equal(left.length, 1);
  assert.equal(left[0]?.reason, "replaced");
  assert.equal(left[0]?.replacedBy, 30);
  assert.equal(m.member(30)?.state, "alive");
});
