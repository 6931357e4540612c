// Readiness from log events: the first match wins, an ended stream or a deadline rejects with a
// message naming what was awaited.
import assert from "node:assert/strict";
import type { NodeEvent } from "@joinlab/protocol";
import { describe, it } from "node:test";
import { NodeLog } from "../src/logs/node-log.js";
import { RecordBuilder } from "../src/logs/records.js";
import { waitForEvent, WaitError } from "../src/wait/wait-for-log.js";
import { sampleLine } from "./helpers.js";

const line = (seq: number, event: NodeEvent) => sampleLine(seq, 7, event);

describe("waitForEvent", () => {
  it("resolves on a line that already arrived and on one that arrives later", async () => {
    const log = new NodeLog("node2");
    const b = new RecordBuilder("node2", "stdout");
    log.add(b.fromText(line(1, "node.started"), 1));
    assert.equal((await waitForEvent(log, "node.started", { timeoutMs: 1000 })).line?.seq, 1);
    const ready = waitForEvent(log, "node.ready", { timeoutMs: 1000 });
    log.add(b.fromText("not json at all", 2));
    log.add(b.fromText(line(2, "node.ready"), 3));
    assert.equal((await ready).line?.event, "node.ready");
  });

  it("rejects when the output ends first, saying how it ended", async () => {
    const log = new NodeLog("node3");
    const ready = waitForEvent(log, "node.ready", {
      timeoutMs: 1000,
      describeEnd: () => "node3 exited with code 1",
    });
    log.end();
    await assert.rejects(ready, (err: WaitError) => {
      assert.equal(err.reason, "ended");
      assert.equal(err.message, "node.ready from node3 not received: node3 exited with code 1");
      return true;
    });
  });

  it("rejects at the deadline naming the event, the node and the time allowed", async () => {
    await assert.rejects(
      waitForEvent(new NodeLog("node4"), "node.ready", { timeoutMs: 20 }),
      /^WaitError: node\.ready from node4 not received after 20ms$/,
    );
  });

  it("rejects at once when the run is interrupted", async () => {
    const controller = new AbortController();
    const ready = waitForEvent(new NodeLog("node5"), "node.ready", {
      timeoutMs: 1000,
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(ready, /node\.ready from node5: run interrupted/);
  });
});
