// The bench's bring-up health counts what the cluster did up to the checks, not the teardown's stops.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bringUpHealth } from "../src/bench/bringup-health.js";
import type { TimelineEntry } from "../src/logs/timeline.js";
import { recordedRun } from "./helpers.js";

describe("bring-up health", () => {
  it("counts member.failed lines before the checks ran, and none logged during the teardown", () => {
    const timeline = [...recordedRun("node-crash").timeline];
    const joins = { joined: 4, retried: 0, failedAttempts: 0, maxAttempts: 1, attemptsByNode: {} };
    const timings = { totalMs: 0, joins };
    const before = bringUpHealth({ timeline, timings });
    assert.ok(before.failedLines > 0, "the recorded crash was declared failed before the checks");

    // A member declared failed while the teardown stops the nodes one by one.
    const failed = timeline.find((e) => e.kind === "event" && e.line.event === "member.failed")!;
    const last = timeline[timeline.length - 1]!;
    const duringTeardown = { ...failed, t: last.t + 1, index: last.index + 1 } as TimelineEntry;
    const after = bringUpHealth({ timeline: [...timeline, duringTeardown], timings });
    assert.equal(after.failedLines, before.failedLines);
    assert.equal(after.falselyFailed, before.falselyFailed);
  });
});
