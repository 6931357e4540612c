// Hostile and broken peers against a real node: each gets an error reply or a close, and joins keep working.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type net from "node:net";
import { after, before, test } from "node:test";
import { NodeFleet, freePort, type NodeProcess } from "./support/node-process.js";
import { exchange, replyJson, silentConnection } from "./support/raw-client.js";

const fleet = new NodeFleet();
const sockets: net.Socket[] = [];
let master: { node: NodeProcess; port: number };

before(async () => {
  master = await fleet.master(["--requestTimeout", "400", "--name", "target"]);
});
after(() => {
  for (const socket of sockets) socket.destroy();
  fleet.killAll();
});

const valid = {
  source: { nodeId: 123, nodeIpAddr: "127.0.0.1", Port: "9999" },
  dest: { nodeId: -1, nodeIpAddr: "127.0.0.1", Port: "8001" },
  message: "hi",
};

/** The node logs protocol.error with this code for a connection (after `from` lines). */
async function loggedError(code: string, from: number): Promise<void> {
  await master.node.waitFor(
    (line) => line.seq > from && line.event === "protocol.error" && line["code"] === code,
    `protocol.error ${code}`,
  );
}

async function assertStillJoinable(): Promise<void> {
  const port = await freePort();
  const joiner = fleet.spawn(["--myport", String(port), "--clusterip", `127.0.0.1:${master.port}`]);
  const ready = await joiner.event("node.ready", "a legitimate join after bad input");
  assert.equal(ready["role"], "member");
  joiner.child.kill("SIGTERM");
  assert.equal((await joiner.exit()).code, 0);
}

function lastSeq(): number {
  return master.node.lines.at(-1)?.seq ?? 0;
}

const cases: { name: string; bytes: (string | Buffer)[]; code: string }[] = [
  { name: "malformed JSON", bytes: ["{nope\n"], code: "malformed-json" },
  {
    name: "binary garbage",
    bytes: [Buffer.concat([randomBytes(256), Buffer.from([0xff, 0xfe, 0x0a])])],
    code: "malformed-json",
  },
  { name: "a JSON array instead of an object", bytes: ["[1,2,3]\n"], code: "invalid-message" },
  { name: "a bare number", bytes: ["42\n"], code: "invalid-message" },
  {
    name: "Port as a number (wrong type)",
    bytes: [`${JSON.stringify({ ...valid, source: { ...valid.source, Port: 9999 } })}\n`],
    code: "invalid-message",
  },
  {
    name: "nodeId as a string (wrong type)",
    bytes: [`${JSON.stringify({ ...valid, source: { ...valid.source, nodeId: "123" } })}\n`],
    code: "invalid-message",
  },
  {
    name: "missing dest and message",
    bytes: [`${JSON.stringify({ source: valid.source })}\n`],
    code: "invalid-message",
  },
  {
    name: "nodeId out of the seed's range",
    bytes: [`${JSON.stringify({ ...valid, source: { ...valid.source, nodeId: 100_000_000 } })}\n`],
    code: "invalid-message",
  },
  { name: "deeply nested arrays", bytes: [`${"[".repeat(50_000)}\n`], code: "too-deep" },
  {
    name: "deeply nested objects",
    bytes: [`${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}\n`],
    code: "too-deep",
  },
];

for (const { name, bytes, code } of cases) {
  test(`${name}: error reply "${code}", close, and the node keeps serving`, async () => {
    const from = lastSeq();
    const result = await exchange(master.port, bytes);
    assert.equal(result.ending, "closed");
    const reply = replyJson(result);
    assert.equal(reply["type"], "error");
    assert.equal(reply["code"], code);
    assert.equal(typeof reply["text"], "string");
    await loggedError(code, from);
    await assertStillJoinable();
  });
}

test("a request split into many tiny writes, without a trailing newline before EOF, is still answered", async () => {
  const text = JSON.stringify(valid);
  const result = await exchange(
    master.port,
    [...text].map((c) => c),
    { endAfterWrite: true },
  );
  assert.equal(replyJson(result)["message"], "Sure buddy.. too easy..");
});

test("a line over the 64 KiB cap: the connection is closed once the cap is crossed", async () => {
  const from = lastSeq();
  const result = await exchange(master.port, [Buffer.alloc(70_000, 0x61)]);
  if (result.ending === "closed") assert.equal(replyJson(result)["code"], "line-too-long");
  await loggedError("line-too-long", from);
  await assertStillJoinable();
});

test("an endless line (16 MiB, no newline): closed early, and the node's memory does not follow it", async () => {
  const statusFile = `/proc/${master.node.child.pid}/status`;
  const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(statusFile, "utf8"))?.[1] ?? 0) * 1024;
  const before = existsSync(statusFile) ? rss() : 0;
  const chunk = Buffer.alloc(1024 * 1024, 0x7b);
  const result = await exchange(
    master.port,
    Array.from({ length: 16 }, () => chunk),
  );
  assert.ok(["closed", "reset"].includes(result.ending));
  if (before > 0) assert.ok(rss() - before < 32 * 1024 * 1024, "RSS grew by less than the bytes sent");
  await assertStillJoinable();
});

test("a silent client and a 1-byte-at-a-time client are closed by the absolute deadline", async () => {
  const from = lastSeq();
  const silent = exchange(master.port, []);
  const trickle = (async () => {
    const socket = await silentConnection(master.port);
    sockets.push(socket);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    // Bounded: far more bytes than the deadline allows at this rate.
    for (let i = 0; i < 200 && !socket.destroyed && socket.readyState === "open"; i++) {
      socket.write("{");
      await new Promise((r) => setTimeout(r, 20));
    }
    await closed;
  })();
  // Meanwhile a legitimate join is answered: connections are served concurrently.
  await assertStillJoinable();
  const result = await silent;
  assert.equal(replyJson(result)["code"], "request-timeout");
  await trickle;
  await loggedError("request-timeout", from);
});

test("a client that resets mid-request does not hurt the node", async () => {
  for (let i = 0; i < 20; i++) {
    const socket = await silentConnection(master.port);
    socket.write('{"source":');
    socket.resetAndDestroy();
  }
  await assertStillJoinable();
});

test("a connect-and-close probe is not an error", async () => {
  const from = lastSeq();
  const result = await exchange(master.port, [], { endAfterWrite: true });
  assert.equal(result.reply, "");
  await assertStillJoinable();
  assert.ok(!master.node.lines.some((line) => line.seq > from && line.event === "protocol.error"));
});

test("connection cap: beyond --maxConnections the node refuses with an error reply, then recovers", async () => {
  const capped = await fleet.master(["--maxConnections", "3", "--requestTimeout", "500"]);
  for (let i = 0; i < 3; i++) sockets.push(await silentConnection(capped.port));
  const refused = await exchange(capped.port, []);
  assert.equal(replyJson(refused)["code"], "too-many-connections");
  await capped.node.event("connection.rejected");
  // The silent three hit their deadline; then a join goes through.
  await capped.node.waitFor(
    (line) => line.event === "protocol.error" && line["code"] === "request-timeout",
    "the silent connections timing out",
  );
  const port = await freePort();
  const joiner = fleet.spawn(["--myport", String(port), "--clusterip", `127.0.0.1:${capped.port}`]);
  await joiner.event("node.ready");
});

test("1,000 silent connections: joins are still answered meanwhile, and the deadline closes them all", async () => {
  const flooded = await fleet.master(["--requestTimeout", "1500"]);
  const silent: Promise<unknown>[] = [];
  for (let i = 0; i < 1000; i++) {
    const socket = await silentConnection(flooded.port);
    sockets.push(socket);
    silent.push(new Promise((resolve) => socket.once("close", resolve)));
    socket.on("data", () => {});
  }
  const port = await freePort();
  const joiner = fleet.spawn(["--myport", String(port), "--clusterip", `127.0.0.1:${flooded.port}`]);
  await joiner.event("node.ready", "a join while 1,000 clients sit silent");
  await Promise.all(silent);
  assert.ok(
    !flooded.node.lines.some((line) => line.event === "connection.rejected"),
    "1,000 is under the default cap",
  );
});
