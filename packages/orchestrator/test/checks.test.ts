// The checks on recorded log streams: the real chain-join passes; broken variants fail and say
// who, what was expected and what happened.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runChecks } from "../src/checks/registry.js";
import { mergeTimeline } from "../src/logs/merge.js";
import type { LogRecord } from "../src/logs/records.js";
import { observedChainJoin, recordedChainJoin, shift } from "./helpers.js";

function check(streams: Map<string, LogRecord[]>, overrides: Parameters<typeof observedChainJoin>[0] = {}) {
  const { scenario, nodes } = observedChainJoin(overrides);
  return runChecks({ scenario, nodes, timeline: mergeTimeline(streams) });
}

const byName = (results: ReturnType<typeof check>["results"], name: string) =>
  results.find((r) => r.name === name)!;

describe("checks on the recorded chain-join", () => {
  it("all pass on the real recording, even with the daemon's stamps out of order", () => {
    const streams = recordedChainJoin();
    shift(streams.get("node4")!, "join.request.sent", 50_000);
    const { verdict, results } = check(streams);
    assert.equal(verdict, true, JSON.stringify(results, null, 2));
    assert.match(byName(results, "handshakes").summary, /^3\/3/);
    assert.match(
      byName(results, "clusters").summary,
      /1 cluster\(s\) formed: \{node1, node2, node3, node4\}/,
    );
  });

  it("fails when a joiner dialled another address than the scenario gave", () => {
    const { verdict, results } = check(recordedChainJoin(), { node4: { clusterip: "node2:9999" } });
    assert.equal(verdict, false);
    const errors = byName(results, "handshakes").errors;
    assert.ok(
      errors.some(
        (e) =>
          e === "node4: expected to dial node2:9999 (the scenario's cluster address); it dialled node2:8002",
      ),
      errors.join("\n"),
    );
  });

  it("fails when the responder never answered, naming both nodes", () => {
    const streams = recordedChainJoin();
    streams.set(
      "node2",
      streams.get("node2")!.filter((r) => r.line?.event !== "join.response.sent"),
    );
    const { verdict, results } = check(streams);
    assert.equal(verdict, false);
    assert.deepEqual(byName(results, "handshakes").errors, [
      "node2: received node4's join request (id 73857674) but never logged a response to it",
    ]);
  });

  it("fails when a joiner fell back to master: two masters, and it did not join", () => {
    const streams = recordedChainJoin();
    const node3 = streams.get("node3")!;
    const [started] = node3;
    const fake = (seq: number, event: string, extra: Record<string, unknown> = {}): LogRecord => {
      const line = { ...started!.line!, seq, event, message: event, ...extra } as LogRecord["line"];
      return { ...started!, index: seq - 1, t: started!.t + seq, text: JSON.stringify(line), line };
    };
    streams.set("node3", [
      started!,
      fake(2, "join.failed", { reason: "connection refused" }),
      fake(3, "master.started"),
      fake(4, "node.ready"),
    ]);
    const { verdict, results } = check(streams);
    assert.equal(verdict, false);
    assert.deepEqual(byName(results, "masters").errors, [
      "node3: became master (master.started) but the scenario expects it to join",
    ]);
    assert.match(
      byName(results, "joined").errors[0]!,
      /^node3: expected to join through node1:8001 and become ready; it logged join\.failed \(connection refused\), master\.started, node\.ready and is still running$/,
    );
    assert.match(byName(results, "clusters").errors[0]!, /expected 1 cluster\(s\); 2 formed/);
  });

  it("fails when the node dialled never logged the request, or the joiner never read the answer", () => {
    const lost = recordedChainJoin();
    lost.set(
      "node2",
      lost.get("node2")!.filter((r) => r.line?.event !== "join.request.received"),
    );
    assert.deepEqual(byName(check(lost).results, "handshakes").errors, [
      "node4: its join request (id 73857674) to node2:8002 was never logged as received by node2",
    ]);
    const unread = recordedChainJoin();
    unread.set(
      "node3",
      unread.get("node3")!.filter((r) => r.line?.event !== "join.response.received"),
    );
    assert.deepEqual(byName(check(unread).results, "handshakes").errors, [
      "node3: node1 answered its join request but node3 never logged receiving it (is still running)",
    ]);
  });

  it("fails when the joiner logged its answer from another node than the one it dialled", () => {
    const streams = recordedChainJoin();
    const node4 = streams.get("node4")!;
    const read = node4.find((r) => r.line?.event === "join.response.received")!;
    read.line = { ...read.line!, peerId: 12345 };
    const { results } = check(streams);
    assert.match(
      byName(results, "handshakes").errors[0]!,
      /^node4: expected the response from node2 \(id \d+\); it logged one from id 12345$/,
    );
  });

  it("reports an unexpected exit with its code", () => {
    const { results } = check(recordedChainJoin(), { node4: { exit: { code: 3 } } });
    assert.deepEqual(byName(results, "exits").errors, [
      "node4: expected to keep running as member; it logged node.joined, node.ready and exited with code 3",
    ]);
  });

  it("cannot tell (unknown, not false) when a node's output was unreadable", () => {
    const streams = recordedChainJoin();
    streams.set("node4", []);
    const { verdict, results } = check(streams, { node4: { logError: "log stream failed" } });
    assert.equal(byName(results, "handshakes").valid, "unknown");
    assert.equal(byName(results, "joined").valid, "unknown");
    assert.notEqual(verdict, true);
  });
});
