// Membership through the built bin on loopback: master failover, restart replacement, a taken UDP port.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { awaitAbout, joinVia, linesOf, msAfter, seedTopology } from "./support/cluster.js";
import { NodeFleet, WAIT_MS, freePort } from "./support/node-process.js";

const fleet = new NodeFleet();
const sockets: dgram.Socket[] = [];
after(() => {
  fleet.killAll();
  for (const socket of sockets) socket.close();
});

/** Polls a ready file until `pred` holds; bounded by WAIT_MS. */
async function readyFileUntil(path: string, pred: (content: { role?: string }) => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    let content: { role?: string } = {};
    try {
      content = JSON.parse(readFileSync(path, "utf8")) as { role?: string };
    } catch {
      // Not there, or being replaced: look again.
    }
    if (pred(content)) return;
    if (Date.now() > deadline) throw new Error(`${path} never matched; last ${JSON.stringify(content)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("the master crashes: the survivors agree on exactly one new master, the lowest id", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "joinlab-failover-"));
  const readyFile = (name: string): string => join(dir, `${name}.ready`);
  const nodes = await seedTopology(fleet, (name) => ["--readyFile", readyFile(name)]);
  const [master] = nodes;
  assert.ok(master);
  const survivors = nodes.filter((node) => node !== master);
  for (const node of survivors) await awaitAbout(node, "master.elected", master.id);
  for (const node of survivors)
    for (const other of survivors) {
      if (other !== node) await awaitAbout(node, "member.joined", other.id);
    }
  const winner = survivors.reduce((best, node) => (node.id < best.id ? node : best));

  const killedAt = Date.now();
  master.node.kill();
  const elected = await Promise.all(
    survivors.map((node) =>
      node.node.waitFor(
        (line) => line.event === "master.elected" && line["previousId"] === master.id,
        `${node.name}: a new master`,
      ),
    ),
  );
  t.diagnostic(
    `new master ${winner.id} seen by each survivor after ${elected.map((line) => msAfter(killedAt, line)).join(", ")} ms`,
  );
  for (const [i, line] of elected.entries()) {
    const node = survivors[i];
    assert.equal(line.peerId, winner.id, `${node?.name} follows the documented rule (lowest id)`);
    assert.equal(line["epoch"], 2, "a fresh epoch");
    assert.equal(line["change"], node === winner ? "promoted" : "changed");
  }
  const promoted = survivors.flatMap((node) =>
    node.node.lines.filter((line) => line.event === "master.elected" && line["change"] === "promoted"),
  );
  assert.equal(promoted.length, 1, "exactly one node promotes itself");
  for (const node of survivors) await awaitAbout(node, "member.failed", master.id);
  // The node's role follows the engine: the winner's ready file and its join responses say master.
  await readyFileUntil(readyFile(winner.name), (content) => content.role === "master");
  for (const node of survivors) {
    if (node !== winner) assert.equal(JSON.parse(readFileSync(readyFile(node.name), "utf8")).role, "member");
  }
  const late = await joinVia(fleet, "late", winner.port);
  const received = await late.node.event("join.response.received");
  assert.equal(received["responderRole"], "master");
  const seen = await late.node.waitFor((line) => line.event === "master.elected", "late sees the master");
  assert.equal(seen.peerId, winner.id);
});

test("a restart at the same port with a new id replaces the old entry everywhere", async (t) => {
  const nodes = await seedTopology(fleet);
  const old = nodes[2];
  assert.ok(old);
  const others = nodes.filter((node) => node !== old);
  for (const node of others) await awaitAbout(node, "member.joined", old.id);
  old.node.kill();
  await old.node.exit();
  const fresh = await joinVia(fleet, "b2", nodes[0]?.port ?? 0, [], old.port);
  const restartedAt = Date.parse((await fresh.node.event("join.request.sent")).time);
  assert.notEqual(fresh.id, old.id);
  const replaced = await Promise.all(
    others.map((node) => awaitAbout(node, "member.left", old.id, (line) => line["reason"] === "replaced")),
  );
  t.diagnostic(
    `replacement seen by each node, after the new process sent its join request: ${replaced.map((line) => msAfter(restartedAt, line)).join(", ")} ms`,
  );
  for (const line of replaced) assert.equal(line["replacedBy"], fresh.id);
  for (const node of others) await awaitAbout(node, "member.joined", fresh.id);
  for (const node of others) await awaitAbout(fresh, "member.joined", node.id);
  assert.equal(
    linesOf(fresh, "member.joined", old.id).length,
    0,
    "the old process never reaches the new one's view",
  );
});

test("a taken UDP port is fatal like a taken TCP port: exit 3 with node.fatal", async () => {
  const socket = dgram.createSocket("udp4");
  sockets.push(socket);
  const port = await new Promise<number>((resolve) =>
    socket.bind(0, "127.0.0.1", () => resolve(socket.address().port)),
  );
  const unused = await freePort();
  const node = fleet.spawn([
    "--makeMasterOnError",
    "--myport",
    String(port),
    "--clusterip",
    `127.0.0.1:${unused}`,
  ]);
  assert.equal((await node.exit()).code, 3);
  const fatal = node.lines.find((line) => line.event === "node.fatal");
  assert.equal(fatal?.["reason"], "EADDRINUSE");
  assert.match(node.stderr, /udp/);
  assert.ok(!node.lines.some((line) => line.event === "node.listening"), "never listens on TCP");
});
