// The library API other modules build on: startNode, extendJoinResponse, member/view, stop().
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, test } from "node:test";
import { DEFAULTS, Node, NodeLogger, StartupError, startNode, type NodeConfig } from "../src/index.js";
import { contractLine, freePort, type TestLogLine } from "./support/node-process.js";

const started: Node[] = [];
after(async () => {
  await Promise.all(started.map((node) => node.stop()));
});

function capture(): { logger: NodeLogger; lines: TestLogLine[] } {
  const lines: TestLogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split("\n")) if (text) lines.push(contractLine(text));
      done();
    },
  });
  return { logger: new NodeLogger({ format: "json", level: "debug", stream }), lines };
}

function config(overrides: Partial<NodeConfig>): NodeConfig {
  return { ...DEFAULTS, advertise: "127.0.0.1", listenHost: "127.0.0.1", myport: 0, ...overrides };
}

test("in-process nodes join, learn each other, and carry extension fields", async () => {
  const unused = await freePort();
  const master = await startNode(
    config({ makeMasterOnError: true, clusterip: `127.0.0.1:${unused}` }),
    capture().logger,
  );
  started.push(master);
  assert.equal(master.role, "master");
  assert.notEqual(master.port, 0, "port 0 resolves to the real port");
  master.extendJoinResponse((_request, joinerId) => ({ pair: [master.nodeId, joinerId] }));

  const { logger, lines } = capture();
  const member = await startNode(config({ clusterip: `127.0.0.1:${master.port}` }), logger);
  started.push(member);
  assert.equal(member.role, "member");
  assert.deepEqual(member.joinResponse?.["pair"], [master.nodeId, member.nodeId]);
  assert.equal(member.member(master.nodeId)?.role, "master");
  const joined = master.member(member.nodeId);
  assert.equal(joined && `${joined.addr}:${joined.port}`, `127.0.0.1:${member.port}`);
  assert.ok(lines.every((line) => line.nodeId === member.nodeId));
});

test("start() rejects with exit code 1 when no cluster answers and there is no fallback", async () => {
  const unused = await freePort();
  const node = new Node(config({ clusterip: `127.0.0.1:${unused}` }), capture().logger);
  await assert.rejects(node.start(), (err: unknown) => err instanceof StartupError && err.exitCode === 1);
});

test("stop() is idempotent, runs stop hooks once, and logs stopping/stopped once", async () => {
  const unused = await freePort();
  const { logger, lines } = capture();
  const node = await startNode(config({ makeMasterOnError: true, clusterip: `127.0.0.1:${unused}` }), logger);
  let hookRuns = 0;
  node.onStop(() => {
    hookRuns++;
  });
  await Promise.all([node.stop(), node.stop()]);
  await node.stop();
  assert.equal(lines.filter((line) => line.event === "node.stopped").length, 1);
  assert.equal(hookRuns, 1, "stop hooks run once");
});

test("with membership off the view still keeps ids unique: a second joiner with a taken id gets a fresh one", async () => {
  const unused = await freePort();
  const off = { membership: false as const };
  const master = await startNode(
    config({ ...off, makeMasterOnError: true, clusterip: `127.0.0.1:${unused}` }),
    capture().logger,
  );
  started.push(master);
  const via = `127.0.0.1:${master.port}`;
  const first = await startNode(config({ ...off, nodeId: 4242, clusterip: via }), capture().logger);
  started.push(first);
  const second = await startNode(config({ ...off, nodeId: 4242, clusterip: via }), capture().logger);
  started.push(second);
  assert.equal(first.nodeId, 4242);
  assert.notEqual(second.nodeId, 4242, "the id was taken at another address");
  assert.equal(master.member(second.nodeId)?.port, second.port);
  assert.equal(first.membership, undefined, "no UDP engine");
});
