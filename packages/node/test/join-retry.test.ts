// --joinDeadline's attempts on a fake clock: which failures are retried, the jittered exponential
// pauses, the deadline that bounds them, and a stop during a pause.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { JoinFailureKind, JoinOutcome } from "../src/join/join-client.js";
import {
  FIRST_PAUSE_MS,
  MAX_PAUSE_MS,
  MIN_ATTEMPT_MS,
  joinWithRetry,
  pauseAfter,
  type FailedAttempt,
  type RetryClock,
  type RetryPlan,
} from "../src/join/join-retry.js";

/** A clock that only moves when an attempt takes time or the joiner pauses. */
class FakeClock implements RetryClock {
  t = 0;
  readonly pauses: number[] = [];
  now(): number {
    return this.t;
  }
  pause(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error("aborted"));
    this.pauses.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}

const failure = (kind: JoinFailureKind): JoinOutcome => ({ ok: false, kind, reason: `${kind} (test)` });
const success: JoinOutcome = {
  ok: true,
  response: {
    source: { nodeId: 1, nodeIpAddr: "127.0.0.1", Port: "8001" },
    dest: { nodeId: 2, nodeIpAddr: "127.0.0.1", Port: "8002" },
    message: "ok",
  },
};

/** Attempts that each take `tookMs` (a dial that times out takes its whole timeout: pass "timeout"). */
function plan(
  clock: FakeClock,
  outcomes: (attempt: number) => JoinOutcome,
  extra: Partial<RetryPlan> & { tookMs?: number } = {},
) {
  const failed: FailedAttempt[] = [];
  const timeouts: number[] = [];
  const full: RetryPlan = {
    attempt: (attempt, timeoutMs) => {
      timeouts.push(timeoutMs);
      const outcome = outcomes(attempt);
      clock.t += !outcome.ok && outcome.kind === "timeout" ? timeoutMs : (extra.tookMs ?? 1);
      return Promise.resolve(outcome);
    },
    dialTimeoutMs: 2000,
    onFailure: (f) => failed.push(f),
    clock,
    random: () => 0.5,
    ...extra,
  };
  return { full, failed, timeouts };
}

test("without a deadline: one attempt, whatever went wrong (the seed's behaviour)", async () => {
  const clock = new FakeClock();
  const { full, failed, timeouts } = plan(clock, () => failure("refused"));
  const result = await joinWithRetry(full);
  assert.equal(result.attempts, 1);
  assert.deepEqual(timeouts, [2000]);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.retryInMs, undefined, "no retry announced");
  assert.deepEqual(clock.pauses, []);
});

test("refused, then answered: retried after a pause, and the success ends it", async () => {
  const clock = new FakeClock();
  const { full, failed } = plan(clock, (n) => (n < 4 ? failure("refused") : success), { deadlineMs: 60_000 });
  const result = await joinWithRetry(full);
  assert.equal(result.outcome.ok, true);
  assert.equal(result.attempts, 4);
  assert.deepEqual(
    failed.map((f) => [f.attempt, f.retryInMs]),
    [
      [1, 75],
      [2, 150],
      [3, 300],
    ],
    "each failure says when the next attempt comes; the pauses double (random 0.5: three quarters of the step)",
  );
});

test("the pause doubles from FIRST_PAUSE_MS up to MAX_PAUSE_MS, with half of it jittered", () => {
  for (const attempt of [1, 2, 3, 4, 5, 6, 10, 100]) {
    const step = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1));
    assert.equal(
      pauseAfter(attempt, () => 0),
      step / 2,
      `attempt ${attempt}, lowest`,
    );
    assert.equal(
      pauseAfter(attempt, () => 0.999999),
      step,
      `attempt ${attempt}, highest`,
    );
  }
  const spread = new Set(Array.from({ length: 50 }, () => pauseAfter(5)));
  assert.ok(spread.size > 10, `joiners refused together come back apart: ${spread.size} distinct pauses`);
});

test("every kind that means nobody is there yet is retried; an answer that refuses is final", async () => {
  const retried: JoinFailureKind[] = ["refused", "timeout", "unresolvable", "closed", "network"];
  const final: JoinFailureKind[] = ["error-reply", "bad-response", "unauthenticated", "aborted"];
  for (const kind of [...retried, ...final]) {
    const clock = new FakeClock();
    const { full } = plan(clock, (n) => (n === 1 ? failure(kind) : success), { deadlineMs: 60_000 });
    const result = await joinWithRetry(full);
    assert.equal(result.attempts, retried.includes(kind) ? 2 : 1, kind);
    assert.equal(result.outcome.ok, retried.includes(kind), kind);
  }
});

test("a silent address is retried until the deadline, each attempt bounded by what is left", async () => {
  const clock = new FakeClock();
  const { full, failed, timeouts } = plan(clock, () => failure("timeout"), { deadlineMs: 10_000 });
  const result = await joinWithRetry(full);
  assert.equal(result.outcome.ok, false);
  assert.ok(result.attempts >= 4, `several attempts: ${result.attempts}`);
  assert.ok(clock.t <= 10_000, `the last attempt ended by the deadline: ${clock.t} ms`);
  assert.ok(10_000 - clock.t < MAX_PAUSE_MS + MIN_ATTEMPT_MS, `and little was left: ${10_000 - clock.t} ms`);
  assert.ok(
    timeouts.every((t) => t <= 2000 && t >= MIN_ATTEMPT_MS),
    `timeouts ${timeouts.join(", ")}`,
  );
  assert.equal(timeouts.at(-1)! < 2000, true, "the last attempt got only what was left");
  assert.deepEqual(
    failed.map((f) => f.retryInMs !== undefined),
    [...Array<boolean>(result.attempts - 1).fill(true), false],
    "only the last failure says no retry follows",
  );
});

test("a deadline shorter than the dial timeout bounds the first attempt", async () => {
  const clock = new FakeClock();
  const { full, timeouts } = plan(clock, () => failure("timeout"), { deadlineMs: 500 });
  const result = await joinWithRetry(full);
  assert.deepEqual(timeouts, [500]);
  assert.equal(result.attempts, 1);
});

test("a stop during a pause ends the attempts as aborted, without another dial", async () => {
  const clock = new FakeClock();
  const stop = new AbortController();
  const { full, timeouts } = plan(clock, () => failure("refused"), {
    deadlineMs: 60_000,
    signal: stop.signal,
  });
  // The stop comes once the second failure is logged, while the joiner pauses.
  const onFailure = full.onFailure;
  full.onFailure = (f) => {
    onFailure(f);
    if (f.attempt === 2) stop.abort();
  };
  const result = await joinWithRetry(full);
  assert.equal(!result.outcome.ok && result.outcome.kind, "aborted");
  assert.equal(timeouts.length, 2);
});
