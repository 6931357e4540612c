// Scenario tests of the membership state machine on the in-memory network (fake clock).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Sim, buildCluster } from "./membership-sim.js";
import { DEFAULT_MEMBERSHIP_CONFIG } from "../src/membership/index.js";

const BOUND = 10_000; // generous simulated bound for any wait

describe("membership engine (simulated network)", () => {
  it("a chain join (4 through 2) reaches every member, the master included", (t) => {
    const sim = new Sim(1);
    sim.addNode(1, "master");
    sim.addNode(2, "member");
    sim.addNode(4, "member");
    sim.addNode(3, "member");
    sim.join(2, 1);
    sim.join(4, 1);
    const start = sim.now;
    sim.join(3, 2); // the seed's topology: node 3 (port 8003) joins through node 2
    const ms = sim.runUntil(() => sim.converged(), BOUND);
    assert.ok(ms !== undefined, "converged");
    assert.equal(sim.stateAt(1, 3), "alive");
    assert.deepEqual(sim.masters(), [1, 1, 1, 1]);
    t.diagnostic(`chain join converged in ${sim.now - start} ms (simulated)`);
  });

  it("converges after a join within 100 ms at 16 nodes and 500 ms at 128", (t) => {
    for (const n of [16, 128]) {
      const sim = new Sim(n);
      const ids = buildCluster(sim, n - 1);
      assert.ok(sim.runUntil(() => sim.converged(), BOUND) !== undefined);
      sim.run(500);
      sim.addNode(99_000, "member");
      sim.join(99_000, ids[ids.length - 1] as number); // through the newest, not the master
      const ms = sim.runUntil(() => sim.allSee(99_000, "alive") && sim.converged(), BOUND);
      assert.ok(ms !== undefined);
      assert.ok(ms < (n === 16 ? 100 : 500), `convergence ${ms} ms at ${n}`);
      t.diagnostic(`${n} nodes: join converged in ${ms} ms (simulated), max datagram ${sim.maxDatagram} B`);
    }
  });

  it("a crash is suspected then failed at every survivor within bounded time", (t) => {
    const times: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const sim = new Sim(seed);
      const ids = buildCluster(sim, 16);
      sim.run(1000);
      const victim = ids[3 + (seed % 10)] as number;
      sim.crash(victim);
      const ms = sim.runUntil(() => sim.allSee(victim, "failed"), BOUND);
      assert.ok(ms !== undefined, "every survivor marks the crashed node failed");
      times.push(ms);
      assert.ok(sim.eventsOf("member.suspect", victim).length > 0);
      assert.equal(
        sim.eventsOf("member.failed").filter((e) => e.ev.peerId !== victim).length,
        0,
        "no false death",
      );
    }
    times.sort((a, b) => a - b);
    const max = times[times.length - 1] as number;
    t.diagnostic(`16 nodes, crash detected by all survivors: min ${times[0]} max ${max} ms over 10 seeds`);
    assert.ok(max < 1500, `crash detection ${max} ms`);
  });

  it("detects a paused node, which refutes and comes back alive when resumed", () => {
    const sim = new Sim(3);
    const ids = buildCluster(sim, 8);
    sim.run(1000);
    const victim = ids[5] as number;
    sim.pause(victim);
    const ms = sim.runUntil(() => sim.allSee(victim, "failed"), BOUND);
    assert.ok(ms !== undefined && ms < 2000, `pause detected in ${ms} ms`);
    const before = sim.events.length;
    sim.resume(victim);
    // It hears it was declared failed (sync to failed members, piggyback) and refutes.
    const back = sim.runUntil(() => sim.allSee(victim, "alive") && sim.converged(), BOUND);
    assert.ok(back !== undefined && back < 2000, `reconverged ${back} ms after resume`);
    const accusations = sim.events
      .slice(before)
      .filter((e) => e.node === victim && e.ev.event === "member.suspect");
    assert.deepEqual(accusations, [], "a node that was stalled does not accuse its probe target");
  });

  it("a slow node that acks late is suspected, refutes, and is never declared failed", () => {
    const sim = new Sim(4);
    const ids = buildCluster(sim, 8);
    sim.run(1000);
    const slow = ids[4] as number;
    sim.slowDown(slow, 200); // its acks arrive after the 150 ms probe period
    sim.run(5000);
    assert.ok(sim.eventsOf("member.suspect", slow).length > 0, "suspected at least once");
    assert.equal(sim.eventsOf("member.failed").length, 0, "no false death");
    const refuted = sim.events.some((e) => e.node === slow && e.ev.event === "member.alive" && e.ev.self);
    assert.ok(refuted, "it refuted by bumping its incarnation");
    sim.slowDown(slow, 0);
    assert.ok(sim.runUntil(() => sim.converged(), BOUND) !== undefined);
  });

  it("survives 10% datagram loss without false deaths", () => {
    const sim = new Sim(5);
    buildCluster(sim, 16);
    sim.run(500);
    sim.dropRate = 0.1;
    sim.run(20_000);
    assert.equal(sim.eventsOf("member.failed").length, 0);
    sim.dropRate = 0;
    assert.ok(sim.runUntil(() => sim.converged(), BOUND) !== undefined);
  });

  it("a graceful leave is recorded as left, not failed", () => {
    const sim = new Sim(6);
    const ids = buildCluster(sim, 6);
    sim.run(500);
    const leaver = ids[2] as number;
    sim.stop(leaver);
    const ms = sim.runUntil(() => sim.allSee(leaver, "left"), BOUND);
    assert.ok(ms !== undefined && ms < 50, `leave seen by all in ${ms} ms`);
    sim.run(3000);
    assert.ok(sim.allSee(leaver, "left"));
    assert.equal(sim.eventsOf("member.failed").length, 0);
  });

  it("garbage-collects failed and left entries after their retention", () => {
    const sim = new Sim(17, { retainFailedMs: 3000, retainLeftMs: 2000 });
    const ids = buildCluster(sim, 6);
    sim.run(500);
    const [crashed, leaver] = [ids[2] as number, ids[3] as number];
    sim.crash(crashed);
    sim.stop(leaver);
    assert.ok(
      sim.runUntil(() => sim.allSee(crashed, "failed") && sim.allSee(leaver, "left"), BOUND) !== undefined,
    );
    const gone = (id: number) => sim.up().every((n) => n.m.member(id) === undefined);
    assert.ok(
      sim.runUntil(() => gone(crashed) && gone(leaver), 5000) !== undefined,
      "both dropped from every view",
    );
    sim.run(3000);
    assert.ok(gone(crashed) && gone(leaver), "and they do not come back through gossip or sync");
  });

  it("a restart at the same address with a new id replaces the old entry", () => {
    const sim = new Sim(7);
    const ids = buildCluster(sim, 6);
    sim.run(500);
    const old = ids[3] as number;
    sim.restart(old, 77_777, ids[1] as number);
    // The new process never heard of its predecessor; everyone else marks it left.
    const oldGone = () => sim.up().every((n) => n.id === 77_777 || sim.stateAt(n.id, old) === "left");
    const ms = sim.runUntil(() => sim.allSee(77_777, "alive") && oldGone(), BOUND);
    assert.ok(ms !== undefined && ms < 100, `replacement seen by all in ${ms} ms`);
    const replaced = sim.eventsOf("member.left", old);
    assert.ok(replaced.length > 0 && replaced.every((e) => e.ev.reason === "replaced"));
    sim.run(3000);
    assert.ok(oldGone(), "the old id does not haunt the view");
    assert.equal(sim.eventsOf("member.failed").length, 0);
  });

  it("when the master crashes, the survivors agree on exactly one new master: the lowest id", () => {
    const sim = new Sim(8);
    const ids = buildCluster(sim, 8);
    sim.run(1000);
    const master = ids[0] as number;
    assert.deepEqual(new Set(sim.masters()), new Set([master]));
    sim.crash(master);
    const ms = sim.runUntil(() => new Set(sim.masters()).size === 1 && sim.masters()[0] === ids[1], BOUND);
    assert.ok(ms !== undefined, "one new master");
    const promoted = sim.node(ids[1] as number).m.self();
    assert.equal(promoted.role, "master");
    assert.equal(promoted.epoch, 2);
    sim.run(3000);
    assert.equal(sim.up().filter((n) => n.m.self().role === "master").length, 1, "exactly one claims it");
  });

  it("when the master leaves, failover is immediate", () => {
    const sim = new Sim(9);
    const ids = buildCluster(sim, 8);
    sim.run(500);
    sim.stop(ids[0] as number);
    const ms = sim.runUntil(() => sim.masters().every((m) => m === ids[1]), BOUND);
    assert.ok(ms !== undefined && ms < 300, `new master agreed in ${ms} ms (election delay 200 ms)`);
    assert.ok(sim.eventsOf("master.elected", ids[1]).length >= 7);
  });

  it("a partition heals: the minority master steps down, the majority elects, views merge", (t) => {
    const sim = new Sim(10);
    const ids = buildCluster(sim, 8);
    sim.run(1000);
    const a = ids.slice(0, 3); // holds the old master
    const b = ids.slice(3);
    sim.partition(a, b);
    const split = sim.runUntil(
      () => b.every((x) => a.every((y) => sim.stateAt(x, y) === "failed" && sim.stateAt(y, x) === "failed")),
      BOUND,
    );
    assert.ok(split !== undefined, "each side declares the other failed");
    sim.run(500);
    assert.equal(sim.node(b[0] as number).m.self().role, "master", "the majority elects its lowest id");
    assert.equal(sim.node(a[0] as number).m.self().role, "member", "the minority master resigned");
    assert.ok(sim.eventsOf("master.resigned").some((e) => e.node === a[0] && e.ev.reason === "no-quorum"));
    const healedAt = sim.now;
    sim.heal();
    const ms = sim.runUntil(() => sim.converged() && new Set(sim.masters()).size === 1, BOUND);
    assert.ok(ms !== undefined && ms < 2000, `reconverged in ${ms} ms`);
    assert.deepEqual(new Set(sim.masters()), new Set([b[0]]));
    assert.equal(sim.eventsOf("member.failed").filter((e) => e.t >= healedAt).length, 0, "no deaths on heal");
    t.diagnostic(`partition 3|5 heal: reconverged with one master in ${ms} ms (simulated)`);
  });

  it("a majority cut off one by one, the lowest id among them: one master soon after the heal", (t) => {
    const sim = new Sim(17);
    const ids = buildCluster(sim, 5);
    sim.run(1000);
    const cut = ids.slice(0, 3); // the master and the next lowest ids, each alone
    for (const x of cut)
      sim.partition(
        [x],
        ids.filter((y) => y !== x),
      );
    sim.run(8000); // long enough for the cut nodes' local health to reach the maximum
    const roles = ids.map((x) => sim.node(x).m.self().role);
    assert.ok(!roles.includes("master"), `no side has a quorum, so no master: ${roles.join(", ")}`);
    const cutHealth = sim.node(ids[0] as number).m.healthScore();
    sim.heal();
    const ms = sim.runUntil(() => sim.converged() && sim.masters().every((m) => m === ids[0]), BOUND);
    assert.ok(ms !== undefined, "one view again, and the lowest id is master in it");
    // Its probes went unanswered while cut, so its local health is at the maximum and each probe
    // period lasts 9 periods. Two answered probes show its view is fresh again: the period under way
    // at the heal and two more, not the five it takes the score to drain under half the scale.
    assert.equal(cutHealth, DEFAULT_MEMBERSHIP_CONFIG.awarenessMax, "the cut-off candidate's health");
    const { probeIntervalMs, electionDelayMs } = DEFAULT_MEMBERSHIP_CONFIG;
    const periodAtMax = (cutHealth + 1) * probeIntervalMs;
    assert.ok(ms < 3 * periodAtMax + electionDelayMs, `one master ${ms} ms after the heal (simulated)`);
    t.diagnostic(`majority cut one by one: one master ${ms} ms after the heal (simulated)`);
  });

  it("a partition heals as fast with a rare push-pull: the view goes to a failed member every heal period", (t) => {
    const sim = new Sim(11, { syncIntervalMs: 60_000 });
    const ids = buildCluster(sim, 8);
    sim.run(1000);
    const [a, b] = [ids.slice(0, 3), ids.slice(3)];
    sim.partition(a, b);
    const split = sim.runUntil(
      () => b.every((x) => a.every((y) => sim.stateAt(x, y) === "failed" && sim.stateAt(y, x) === "failed")),
      BOUND,
    );
    assert.ok(split !== undefined, "each side declares the other failed");
    sim.run(3000); // no probe crosses the cut any more: only the push to a failed member can
    sim.heal();
    const ms = sim.runUntil(() => sim.converged() && new Set(sim.masters()).size === 1, BOUND);
    assert.ok(ms !== undefined && ms < 2000, `reconverged in ${ms} ms with a 60 s push-pull period`);
    t.diagnostic(
      `partition 3|5 heal with --syncInterval 60000: one view and one master in ${ms} ms (simulated)`,
    );
  });

  it("an idle cluster with no failed member pushes its view only every sync period", () => {
    const sim = new Sim(12, { syncIntervalMs: 5000, healIntervalMs: 100 });
    const ids = buildCluster(sim, 16);
    assert.ok(sim.runUntil(() => sim.converged(), BOUND) !== undefined);
    sim.run(6000);
    const before = sim.sentByType.get("sync") ?? 0;
    sim.run(10_000);
    const syncs = (sim.sentByType.get("sync") ?? 0) - before;
    // Two periods of 5 s: one push-pull each per node, not one per 100 ms heal period.
    assert.ok(syncs <= ids.length * 3, `${syncs} sync datagrams from ${ids.length} idle nodes in 10 s`);
    assert.ok(syncs >= ids.length, `${syncs} sync datagrams: the push-pull still runs`);
  });

  it("after a heal, two masters become one: the higher epoch stays (quorum off)", () => {
    const sim = new Sim(16, { quorumMemoryMs: 0 });
    const ids = buildCluster(sim, 8);
    sim.run(1000);
    const a = ids.slice(0, 3);
    const b = ids.slice(3);
    sim.partition(a, b);
    sim.runUntil(() => sim.node(b[0] as number).m.self().role === "master", BOUND);
    assert.equal(sim.node(a[0] as number).m.self().role, "master", "both sides have a master");
    sim.heal();
    const ms = sim.runUntil(() => sim.converged() && sim.masters().every((m) => m === b[0]), BOUND);
    assert.ok(ms !== undefined && ms < 2000, `reconverged in ${ms} ms`);
    assert.equal(sim.node(a[0] as number).m.self().role, "member");
    assert.ok(
      sim.eventsOf("master.resigned", b[0]).some((e) => e.node === a[0] && e.ev.reason === "better-claim"),
    );
  });

  it("a master alone for a while keeps office when members join: their requests are news from the cluster", () => {
    const sim = new Sim(17);
    const master = 1000;
    sim.addNode(master, "master");
    sim.run(10_000); // nobody joins for longer than any suspicion: the master has heard from no one
    const joiners = [1007, 1014, 1021];
    for (const id of joiners) {
      sim.addNode(id, "member");
      sim.join(id, master); // back to back: no datagram from a joiner reaches the master between them
    }
    sim.run(1000);
    assert.deepEqual(sim.eventsOf("master.resigned"), [], "no resignation");
    assert.deepEqual(sim.masters(), [master, master, master, master]);
    assert.equal(sim.node(master).m.self().epoch, 1, "still the first epoch: never re-elected");
  });

  it("a master starved with the whole machine keeps office: its own stall is not the cluster's silence", () => {
    const sim = new Sim(19);
    const ids = buildCluster(sim, 8);
    sim.run(2000);
    const master = ids[0] as number;
    // Every process stalls for longer than any suspicion; the master runs first again, before
    // anyone has had the chance to send it a datagram.
    for (const id of ids) sim.pause(id);
    sim.run(5000);
    sim.resume(master);
    sim.run(50);
    for (const id of ids.slice(1)) sim.resume(id);
    sim.run(2000);
    assert.ok(
      sim.eventsOf("node.stalled").some((e) => e.node === master),
      "the master saw its stall",
    );
    assert.deepEqual(sim.eventsOf("master.resigned"), [], "no resignation");
    assert.deepEqual(new Set(sim.masters()), new Set([master]));
    assert.equal(sim.node(master).m.self().epoch, 1, "still the first epoch: never re-elected");
  });

  it("a node cut off alone does not stay master, so healing changes no master", () => {
    const sim = new Sim(15);
    const ids = buildCluster(sim, 8);
    sim.run(1000);
    const lone = ids[1] as number; // the lowest id after the master: the would-be winner
    sim.partition(
      [lone],
      ids.filter((x) => x !== lone),
    );
    sim.crash(ids[0] as number); // and the master dies meanwhile
    sim.run(3000);
    // It may promote before it notices it is alone, but steps down once it has no majority.
    assert.equal(sim.node(lone).m.self().role, "member", "no quorum alone: not master");
    assert.equal(sim.node(ids[2] as number).m.self().role, "master", "the majority elects its lowest id");
    const before = sim.events.length;
    sim.heal();
    const ms = sim.runUntil(() => sim.converged() && sim.masters().every((m) => m === ids[2]), BOUND);
    assert.ok(ms !== undefined && ms < 2000, `healed in ${ms} ms`);
    const majorityChanges = sim.events
      .slice(before)
      .filter((e) => e.node !== lone && e.ev.event.startsWith("master."));
    assert.deepEqual(majorityChanges, [], "the majority's master is untouched by the heal");
  });

  it("two masters with the same epoch: the lower id stays", () => {
    // Quorum off (quorumMemoryMs 0): both halves elect, each its lowest id, both at epoch 2.
    const sim = new Sim(11, { quorumMemoryMs: 0 });
    const ids = buildCluster(sim, 6);
    sim.run(500);
    // Both halves lose the master at once, each elects its lowest: same epoch 2.
    const [m, ...rest] = ids as [number, ...number[]];
    const a = rest.slice(0, 2);
    const b = rest.slice(2);
    sim.partition(a, b);
    sim.crash(m);
    sim.runUntil(
      () =>
        sim.node(a[0] as number).m.self().role === "master" &&
        sim.node(b[0] as number).m.self().role === "master",
      BOUND,
    );
    assert.equal(sim.node(b[0] as number).m.self().epoch, 2);
    sim.heal();
    const ms = sim.runUntil(() => sim.converged() && sim.masters().every((x) => x === a[0]), BOUND);
    assert.ok(ms !== undefined);
  });

  it("a seed node joining through us is kept alive without probes; joining a seed master degrades", () => {
    const sim = new Sim(12);
    const ids = buildCluster(sim, 3);
    sim.addNode(55, "member", "10.9.9.9", 8009);
    sim.join(55, ids[1] as number, { seedJoiner: true }); // a Go seed node: TCP only
    sim.crash(55); // it speaks no UDP: nothing may depend on its answers
    sim.run(5000);
    assert.ok(
      ids.every((id) => sim.stateAt(id, 55) === "alive"),
      "known everywhere, never suspected",
    );
    assert.equal(sim.node(ids[0] as number).m.member(55)?.seed, true);

    const lone = new Sim(13);
    lone.addNode(1, "member"); // plays the seed master (we only use its address)
    lone.addNode(2, "member");
    lone.join(2, 1, { seedResponder: true });
    lone.crash(1);
    lone.run(5000);
    const m2 = lone.node(2).m;
    assert.equal(m2.isDegraded(), true);
    assert.equal(m2.member(1)?.state, "alive");
    assert.equal(m2.self().role, "member", "no self-promotion in a seed cluster");
  });

  it("keeps every datagram under the size cap when the view needs several datagrams", () => {
    const sim = new Sim(14);
    // Long DNS-style names make 100 records about 15 KB: full views must be split.
    const name = (i: number) =>
      `joinlab-run-0123456789abcdef-node-${String(i).padStart(3, "0")}.joinlab.internal`;
    buildCluster(sim, 100, 1000, name);
    sim.run(1500);
    const viewBytes = Buffer.byteLength(JSON.stringify(sim.node(1000).m.view()));
    assert.ok(viewBytes > 12_000, `view of ${viewBytes} B`);
    assert.ok(sim.maxDatagram < 8000, `largest datagram ${sim.maxDatagram} B`);
    assert.ok(sim.converged(), "converged");
  });
});
