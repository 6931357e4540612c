// Lifeguard and gossip: local health, dynamic suspicion, nacks, the wire additions, and that no
// message goes to every member at once (simulated network, fake clock).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_MEMBERSHIP_CONFIG, suspicionMin } from "../src/membership/config.js";
import { LocalHealth } from "../src/membership/local-health.js";
import { suspicionTimeout } from "../src/membership/suspicion.js";
import { encodeMessage, type MembershipMessage } from "../src/membership/wire.js";
import { parseDatagram } from "../src/membership/wire-validate.js";
import { Sim, buildCluster } from "./membership-sim.js";

const BOUND = 20_000;

describe("Lifeguard", () => {
  it("local health stays within 0..max and stretches durations by score + 1", () => {
    const h = new LocalHealth(8);
    h.apply(-1);
    assert.equal(h.scale(100), 100);
    for (let i = 0; i < 20; i++) h.apply(1);
    assert.equal(h.score, 8);
    assert.equal(h.scale(100), 900);
  });

  it("a suspicion shrinks from max to min as independent confirmations arrive", () => {
    assert.equal(suspicionTimeout(0, 2, 300, 1200), 1200);
    const one = suspicionTimeout(1, 2, 300, 1200);
    assert.ok(one < 1200 && one > 300, `${one}`);
    assert.equal(suspicionTimeout(2, 2, 300, 1200), 300);
    assert.equal(suspicionTimeout(0, 0, 300, 1200), 300, "no confirmations expected: the minimum");
  });

  it("nack and the accuser field round-trip; malformed ones are refused, never thrown", () => {
    const nack: MembershipMessage = { type: "nack", from: 3, seq: 9, target: 4 };
    const parsed = parseDatagram(encodeMessage(nack), 8000);
    assert.ok(parsed.ok && parsed.msg.type === "nack");
    const req = { type: "ping-req", from: 1, seq: 2, target: 5, addr: "h", port: 9, nack: true };
    const r = parseDatagram(JSON.stringify(req), 8000);
    assert.ok(r.ok && r.msg.type === "ping-req" && r.msg.nack === true);
    const suspect = {
      id: 5,
      addr: "h",
      port: 9,
      role: "member",
      state: "suspect",
      inc: 1,
      epoch: 0,
      gen: 1,
      by: 3,
    };
    const u = parseDatagram(JSON.stringify({ type: "update", from: 3, updates: [suspect] }), 8000);
    assert.ok(u.ok && u.msg.type === "update" && u.msg.updates[0]?.by === 3);
    for (const bad of [
      { type: "nack", from: 3, seq: -1, target: 4 },
      { type: "nack", from: 3, seq: 1 },
      { ...req, nack: "yes" },
      { type: "update", from: 3, updates: [{ ...suspect, by: "x" }] },
    ]) {
      const p = parseDatagram(JSON.stringify(bad), 8000);
      assert.ok(!p.ok && p.code === "invalid-message", JSON.stringify(bad));
    }
    assert.equal(parseDatagram("x".repeat(9000), 8000).ok, false);
  });

  it("a helper nacks a ping-req whose target stays silent, so the prober's health holds", () => {
    const sim = new Sim(31);
    const ids = buildCluster(sim, 8);
    sim.run(2000);
    const victim = ids[4] as number;
    sim.crash(victim);
    assert.ok(sim.runUntil(() => sim.allSee(victim, "failed"), BOUND) !== undefined);
    assert.ok((sim.sentByType.get("nack") ?? 0) > 0, "nacks were sent");
    for (const n of sim.up()) assert.ok(n.m.healthScore() <= 1, `node ${n.id} health ${n.m.healthScore()}`);
  });

  it("a node stalled 10 s comes back alive everywhere and causes no other death", (t) => {
    const sim = new Sim(32);
    const ids = buildCluster(sim, 16);
    sim.run(2000);
    const stalled = ids[6] as number;
    sim.pause(stalled);
    sim.run(10_000);
    assert.ok(sim.allSee(stalled, "failed"), "declared failed while stalled");
    const before = sim.events.length;
    sim.resume(stalled);
    const back = sim.runUntil(() => sim.allSee(stalled, "alive") && sim.converged(), BOUND);
    assert.ok(back !== undefined, "alive again everywhere");
    const deaths = sim.events.slice(before).filter((e) => e.ev.event === "member.failed");
    assert.deepEqual(deaths, [], "no death caused by its return");
    assert.ok(sim.node(stalled).m.healthScore() > 0, "it knows it was unwell");
    // It says so once, as soon as it runs again: the datagrams that waited are read first.
    const stalls = sim.events
      .slice(before)
      .filter((e) => e.node === stalled && e.ev.event === "node.stalled");
    assert.equal(stalls.length, 1, "one node.stalled line");
    assert.ok(Number(stalls[0]?.ev.lateMs) >= 9000, `late by ${stalls[0]?.ev.lateMs} ms`);
    assert.equal(stalls[0]?.t, sim.now - back, "logged at the resume");
    t.diagnostic(`16 nodes: a node stalled 10 s is alive everywhere ${back} ms after it resumes`);
  });

  it("with a newcomer window, a member that crashes just after joining has the longest time to refute", () => {
    const config = { newcomerWindowMs: 10_000 };
    const shortest = suspicionMin({ ...DEFAULT_MEMBERSHIP_CONFIG, ...config }, 17);
    const longest = shortest * DEFAULT_MEMBERSHIP_CONFIG.suspicionMaxMult;
    // Each survivor's own time from suspecting the victim to declaring it failed, for a crash at `at` ms.
    const timesToFail = (at: number): number[] => {
      const sim = new Sim(41, config);
      const ids = buildCluster(sim, 17);
      sim.run(at);
      const victim = ids[9] as number;
      sim.crash(victim);
      assert.ok(sim.runUntil(() => sim.allSee(victim, "failed"), BOUND) !== undefined, "declared failed");
      return sim.eventsOf("member.failed", victim).map((failed) => {
        const suspected = sim.eventsOf("member.suspect", victim).find((e) => e.node === failed.node);
        return failed.t - (suspected?.t ?? failed.t);
      });
    };
    const young = timesToFail(500);
    const settled = timesToFail(11_000);
    assert.ok(Math.min(...young) >= longest, `young: ${Math.min(...young)} ms, longest ${longest}`);
    assert.ok(Math.min(...settled) < 2 * shortest, `settled: ${Math.min(...settled)} ms`);
  });

  it("slow nodes under 10 % loss are never declared failed", () => {
    const sim = new Sim(33);
    const ids = buildCluster(sim, 16);
    sim.run(2000);
    sim.slowDown(ids[3] as number, 150);
    sim.slowDown(ids[9] as number, 150);
    sim.dropRate = 0.1;
    sim.run(20_000);
    assert.deepEqual(sim.eventsOf("member.failed"), []);
  });
});

describe("dissemination by gossip", () => {
  it("no call sends one message type to every member: joins, crashes and leaves travel by gossip", () => {
    const sim = new Sim(34);
    const ids = buildCluster(sim, 32);
    const worst = { count: 0, what: "" };
    for (const n of sim.nodes.values()) {
      const m = n.m;
      for (const name of ["tick", "receive", "admitJoiner", "seedFromJoinResponse", "leave"] as const) {
        const original = (m[name] as (...a: unknown[]) => { send: { msg: { type: string } }[] }).bind(m);
        (m as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
          const out = original(...a);
          const perType = new Map<string, number>();
          for (const o of out.send) perType.set(o.msg.type, (perType.get(o.msg.type) ?? 0) + 1);
          for (const [type, count] of perType)
            if (count > worst.count && type !== "sync" && type !== "sync-ack")
              Object.assign(worst, { count, what: `${name} ${type}` });
          return out;
        };
      }
    }
    sim.run(2000);
    sim.crash(ids[5] as number);
    assert.ok(sim.runUntil(() => sim.allSee(ids[5] as number, "failed"), BOUND) !== undefined);
    sim.stop(ids[7] as number);
    assert.ok(sim.runUntil(() => sim.allSee(ids[7] as number, "left"), BOUND) !== undefined);
    // A gossip round (fanout 3), plus an accusation straight to the accused or a refutation straight
    // to the accuser: never one per member (31 here).
    assert.ok(worst.count <= 5, `at most 5 of one type per call, saw ${worst.count} (${worst.what})`);
  });

  it("a long gossip interval does not hold fresh news back: a join right after another spreads at once", () => {
    // A large run's timings with rounds 2 s apart (as runs past 64 nodes): only the resends wait.
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = new Sim(seed, { probeIntervalMs: 1000, probeTimeoutMs: 300, gossipIntervalMs: 2000 });
      const ids = buildCluster(sim, 8);
      sim.run(5000);
      for (const [joiner, gapMs] of [
        [50_001, 0],
        [50_002, 30],
      ] as const) {
        sim.run(gapMs);
        sim.addNode(joiner, "member");
        sim.join(joiner, ids[0] as number);
        const ms = sim.runUntil(() => ids.every((o) => sim.stateAt(o, joiner) === "alive"), BOUND);
        assert.ok(ms !== undefined && ms < 100, `seed ${seed}: ${joiner} known by all after ${ms} ms`);
      }
    }
  });
});
