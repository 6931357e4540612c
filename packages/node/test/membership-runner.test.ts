// Loopback test of the membership runner: real UDP between five runners on 127.0.0.1.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { after, describe, it } from "node:test";
import { MembershipRunner } from "../src/membership/membership-runner.js";
import type { MemberRecord, MembershipEvent } from "../src/membership/types.js";

const HOST = "127.0.0.1";

/** Polls `pred` every 10 ms; false after `maxMs` (a generous failure bound, not a performance assertion). */
async function waitFor(pred: () => boolean, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return pred();
}

const stateAt = (r: MembershipRunner, id: number): MemberRecord["state"] | undefined =>
  r.view().find((m) => m.id === id)?.state;

describe("membership runner over loopback UDP", () => {
  const runners: MembershipRunner[] = [];
  const events = new Map<number, MembershipEvent[]>();
  after(async () => {
    for (const r of runners) await r.abort();
  });

  async function start(id: number, role: "master" | "member", addr = HOST): Promise<MembershipRunner> {
    const log: MembershipEvent[] = [];
    events.set(id, log);
    const r = await MembershipRunner.start({
      self: { id, addr, port: 0, role },
      bindHost: HOST,
      onEvent: (e) => log.push(e),
    });
    runners.push(r);
    return r;
  }

  /** What the node does around the TCP handshake, with the JSON round trip of the response. */
  function join(joiner: MembershipRunner, via: MembershipRunner): void {
    const j = joiner.membership.self();
    const members = via.admitJoiner({ id: j.id, addr: j.addr, port: j.port, gen: j.gen });
    const v = via.membership.self();
    joiner.seedFromJoinResponse(JSON.parse(JSON.stringify(members)), {
      id: v.id,
      addr: v.addr,
      port: v.port,
    });
  }

  it("converges, detects a crash, records a leave, fails over, and ignores garbage", async () => {
    const a = await start(11, "master");
    const b = await start(22, "member");
    const c = await start(33, "member");
    const d = await start(44, "member");
    const e = await start(55, "member", "localhost"); // a name: the transport resolves it
    join(b, a);
    join(c, a);
    join(d, b); // chain joins
    join(e, d);
    const all = [a, b, c, d, e];
    const ids = [11, 22, 33, 44, 55];
    const converged = (live: MembershipRunner[], liveIds: number[]) =>
      live.every((r) => liveIds.every((id) => stateAt(r, id) === "alive"));
    assert.ok(await waitFor(() => converged(all, ids), 5000), "five runners converge");
    assert.ok(all.every((r) => r.master()?.id === 11));

    // Garbage from a stranger: counted, logged once, and the runner keeps working.
    const junk = dgram.createSocket("udp4");
    const target = c.membership.self().port;
    for (const g of ["not json", "{}", '{"type":"ping","from":-1,"seq":0}', "\u0000\u0001"]) {
      await new Promise<void>((res) => junk.send(g, target, HOST, () => res()));
    }
    junk.close();
    assert.ok(await waitFor(() => c.stats().invalid >= 4, 2000));
    assert.ok(events.get(33)?.some((ev) => ev.event === "protocol.error"));

    // Crash (no leave): every survivor marks it failed.
    await d.abort();
    const survivors = [a, b, c, e];
    assert.ok(
      await waitFor(() => survivors.every((r) => stateAt(r, 44) === "failed"), 10_000),
      "crash detected",
    );
    assert.ok(events.get(11)?.some((ev) => ev.event === "member.suspect" && ev.peerId === 44));

    // Graceful stop of the master: left, not failed, and the lowest id takes over.
    await a.stop();
    const rest = [b, c, e];
    assert.ok(await waitFor(() => rest.every((r) => stateAt(r, 11) === "left"), 5000), "leave seen");
    assert.ok(await waitFor(() => rest.every((r) => r.master()?.id === 22), 5000), "failover to 22");
    assert.equal(b.membership.self().epoch, 2);
    for (const [id, log] of events) {
      if (id === 44) continue;
      assert.ok(
        !log.some((ev) => ev.event === "member.failed" && ev.peerId !== 44),
        `no false death at ${id}`,
      );
    }
  });

  it("reports a UDP port already in use clearly", async () => {
    const first = await start(66, "master");
    const port = first.membership.self().port;
    await assert.rejects(
      MembershipRunner.start({ self: { id: 77, addr: HOST, port, role: "master" }, bindHost: HOST }),
      /cannot bind UDP port/,
    );
  });
});
