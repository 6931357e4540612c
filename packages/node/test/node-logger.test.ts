// The node's log writer: common fields first in a fixed order, then the event's own in the order
// given, every line inside the log contract.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { decodeLogLine } from "@joinlab/protocol";
import { NodeLogger } from "../src/log/node-logger.js";

function capture(level: "info" | "debug" = "info"): { logger: NodeLogger; texts: string[] } {
  const texts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      texts.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: new NodeLogger({ format: "json", level, name: "node2", stream }), texts };
}

test("a line is time, level, seq, nodeId, name, event, message, then the event's fields as given", async () => {
  const { logger, texts } = capture();
  logger.nodeId = 54334224;
  logger.info({
    event: "node.ready",
    message: "ready as member",
    role: "member",
    port: 8002,
    readyFile: undefined,
  });
  logger.debug({ event: "protocol.error", message: "not at info level", remote: "10.0.0.9:4000" });
  await logger.flush();
  assert.equal(texts.length, 1, "debug lines are not written at level info");
  const line = JSON.parse(texts[0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(line), [
    "time",
    "level",
    "seq",
    "nodeId",
    "name",
    "event",
    "message",
    "role",
    "port",
  ]);
  assert.match(String(line.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(decodeLogLine(line).ok, true);
});

test("peer-supplied text is cut, so a hostile peer cannot make a line huge, and it still decodes", async () => {
  const { logger, texts } = capture();
  logger.info({
    event: "join.request.received",
    message: `join request from node 7 at ${"x".repeat(5000)}`,
    peer: `${"x".repeat(5000)}:8002`,
    peerId: 7,
    text: "请".repeat(5000),
  });
  await logger.flush();
  const line = JSON.parse(texts[0]!) as Record<string, string>;
  assert.ok(texts[0]!.length < 4096, `${texts[0]!.length} characters`);
  assert.ok(line.text!.endsWith("...") && line.peer!.length <= 515);
  assert.equal(decodeLogLine(line).ok, true);
});
