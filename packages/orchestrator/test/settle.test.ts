// The verify phase's wait for late lines: the checks are evaluated again as lines arrive, and the
// deadline never cuts off lines that are still arriving (a saturated machine's log streams run
// seconds behind the nodes).
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { NodeLog } from "../src/logs/node-log.js";
import { RecordBuilder } from "../src/logs/records.js";
import { LATE_LINE_GAP_MS, settle } from "../src/run/settle.js";
import type { StartedNode } from "../src/runtime/types.js";

/** A node whose log gets `count` lines, one every `everyMs`, starting after `afterMs`. */
function nodeWithLines(count: number, afterMs: number, everyMs: number): { node: StartedNode; log: NodeLog } {
  const log = new NodeLog("node1");
  const builder = new RecordBuilder("node1", "stdout", { next: 0, gen: 0 });
  let sent = 0;
  const send = (): void => {
    log.add(builder.fromText(JSON.stringify({ event: "member.joined", n: ++sent }), Date.now() * 1000));
    if (sent < count) setTimeout(send, everyMs);
  };
  setTimeout(send, afterMs);
  return { node: { name: "node1", log } as unknown as StartedNode, log };
}

/** Valid once the log holds `lines` records. */
const validAfter = (log: NodeLog, lines: number) => () => ({
  verdict: log.records.length >= lines,
  seen: log.records.length,
});

describe("settling the checks", { timeout: 20_000 }, () => {
  // A run's streams keep the process alive; here nothing else would between two lines.
  let keepAlive: NodeJS.Timeout;
  beforeEach(() => (keepAlive = setInterval(() => {}, 1000)));
  afterEach(() => clearInterval(keepAlive));

  it("keeps reading lines that still arrive after the deadline, and passes once the last is in", async () => {
    // The deadline is 50 ms; the lines start at 200 ms and come every 100 ms until the tenth.
    const { node, log } = nodeWithLines(10, 200, 100);
    const result = await settle(validAfter(log, 10), [node], 50, new AbortController().signal);
    assert.equal(result.verdict, true);
    assert.equal(result.seen, 10);
  });

  it("gives up once no line has arrived for a while past the deadline, with what it has", async () => {
    // Three lines, then silence: the checks want a fourth that never comes.
    const { node, log } = nodeWithLines(3, 0, 10);
    const started = performance.now();
    const result = await settle(validAfter(log, 4), [node], 50, new AbortController().signal);
    assert.equal(result.verdict, false);
    assert.equal(result.seen, 3);
    assert.ok(performance.now() - started >= LATE_LINE_GAP_MS, "it waited for a late line before giving up");
  });

  it("stops at once when every log has ended", async () => {
    const { node, log } = nodeWithLines(1, 0, 10);
    setTimeout(() => log.end(), 30);
    const result = await settle(validAfter(log, 2), [node], 60_000, new AbortController().signal);
    assert.equal(result.verdict, false);
    assert.equal(result.seen, 1);
  });
});
