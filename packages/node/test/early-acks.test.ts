// A joiner answers membership pings while its join response is still on its way (peers may already
// know it by gossip), through the built bin: before a late response, after a failed join (no
// longer), and with the response it joins as usual, saying how many pings it answered early.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import { after, test } from "node:test";
import { NodeFleet, freePort, type NodeProcess } from "./support/node-process.js";

const HOST = "127.0.0.1";
/** How long a ping waits for its ack here: generous, the node answers at once. */
const ACK_WAIT_MS = 2000;

const fleet = new NodeFleet();
const servers: net.Server[] = [];
const sockets: dgram.Socket[] = [];
after(() => {
  fleet.killAll();
  for (const server of servers) server.close();
  for (const socket of sockets) socket.close();
});

/**
 * A TCP relay in front of `targetPort`: requests go through at once, answers only after
 * `release()`, as a response delayed by a lossy network would. Without a target it only listens.
 */
async function heldRelay(targetPort?: number): Promise<{ port: number; release: () => void }> {
  const held: (() => void)[] = [];
  let released = false;
  const server = net.createServer((client) => {
    client.on("error", () => {});
    if (targetPort === undefined) return;
    const upstream = net.connect(targetPort, HOST);
    upstream.on("error", () => client.destroy());
    client.pipe(upstream);
    const answer = (): void => void upstream.pipe(client);
    if (released) answer();
    else held.push(answer);
  });
  servers.push(server);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, HOST, () => resolve()));
  const release = (): void => {
    released = true;
    for (const answer of held.splice(0)) answer();
  };
  return { port, release };
}

/** Sends one ping to HOST:`port` and resolves with the ack's `from`, or undefined without one. */
async function ping(port: number, seq: number): Promise<number | undefined> {
  const socket = dgram.createSocket("udp4");
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, HOST, () => resolve()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ACK_WAIT_MS);
    socket.on("message", (buf) => {
      const msg = JSON.parse(buf.toString("utf8")) as { type?: string; seq?: number; from?: number };
      if (msg.type !== "ack" || msg.seq !== seq) return;
      clearTimeout(timer);
      resolve(msg.from);
    });
    socket.send(JSON.stringify({ type: "ping", from: 4242, seq }), port, HOST);
  });
}

/** A joiner on a free port dialling HOST:`clusterPort`; resolves once its request went out. */
async function joinerWaiting(
  clusterPort: number,
  ...flags: string[]
): Promise<{ node: NodeProcess; port: number }> {
  const port = await freePort();
  const node = fleet.spawn(["--myport", String(port), "--clusterip", `${HOST}:${clusterPort}`, ...flags]);
  await node.event("join.request.sent", "the join request");
  return { node, port };
}

test("a joiner acks pings under its own id while its join response is held back", async () => {
  const { port: masterPort } = await fleet.master();
  const relay = await heldRelay(masterPort);
  const { node, port } = await joinerWaiting(relay.port, "--dialTimeout", "5000");
  const id = (await node.event("node.started"))["nodeId"];
  assert.equal(await ping(port, 7), id, "the ack names the joiner");
  assert.equal(await ping(port, 8), id);
  relay.release();
  const joined = await node.event("node.joined", "the join");
  assert.equal(joined["earlyAcks"], 2, "node.joined counts the pings answered before the response");
  const ready = await node.event("node.ready", "joiner ready");
  assert.equal(ready["role"], "member");
  // The engine has the socket now, and answers as a member does.
  assert.equal(await ping(port, 9), id);
});

test("a join that fails closes the early socket with the node", async () => {
  const silent = await heldRelay();
  const { node, port } = await joinerWaiting(silent.port, "--dialTimeout", "1500");
  assert.notEqual(await ping(port, 1), undefined, "answered while the join waited");
  assert.equal((await node.exit()).code, 1);
  assert.equal(await ping(port, 2), undefined, "nobody answers once the node has quit");
});
