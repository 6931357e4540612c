// Rejection logging: who and why, bounded under a flood, every rejection counted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RejectionLog, type RejectionLine } from "../src/auth/index.js";

function log(options: { burst?: number; refillMs?: number; maxSources?: number } = {}) {
  const clock = { now: 0 };
  const lines: RejectionLine[] = [];
  const rejections = new RejectionLog({
    write: (line) => lines.push(line),
    clock: () => clock.now,
    ...options,
  });
  return { rejections, lines, clock };
}

const bad = (peer: string) => ({
  reason: "bad-mac" as const,
  detail: "forged",
  transport: "udp" as const,
  peer,
});

describe("RejectionLog", () => {
  it("logs the first rejection of a sender at once, with who and why", () => {
    const { rejections, lines } = log();
    rejections.record({ ...bad("10.0.0.9:4000"), kid: "0badc0de", label: "prod" });
    assert.deepEqual(lines, [{ ...bad("10.0.0.9:4000"), kid: "0badc0de", label: "prod", count: 1 }]);
  });

  it("turns a flood of 100,000 into a few lines whose counts add up", () => {
    const { rejections, lines, clock } = log();
    for (let i = 0; i < 100_000; i++) {
      clock.now = Math.floor(i / 10); // 10,000 a second for 10 s
      rejections.record(bad(`10.0.0.9:${1024 + (i % 50_000)}`));
    }
    assert.ok(lines.length <= 10, `${lines.length} lines`);
    rejections.flush();
    assert.equal(lines.length <= 11, true, "flush adds one line for what was held back");
    const logged = lines.reduce((sum, line) => sum + line.count, 0);
    assert.equal(logged, 100_000, "each line stands for the rejections since the last one");
    assert.equal(rejections.counts()["bad-mac"], 100_000);
    assert.equal(rejections.total(), 100_000);
  });

  it("bounds the lines of a flood from many (spoofed) sources by a global budget", () => {
    const { rejections, lines, clock } = log({ burst: 20, refillMs: 2000, maxSources: 64 });
    for (let i = 0; i < 50_000; i++) {
      clock.now = Math.floor(i / 5); // 10 s
      rejections.record(bad(`10.${i % 250}.${i % 7}.1:9`));
    }
    assert.ok(lines.length <= 20 + 5, `${lines.length} lines`);
    assert.equal(rejections.total(), 50_000);
  });

  it("logs each reason of one sender on its own, so one flood does not hide another problem", () => {
    const { rejections, lines } = log();
    for (let i = 0; i < 100; i++) rejections.record(bad("10.0.0.9:1"));
    rejections.record({ reason: "stale", detail: "old", transport: "udp", peer: "10.0.0.3:8003" });
    assert.deepEqual(
      lines.map((l) => l.reason),
      ["bad-mac", "stale"],
    );
  });
});
