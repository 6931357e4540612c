// The replay guard's promise, under any order of frames, clock jumps (backwards too) and a cache
// far too small: no signed frame is ever accepted twice.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ReplayGuard } from "../src/auth/replay-guard.js";

describe("ReplayGuard", () => {
  it("accepts a frame once, refuses it again, and refuses what is outside the window", () => {
    const guard = new ReplayGuard({ windowMs: 1000, capacity: 100, floor: 0 });
    assert.equal(guard.admit(5000, "a", 5000), "fresh");
    assert.equal(guard.admit(5000, "a", 5100), "replay");
    assert.equal(guard.admit(3000, "b", 5000), "stale");
    assert.equal(guard.admit(7000, "c", 5000), "stale");
    assert.equal(
      guard.admit(5000, "a", 9000),
      "stale",
      "outside the window it is stale, not merely a replay",
    );
  });

  it("never accepts the same frame twice, whatever the order, the clock or the capacity", () => {
    const step = fc.record({
      ts: fc.integer({ min: 0, max: 200 }),
      nonce: fc.integer({ min: 0, max: 30 }).map(String),
      clockJump: fc.integer({ min: -80, max: 80 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), fc.integer({ min: 1, max: 20 }), (steps, capacity) => {
        const guard = new ReplayGuard({ windowMs: 50, capacity, floor: 0 });
        const accepted = new Set<string>();
        let now = 100;
        for (const { ts, nonce, clockJump } of steps) {
          now = Math.max(0, now + clockJump);
          if (guard.admit(ts, nonce, now) !== "fresh") continue;
          const frame = `${ts}/${nonce}`;
          assert.ok(!accepted.has(frame), `${frame} accepted twice`);
          accepted.add(frame);
          assert.ok(guard.size <= capacity, "memory stays bounded");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps accepting fresh frames once the cache is full (the floor rises instead)", () => {
    const guard = new ReplayGuard({ windowMs: 30_000, capacity: 10, floor: 0 });
    for (let i = 0; i < 1000; i++) assert.equal(guard.admit(10_000 + i, `n${i}`, 10_000 + i), "fresh");
    assert.equal(guard.size, 10);
    assert.equal(guard.admit(10_000, "n0", 11_000), "stale", "an evicted frame is refused by the floor");
  });
});
