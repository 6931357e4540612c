// The engine clock estimate: every sample's interval holds the offset, so their intersection is
// the answer, and contradictory samples fall back to the narrowest honest one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimateOffset, runBoundUs, type OffsetInterval } from "../src/runtime/engine-clock.js";

/** An /info sample: the engine read its clock `readAfterUs` after our send, with `rttUs` in all. */
function info(offsetUs: number, readAfterUs: number, rttUs: number, sentAt = 1e15): OffsetInterval {
  const engineTime = sentAt + readAfterUs + offsetUs;
  return { low: engineTime - (sentAt + rttUs), high: engineTime - sentAt };
}

/** An /events sample: the engine ended the stream at `until` on its clock; we saw it `lagUs` later. */
function events(offsetUs: number, lagUs: number, until = 2e15): OffsetInterval {
  const receivedAt = until - offsetUs + lagUs;
  return { low: until - receivedAt, high: Infinity };
}

describe("engine clock offset", () => {
  it("intersects the samples: the bound is narrower than any one round trip", () => {
    const truth = 250_000; // the engine runs 250 ms ahead
    const samples = [info(truth, 800, 9000), info(truth, 700, 8000), events(truth, 600), events(truth, 900)];
    const e = estimateOffset(samples);
    assert.ok(Math.abs(e.offsetUs - truth) <= e.boundUs, `${e.offsetUs} ± ${e.boundUs} holds ${truth}`);
    // /info alone cannot say better than half its round trip; with /events the bound is the lags.
    assert.ok(e.boundUs < 1000, `bound ${e.boundUs} µs`);
    assert.equal(e.samples, 4);
  });

  it("holds a negative offset just as well", () => {
    const truth = -180_000;
    const e = estimateOffset([info(truth, 500, 4000), events(truth, 300)]);
    assert.ok(Math.abs(e.offsetUs - truth) <= e.boundUs);
  });

  it("contradictory samples (a clock stepped) fall back to the narrowest two-sided one", () => {
    const e = estimateOffset([info(0, 500, 6000), info(50_000, 500, 2000)]);
    // The second sample alone: [50_000 + 500 - 2000, 50_000 + 500].
    assert.equal(e.offsetUs, 50_000 + 500 - 1000);
    assert.equal(e.boundUs, 1000);
  });

  it("refuses to estimate from lower bounds alone", () => {
    assert.throws(() => estimateOffset([events(0, 100)]), /both bounds/);
  });

  it("the run's bound covers drift between the start and the end", () => {
    const start = { offsetUs: 1000, boundUs: 400, samples: 12 };
    assert.equal(runBoundUs(start, undefined), 400);
    assert.equal(runBoundUs(start, { offsetUs: 1300, boundUs: 500, samples: 12 }), 800);
    assert.equal(runBoundUs(start, { offsetUs: 1050, boundUs: 100, samples: 12 }), 400);
  });
});
