// A member advertised by name states its own IPv4 address, and peers send its datagrams there:
// no member's name is looked up once it has spoken for itself.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Membership, ownIp } from "../src/membership/membership.js";
import type { MemberRecord, Output } from "../src/membership/types.js";
import { parseDatagram } from "../src/membership/wire-validate.js";

const GEN = 1_000;

function node(id: number, role: "master" | "member", ip?: string): Membership {
  const self = { id, addr: `node${id}`, port: 8000 + id, role, gen: GEN + id };
  return new Membership({ self: ip === undefined ? self : { ...self, ip }, now: 0, random: () => 0.5 });
}

/** Hands every datagram of `out` meant for `toId` to `to`; returns where they were addressed. */
function deliver(out: Output, toId: number, to: Membership, fromAddr: string, now: number): string[] {
  const addresses: string[] = [];
  for (const o of out.send.filter((s) => s.toId === toId)) {
    addresses.push(o.addr);
    to.receive(o.msg, now, { addr: fromAddr, port: 1 });
  }
  return addresses;
}

/** Ticks `m` until it sends something to `toId`; returns that datagram's address. */
function nextSendTo(m: Membership, toId: number, from: number): string | undefined {
  for (let now = from; now < from + 20_000; now += 50) {
    const hit = m.tick(now).send.find((s) => s.toId === toId);
    if (hit) return hit.addr;
  }
  return undefined;
}

describe("a member's own address", () => {
  it("a joiner and the master it joins state their IPs, and each sends to the other's IP", () => {
    const master = node(1, "master");
    const joiner = node(2, "member", "172.18.0.3"); // its end of the join connection
    const joinerInfo = { id: 2, addr: "node2", port: 8002, gen: GEN + 2 };
    const { members } = master.admitJoiner(joinerInfo, 10, "::ffff:172.18.0.2"); // our end of it
    assert.equal(master.self().ip, "172.18.0.2");

    const adopted = joiner.seedFromJoinResponse(members, { id: 1, addr: "node1", port: 8001 }, 20);
    assert.equal(joiner.member(1)?.ip, "172.18.0.2", "the join response carries the master's IP");

    // The joiner's first news (its raised incarnation) reaches the master, addressed by IP.
    const sentTo = deliver(adopted, 1, master, "172.18.0.3", 30);
    const gossip = sentTo.length > 0 ? sentTo : deliver(joiner.tick(300), 1, master, "172.18.0.3", 300);
    assert.deepEqual([...new Set(gossip)], ["172.18.0.2"]);
    assert.equal(master.member(2)?.ip, "172.18.0.3", "the joiner's own word names its IP");
    assert.equal(nextSendTo(master, 2, 400), "172.18.0.3", "the master probes the joiner at its IP");
  });

  it("a member advertised by IP states nothing more, and a name is sent to as it is", () => {
    assert.equal(ownIp("10.0.0.5", "10.0.0.9"), undefined);
    assert.equal(ownIp("node5", "fe80::1"), undefined);
    assert.equal(ownIp("node5", "::ffff:10.0.0.9"), "10.0.0.9");
    const byIp = new Membership({
      self: { id: 5, addr: "10.0.0.5", port: 8005, role: "master", ip: "10.0.0.9" },
      now: 0,
    });
    assert.equal(byIp.self().ip, undefined);

    const master = node(1, "master"); // no join answered yet: no IP of its own to state
    const joiner = node(2, "member");
    const { members } = master.admitJoiner({ id: 2, addr: "node2", port: 8002, gen: GEN + 2 }, 0);
    joiner.seedFromJoinResponse(members, { id: 1, addr: "node1", port: 8001 }, 0);
    assert.equal(nextSendTo(joiner, 1, 100), "node1");
  });

  it("news about a member that lacks its IP keeps the IP already known", () => {
    const master = node(1, "master");
    const joiner = node(2, "member", "172.18.0.3");
    const { members } = master.admitJoiner({ id: 2, addr: "node2", port: 8002, gen: GEN + 2 }, 0);
    deliver(joiner.seedFromJoinResponse(members, { id: 1, addr: "node1", port: 8001 }, 0), 1, master, "x", 0);
    assert.equal(master.member(2)?.ip, "172.18.0.3");

    // A third member relays an older copy of the joiner's record, suspect at a higher incarnation.
    const relayed: MemberRecord = { ...(master.member(2) as MemberRecord), state: "suspect", inc: 5, by: 3 };
    delete relayed.ip;
    master.receive({ type: "update", from: 3, updates: [relayed] }, 50, { addr: "172.18.0.4", port: 8003 });
    assert.equal(master.member(2)?.state, "suspect");
    assert.equal(master.member(2)?.ip, "172.18.0.3");
  });

  it("a record's IP must be an IPv4 address", () => {
    const record = {
      id: 7,
      addr: "node7",
      port: 8007,
      role: "member",
      state: "alive",
      inc: 0,
      epoch: 0,
      gen: 1,
    };
    const datagram = (ip: unknown) =>
      JSON.stringify({ type: "update", from: 7, updates: [{ ...record, ip }] });
    const ok = parseDatagram(Buffer.from(datagram("172.18.0.7")), 8000);
    assert.ok(ok.ok && ok.msg.type === "update" && ok.msg.updates?.[0]?.ip === "172.18.0.7");
    for (const bad of ["node7", "::1", 7, ""]) {
      const parsed = parseDatagram(Buffer.from(datagram(bad)), 8000);
      assert.equal(parsed.ok, false, `ip ${JSON.stringify(bad)} is refused`);
    }
  });
});
