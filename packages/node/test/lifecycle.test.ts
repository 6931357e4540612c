// Start-up failures and stopping, through the built bin: exit codes, messages, bounded times, ready file.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import dgram from "node:dgram";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { NodeFleet, freePort } from "./support/node-process.js";
import { silentConnection } from "./support/raw-client.js";

const fleet = new NodeFleet();
const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
after(() => {
  fleet.killAll();
  for (const socket of sockets) socket.destroy();
  for (const server of servers) server.close();
});

function listenOn(port: number, onConnection: (socket: net.Socket) => void = () => {}): Promise<net.Server> {
  const server = net.createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

test("no cluster and no --makeMasterOnError: exit 1, and the message says what to do", async () => {
  const [cluster, port] = [await freePort(), await freePort()];
  const node = fleet.spawn(["--myport", String(port), "--clusterip", `127.0.0.1:${cluster}`]);
  const { code } = await node.exit();
  assert.equal(code, 1);
  assert.match(node.stderr, /--makeMasterOnError/);
  assert.match(node.stderr, new RegExp(`127\\.0\\.0\\.1:${cluster}`));
  const quitting = node.lines.find((line) => line.event === "node.quitting");
  assert.ok(quitting, "logs node.quitting");
  assert.ok(!node.lines.some((line) => line.event === "node.listening"), "never listens");
});

test("a cluster address that accepts but never answers: bounded by --dialTimeout, then exit 1", async () => {
  const silent = await freePort();
  await listenOn(silent);
  const node = fleet.spawn([
    "--myport",
    String(await freePort()),
    "--clusterip",
    `127.0.0.1:${silent}`,
    "--dialTimeout",
    "300",
  ]);
  assert.equal((await node.exit()).code, 1);
  const failed = node.lines.find((line) => line.event === "join.failed");
  assert.equal(failed?.["kind"], "timeout");
});

test("a silent cluster address with --makeMasterOnError: documented fallback to master", async () => {
  const silent = await freePort();
  await listenOn(silent);
  const node = fleet.spawn([
    "--makeMasterOnError",
    "--myport",
    String(await freePort()),
    "--clusterip",
    `127.0.0.1:${silent}`,
    "--dialTimeout",
    "300",
  ]);
  const ready = await node.event("node.ready");
  assert.equal(ready["role"], "master");
});

test("an unresolvable cluster host: a clear error and exit 3 (a configuration error)", async () => {
  const node = fleet.spawn([
    "--myport",
    String(await freePort()),
    "--clusterip",
    "no-such-host.invalid:8001",
    "--dialTimeout",
    "3000",
  ]);
  const { code } = await node.exit();
  assert.equal(code, 3);
  assert.match(node.stderr, /no-such-host\.invalid/);
});

test("port already in use: exit 3 before any join is attempted", async () => {
  const busy = await freePort();
  await listenOn(busy);
  const master = await fleet.master();
  const node = fleet.spawn(["--myport", String(busy), "--clusterip", `127.0.0.1:${master.port}`]);
  assert.equal((await node.exit()).code, 3);
  assert.match(node.stderr, /EADDRINUSE/);
  assert.match(node.stderr, /--myport/);
  assert.ok(
    !node.lines.some((line) => line.event === "join.request.sent"),
    "a node that cannot listen joins nobody",
  );
});

test("UDP port already in use (membership uses the --myport number): exit 3 before any join", async () => {
  const busy = await freePort();
  const udp = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(busy, "127.0.0.1", () => resolve()));
  try {
    const master = await fleet.master();
    const node = fleet.spawn(["--myport", String(busy), "--clusterip", `127.0.0.1:${master.port}`]);
    assert.equal((await node.exit()).code, 3);
    assert.match(node.stderr, /EADDRINUSE/);
    assert.ok(!node.lines.some((line) => line.event === "join.request.sent"), "it joins nobody");
  } finally {
    udp.close();
  }
});

test("bad flags: exit 2 with the bad value quoted", async () => {
  for (const [args, quoted] of [
    [["--myport", "80x"], '"80x"'],
    [["--clusterip", "localhost"], '"localhost"'],
    [["--nodeId", "100000000"], '"100000000"'],
    [["--logFormat", "xml"], '"xml"'],
    [["--advertise", "10.0.0.1/8"], '"10.0.0.1/8"'],
  ] as const) {
    const node = fleet.spawn([...args]);
    assert.equal((await node.exit()).code, 2, `exit code for ${args.join(" ")}`);
    assert.ok(node.stderr.includes(quoted), `stderr quotes ${quoted}: ${node.stderr}`);
  }
});

test("SIGTERM: stops promptly with exit 0, even with an idle client connected, and removes the ready file", async () => {
  const readyFile = join(mkdtempSync(join(tmpdir(), "joinlab-")), "ready");
  const { node, port } = await fleet.master(["--readyFile", readyFile]);
  assert.equal(JSON.parse(readFileSync(readyFile, "utf8")).role, "master");
  sockets.push(await silentConnection(port));
  node.child.kill("SIGTERM");
  assert.equal((await node.exit()).code, 0);
  // Between the two, the membership layer logs its leave announcement (docs/membership.md).
  const events = node.lines.map((line) => line.event);
  assert.deepEqual(events.filter((event) => event.startsWith("node.")).slice(-2), [
    "node.stopping",
    "node.stopped",
  ]);
  assert.equal(events.at(-1), "node.stopped");
  const left = node.lines.find((line) => line.event === "member.left");
  assert.ok(left?.["self"] === true && left["reason"] === "leave", "the leave is announced");
  assert.ok(!existsSync(readyFile), "ready file removed at stop");
});

test("SIGINT stops cleanly too, and a stopped node refuses new connections", async () => {
  const { node, port } = await fleet.master();
  node.child.kill("SIGINT");
  assert.equal((await node.exit()).code, 0);
  await assert.rejects(silentConnection(port), /ECONNREFUSED/);
});

test("SIGTERM while still joining: exit 0, no master claimed", async () => {
  const silent = await freePort();
  await listenOn(silent);
  const node = fleet.spawn(["--myport", String(await freePort()), "--clusterip", `127.0.0.1:${silent}`]);
  await node.event("join.request.sent");
  node.child.kill("SIGTERM");
  assert.equal((await node.exit()).code, 0);
  assert.ok(!node.lines.some((line) => line.event === "master.started"));
  assert.equal(node.lines.at(-1)?.event, "node.stopped");
});

test("a cluster that answers with an error is not silence: no master fallback, exit 1", async () => {
  const busy = await freePort();
  await listenOn(busy, (socket) => {
    socket.on("error", () => {});
    socket.end('{"type":"error","code":"too-many-connections","text":"busy"}\n');
  });
  const node = fleet.spawn([
    "--makeMasterOnError",
    "--myport",
    String(await freePort()),
    "--clusterip",
    `127.0.0.1:${busy}`,
  ]);
  assert.equal((await node.exit()).code, 1);
  assert.match(node.stderr, /too-many-connections/);
  assert.ok(
    !node.lines.some((line) => line.event === "master.started"),
    "no second master beside a busy one",
  );
});

test("--logFormat text gives human lines with the name", async () => {
  const node = fleet.spawn([
    "--logFormat",
    "text",
    "--name",
    "reader",
    "--clusterip",
    `127.0.0.1:${await freePort()}`,
  ]);
  await node.exit();
  assert.match(node.stdout, /^\S+Z INFO {2}reader \(\d+\) node\.started: /m);
  assert.match(node.stdout, /ERROR reader \(\d+\) node\.quitting: could not join/);
});

test("stdout closed under it (its log reader gone): the node exits with 3 at the next line, it does not spin", async () => {
  const { node: master, port } = await fleet.master();
  master.child.stdout?.destroy();
  const joiner = fleet.spawn(["--myport", String(await freePort()), "--clusterip", `127.0.0.1:${port}`]);
  const { code } = await Promise.race([
    master.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the node did not exit after its stdout closed")), 10_000).unref(),
    ),
  ]);
  assert.equal(code, 3);
  joiner.kill();
});
