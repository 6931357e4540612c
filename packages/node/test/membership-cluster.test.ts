// Membership through the built bin on loopback: convergence (chain join included), crash detection, graceful leave.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { awaitAbout, linesOf, msAfter, seedTopology } from "./support/cluster.js";
import { NodeFleet } from "./support/node-process.js";

const fleet = new NodeFleet();
after(() => fleet.killAll());

test("the seed topology converges: every node learns every other, the master included of the chain joiner", async (t) => {
  const nodes = await seedTopology(fleet);
  const [master, a, , c] = nodes;
  assert.ok(master && a && c);
  for (const node of nodes) {
    for (const other of nodes) {
      if (other !== node) await awaitAbout(node, "member.joined", other.id);
    }
  }
  // The master heard of c by gossip, not from a handshake of its own: from a, which admitted c, or
  // from any member a's gossip reached first (gossip goes to a few random members, not to all).
  const learned = await awaitAbout(master, "member.joined", c.id);
  assert.equal(learned["via"], "gossip");
  const relays = nodes.filter((node) => node !== master).map((node) => node.id);
  assert.ok(relays.includes(learned["by"] as number), `learned from a member (by ${String(learned["by"])})`);
  // Every joiner agrees on who the master is.
  for (const node of nodes.slice(1)) {
    const elected = node.node.lines.find((line) => line.event === "master.elected");
    assert.equal(elected?.peerId, master.id, `${node.name} sees the master`);
  }
  // From a's answer to c (when a admitted c and broadcast it) to the last node that learned of c.
  const joinedAt = Date.parse((await awaitAbout(a, "join.response.sent", c.id)).time);
  const spread = nodes
    .filter((node) => node !== c)
    .map((node) => msAfter(joinedAt, linesOf(node, "member.joined", c.id)[0] ?? assert.fail()));
  t.diagnostic(`chain join of c known by all nodes ${Math.max(...spread)} ms after a answered its join`);
  // A suspicion refuted in time is allowed (a loaded machine); report how many there were.
  t.diagnostic(
    `suspicions during start-up: ${nodes.flatMap((node) => linesOf(node, "member.suspect")).length}`,
  );
  assert.equal(
    nodes.flatMap((node) => linesOf(node, "member.failed")).length,
    0,
    "nobody is declared failed in a healthy cluster",
  );
});

test("a crashed member (SIGKILL) is declared failed by every survivor", async (t) => {
  const nodes = await seedTopology(fleet);
  const victim = nodes[2];
  assert.ok(victim);
  for (const node of nodes) if (node !== victim) await awaitAbout(node, "member.joined", victim.id);
  const killedAt = Date.now();
  victim.node.kill();
  const survivors = nodes.filter((node) => node !== victim);
  const failed = await Promise.all(survivors.map((node) => awaitAbout(node, "member.failed", victim.id)));
  t.diagnostic(
    `crash detected by each survivor after ${failed.map((line) => msAfter(killedAt, line)).join(", ")} ms`,
  );
  for (const node of survivors) {
    assert.equal(linesOf(node, "member.left", victim.id).length, 0, "a crash is not a leave");
    for (const other of survivors) {
      assert.equal(
        linesOf(node, "member.failed", other.id).length,
        0,
        `${node.name} kept ${other.name} alive`,
      );
    }
  }
});

test("a graceful stop (SIGTERM) is a leave, not a failure, and still exits 0 promptly", async (t) => {
  const nodes = await seedTopology(fleet);
  const leaver = nodes[1];
  assert.ok(leaver);
  for (const node of nodes) if (node !== leaver) await awaitAbout(node, "member.joined", leaver.id);
  const stoppedAt = Date.now();
  leaver.node.child.kill("SIGTERM");
  assert.equal((await leaver.node.exit()).code, 0);
  const own = leaver.node.lines.find((line) => line.event === "member.left");
  assert.equal(own?.["self"], true, "the leaver logs its own leave");
  const survivors = nodes.filter((node) => node !== leaver);
  const left = await Promise.all(
    survivors.map((node) => awaitAbout(node, "member.left", leaver.id, (line) => line["reason"] === "leave")),
  );
  t.diagnostic(
    `leave recorded by each survivor after ${left.map((line) => msAfter(stoppedAt, line)).join(", ")} ms`,
  );
  // Give a wrong verdict the time it would need (probe + suspicion) before checking there is none.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const node of survivors) {
    assert.equal(linesOf(node, "member.failed", leaver.id).length, 0, `${node.name}: left, not failed`);
    for (const line of linesOf(node, "member.suspect", leaver.id)) {
      t.diagnostic(
        `${node.name} suspected the leaver ${msAfter(stoppedAt, line)} ms after SIGTERM (under load)`,
      );
    }
  }
});
