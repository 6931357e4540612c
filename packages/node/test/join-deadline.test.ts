// --joinDeadline through the built bin: a joiner that starts before its member keeps trying until
// it answers; silence is retried until the deadline, then the seed's rule applies; without the
// flag, one attempt as the seed makes; bad values are refused with the range.
import assert from "node:assert/strict";
import net from "node:net";
import { after, test } from "node:test";
import { NodeFleet, freePort, type NodeProcess, type TestLogLine } from "./support/node-process.js";

const fleet = new NodeFleet();
const servers: net.Server[] = [];
after(() => {
  fleet.killAll();
  for (const server of servers) server.close();
});

/** A listener on a free port: silent, or answering each connection as `onConnection` does. */
async function listener(onConnection: (socket: net.Socket) => void = () => {}): Promise<number> {
  const port = await freePort();
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return port;
}

/** A node on a free port joining 127.0.0.1:`clusterPort`, with `flags`. */
async function joiner(clusterPort: number, ...flags: string[]): Promise<NodeProcess> {
  return fleet.spawn([
    "--myport",
    String(await freePort()),
    "--clusterip",
    `127.0.0.1:${clusterPort}`,
    ...flags,
  ]);
}

const failures = (node: NodeProcess): TestLogLine[] => node.lines.filter((l) => l.event === "join.failed");

test("a joiner started before any member listens joins once the member appears", async (t) => {
  const clusterPort = await freePort();
  const node = await joiner(clusterPort, "--joinDeadline", "20000");
  // Refused twice before the member exists.
  await node.waitFor((l) => l.event === "join.failed" && l["attempt"] === 2, "a second refused attempt");
  await fleet.master([], clusterPort);
  const ready = await node.event("node.ready", "joiner ready");
  assert.equal(ready["role"], "member");
  const failed = failures(node);
  assert.ok(failed.length >= 2);
  assert.ok(
    failed.every(
      (l) => l["kind"] === "refused" && l["willRetry"] === true && typeof l["retryInMs"] === "number",
    ),
  );
  assert.deepEqual(
    failed.map((l) => l["attempt"]),
    failed.map((_, i) => i + 1),
    "attempts are numbered 1, 2, ...",
  );
  const sent = node.lines.find((l) => l.event === "join.request.sent");
  assert.equal(sent?.["attempt"], failed.length + 1, "the request that got through is the next attempt");
  t.diagnostic(`joined on attempt ${failed.length + 1}`);
});

test("without --joinDeadline: one attempt, then exit 1 as the seed does", async () => {
  const node = await joiner(await freePort());
  assert.equal((await node.exit()).code, 1);
  const failed = failures(node);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.["attempt"], 1);
  assert.equal(failed[0]?.["willRetry"], false);
  assert.match(node.stderr, /--joinDeadline/, "the message names the flag that would have kept trying");
});

test("a silent address is retried until the deadline, then exit 1", async (t) => {
  const started = Date.now();
  const node = await joiner(await listener(), "--dialTimeout", "200", "--joinDeadline", "1500");
  assert.equal((await node.exit()).code, 1);
  t.diagnostic(`gave up after ${Date.now() - started} ms (deadline 1500 ms)`);
  const failed = failures(node);
  assert.ok(failed.length >= 3, `several attempts: ${failed.length}`);
  assert.ok(failed.every((l) => l["kind"] === "timeout"));
  assert.deepEqual(
    failed.map((l) => l["willRetry"]),
    [...Array<boolean>(failed.length - 1).fill(true), false],
  );
  assert.match(node.stderr, new RegExp(`after ${failed.length} attempts`));
});

test("a silent address with --makeMasterOnError: master once the deadline is spent", async () => {
  const node = await joiner(
    await listener(),
    "--makeMasterOnError",
    "--dialTimeout",
    "200",
    "--joinDeadline",
    "1000",
  );
  const ready = await node.event("node.ready");
  assert.equal(ready["role"], "master");
  assert.ok(failures(node).length >= 2, "it retried before falling back");
  assert.match(String(node.lines.find((l) => l.event === "master.started")?.message), /attempts/);
});

test("an error reply is not retried: one attempt, exit 1", async () => {
  const busy = await listener((socket) =>
    socket.end('{"type":"error","code":"too-many-connections","text":"busy"}\n'),
  );
  const node = await joiner(busy, "--joinDeadline", "20000");
  assert.equal((await node.exit()).code, 1);
  assert.deepEqual(
    failures(node).map((l) => [l["kind"], l["willRetry"]]),
    [["error-reply", false]],
  );
});

test("SIGTERM while waiting to retry: exit 0 at once", async () => {
  const node = await joiner(await freePort(), "--joinDeadline", "60000");
  await node.waitFor((l) => l.event === "join.failed" && l["attempt"] === 3, "a third attempt");
  node.child.kill("SIGTERM");
  assert.equal((await node.exit()).code, 0);
  assert.ok(!node.lines.some((l) => l.event === "master.started" || l.event === "node.quitting"));
});

test("bad --joinDeadline values exit 2, naming the flag, the value and the range", async () => {
  for (const value of ["50", "abc", "3600001", "-5", "1.5"]) {
    const node = fleet.spawn(["--joinDeadline", value]);
    assert.equal((await node.exit()).code, 2, value);
    assert.ok(node.stderr.includes(`--joinDeadline "${value}"`), `names flag and value: ${node.stderr}`);
    assert.match(node.stderr, /from 100 to 3600000/);
  }
});
