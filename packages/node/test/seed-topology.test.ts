// The seed article's four-node demo on loopback with real processes: master, two direct joins, one chain join.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { NodeFleet, freePort, type NodeProcess, type TestLogLine } from "./support/node-process.js";

const fleet = new NodeFleet();
after(() => fleet.killAll());

/** The handshake's events; membership lines (member.*, master.*) interleave and are checked elsewhere. */
function eventsOf(node: NodeProcess): string[] {
  return node.lines.map((line) => line.event).filter((event) => !/^(member|master)\.(?!started)/.test(event));
}

function only(node: NodeProcess, event: string): TestLogLine {
  const lines = node.lines.filter((line) => line.event === event);
  assert.equal(lines.length, 1, `expected exactly one ${event}, got ${lines.length}`);
  return lines[0] as TestLogLine;
}

async function joiner(name: string, clusterPort: number): Promise<{ node: NodeProcess; port: number }> {
  const port = await freePort();
  const node = fleet.spawn([
    "--name",
    name,
    "--myport",
    String(port),
    "--clusterip",
    `127.0.0.1:${clusterPort}`,
  ]);
  await node.event("node.ready", `${name} ready`);
  return { node, port };
}

test("seed topology: master, A and B join the master, C joins through A", async () => {
  const master = await fleet.master(["--name", "master"]);
  const a = await joiner("a", master.port);
  const b = await joiner("b", master.port);
  const c = await joiner("c", a.port);

  assert.deepEqual(eventsOf(master.node).slice(0, 5), [
    "node.started",
    "join.failed",
    "master.started",
    "node.listening",
    "node.ready",
  ]);
  for (const { node } of [a, b, c]) {
    assert.deepEqual(eventsOf(node).slice(0, 6), [
      "node.started",
      "join.request.sent",
      "join.response.received",
      "node.joined",
      "node.listening",
      "node.ready",
    ]);
    assert.ok(!eventsOf(node).includes("master.started"), "a node that joined must not also claim master");
    const seqs = node.lines.map((line) => line.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      "seq counts 1, 2, 3, ... per process",
    );
  }

  // Each handshake is visible from both sides, tied together by node ids and addresses.
  const pairs: [NodeProcess, number, NodeProcess, number, string][] = [
    [a.node, a.port, master.node, master.port, "master"],
    [b.node, b.port, master.node, master.port, "master"],
    [c.node, c.port, a.node, a.port, "member"],
  ];
  for (const [joining, joiningPort, responder, responderPort, role] of pairs) {
    const sent = only(joining, "join.request.sent");
    assert.equal(sent.peer, `127.0.0.1:${responderPort}`, "peer is the clusterip exactly as given");
    const received = only(joining, "join.response.received");
    assert.equal(received.peerId, responder.lines[0]?.nodeId, "the response names the responder's id");
    assert.equal(received["responderRole"], role);
    const atResponder = responder.lines.find(
      (line) => line.event === "join.request.received" && line.peerId === joining.lines[0]?.nodeId,
    );
    assert.ok(atResponder, "the responder logged the request");
    assert.equal(atResponder.peer, `127.0.0.1:${joiningPort}`, "peer is the joiner's advertised address");
    const answered = responder.lines.find(
      (line) => line.event === "join.response.sent" && line.peerId === joining.lines[0]?.nodeId,
    );
    assert.ok(answered, "the responder logged its response");
    assert.ok(answered.seq > atResponder.seq);
  }
  // Ids are distinct and stay put (no reassignment without a clash).
  const ids = new Set([master, a, b, c].map(({ node }) => node.lines.at(-1)?.nodeId));
  assert.equal(ids.size, 4);
});

test("a joiner whose id is taken gets a fresh one and logs it", async () => {
  const master = await fleet.master(["--nodeId", "4242"]);
  const port = await freePort();
  const twin = fleet.spawn([
    "--nodeId",
    "4242",
    "--myport",
    String(port),
    "--clusterip",
    `127.0.0.1:${master.port}`,
  ]);
  const reassigned = await twin.event("node.id.reassigned");
  assert.equal(reassigned["previousNodeId"], 4242);
  assert.notEqual(reassigned.nodeId, 4242);
  const ready = await twin.event("node.ready");
  assert.equal(ready.nodeId, reassigned.nodeId, "later lines carry the new id");
  const sent = await master.node.event("join.response.sent");
  assert.equal(sent.peerId, reassigned.nodeId);
  assert.equal(sent["requestedNodeId"], 4242);
});
