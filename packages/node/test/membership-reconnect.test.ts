// A partition that outlasts the view's memory (retainFailedMs) still heals: each side keeps the
// dropped members' addresses and pushes its view to one of them now and then (Serf's reconnect),
// so after the heal the two sides find each other and merge into one cluster with one master.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCluster, Sim } from "./membership-sim.js";

const RETAIN_MS = 10_000;
const INTERVAL_MS = 2_000;

function longSplit(config: Record<string, number>) {
  const sim = new Sim(21, { retainFailedMs: RETAIN_MS, reconnectIntervalMs: INTERVAL_MS, ...config });
  const ids = buildCluster(sim, 6);
  sim.run(1000);
  const a = ids.slice(0, 2);
  const b = ids.slice(2);
  sim.partition(a, b);
  sim.run(RETAIN_MS + 5_000);
  return { sim, a, b };
}

describe("reconnect after a partition longer than the view's memory", () => {
  it("each side forgets the other, and they merge after the heal, with one master", (t) => {
    const { sim, a, b } = longSplit({});
    const forgotten = a.every((x) =>
      b.every((y) => sim.stateAt(x, y) === undefined && sim.stateAt(y, x) === undefined),
    );
    assert.ok(forgotten, "past retainFailedMs neither side holds the other");
    sim.heal();
    const ms = sim.runUntil(() => sim.converged() && new Set(sim.masters()).size === 1, 4 * INTERVAL_MS);
    assert.ok(ms !== undefined, "one cluster with one master again");
    assert.ok(ms <= INTERVAL_MS + 1500, `merged within one reconnect interval and a push-pull (${ms} ms)`);
    t.diagnostic(`merged ${ms} ms after the heal (reconnect interval ${INTERVAL_MS} ms, simulated)`);
  });

  it("without reconnect (reconnectTimeoutMs 0) the sides never find each other", () => {
    const { sim } = longSplit({ reconnectTimeoutMs: 0 });
    sim.heal();
    assert.equal(
      sim.runUntil(() => sim.converged(), 4 * INTERVAL_MS),
      undefined,
      "two clusters stay two: what the reconnect is for",
    );
  });
});
