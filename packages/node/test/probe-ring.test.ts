// The shared probe schedule: with agreeing views every member is probed by exactly one other in
// each round, by another one from round to round.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { probeRound, ringTarget } from "../src/membership/probe-ring.js";

const ring = [3, 8, 15, 21, 40, 77, 90];
const anyone = (): boolean => true;

describe("probe ring", () => {
  it("in every round each member is probed by exactly one other, and never by itself", () => {
    for (let round = 0; round < 3 * ring.length; round++) {
      const targets = ring.map((self) => ringTarget(ring, self, round, anyone));
      assert.deepEqual(
        [...targets].sort((a, b) => a! - b!),
        ring,
        `round ${round}`,
      );
      ring.forEach((self, i) => assert.notEqual(targets[i], self));
    }
  });

  it("the distance is drawn anew each round: over a few dozen rounds a member probes every other", () => {
    for (const self of ring) {
      const seen = new Set<number | undefined>();
      for (let round = 1_733_000_000; round < 1_733_000_040; round++)
        seen.add(ringTarget(ring, self, round, anyone));
      assert.deepEqual(
        [...seen].sort((a, b) => a! - b!),
        ring.filter((id) => id !== self),
      );
    }
  });

  it("passes over a member it cannot probe yet for the next one along the ring", () => {
    const round = 0; // distance 1: 3 probes 8
    assert.equal(ringTarget(ring, 3, round, anyone), 8);
    assert.equal(
      ringTarget(ring, 3, round, (id) => id !== 8),
      15,
    );
    assert.equal(
      ringTarget(ring, 3, round, () => false),
      undefined,
    );
  });

  it("has no target for a node alone or outside the ring", () => {
    assert.equal(ringTarget([5], 5, 0, anyone), undefined);
    assert.equal(ringTarget(ring, 4, 0, anyone), undefined);
  });

  it("rounds are the clock divided by the probe interval", () => {
    assert.equal(probeRound(0, 1000), 0);
    assert.equal(probeRound(1_999, 1000), 1);
    assert.equal(probeRound(1_733_000_000_500, 1000), 1_733_000_000);
  });
});
