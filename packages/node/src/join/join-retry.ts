// --joinDeadline: the joiner's attempts at its cluster address until a total deadline. Silence,
// a refusal or a name that does not resolve (yet) is retried after a jittered exponential pause;
// an answer that refuses the join is final. Without a deadline there is exactly one attempt, the
// seed's behaviour. The clock, the pause and the dice are injected so tests run without waiting.
import { setTimeout as sleep } from "node:timers/promises";
import type { JoinFailureKind, JoinOutcome } from "./join-client.js";

/** The pause after the first failed attempt; each next one doubles, up to MAX_PAUSE_MS. */
export const FIRST_PAUSE_MS = 100;
export const MAX_PAUSE_MS = 2000;
/** An attempt shorter than this cannot connect on a loaded machine: give up instead. */
export const MIN_ATTEMPT_MS = 100;

/**
 * What is worth another attempt: nobody there yet (refused, silent, closed, unreachable, a name
 * Docker's DNS does not know yet). An answer, even a refusal, means a node is there and decided.
 */
const RETRIED: ReadonlySet<JoinFailureKind> = new Set([
  "refused",
  "timeout",
  "unresolvable",
  "closed",
  "network",
]);

export function isRetried(kind: JoinFailureKind): boolean {
  return RETRIED.has(kind);
}

/**
 * The pause before attempt `attempt + 1`, after `attempt` failed ones: "equal jitter", half the
 * exponential step fixed and half random, so many joiners refused together do not return together.
 */
export function pauseAfter(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.min(attempt - 1, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

export interface RetryClock {
  now(): number;
  /** Resolves after `ms`, or rejects once `signal` aborts. */
  pause(ms: number, signal?: AbortSignal): Promise<void>;
}

export const REAL_CLOCK: RetryClock = {
  now: () => performance.now(),
  pause: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/** What the joiner learns of each failed attempt, to log it. */
export interface FailedAttempt {
  outcome: Extract<JoinOutcome, { ok: false }>;
  attempt: number;
  /** Set when another attempt follows after this pause. */
  retryInMs?: number;
}

export interface RetryPlan {
  /** One attempt, bounded by `timeoutMs`. */
  attempt(attempt: number, timeoutMs: number): Promise<JoinOutcome>;
  /** Per attempt (--dialTimeout). */
  dialTimeoutMs: number;
  /** Total, from the first attempt's start (--joinDeadline); undefined: one attempt only. */
  deadlineMs?: number;
  onFailure(failed: FailedAttempt): void;
  signal?: AbortSignal;
  clock?: RetryClock;
  random?: () => number;
}

export interface RetryResult {
  outcome: JoinOutcome;
  attempts: number;
  /** From the first attempt's start to the last one's end. */
  elapsedMs: number;
}

/** Attempts until one succeeds, one fails for good, or the deadline leaves no room for another. */
export async function joinWithRetry(plan: RetryPlan): Promise<RetryResult> {
  const clock = plan.clock ?? REAL_CLOCK;
  const start = clock.now();
  const deadline = start + (plan.deadlineMs ?? 0);
  for (let attempt = 1; ; attempt++) {
    const left = plan.deadlineMs === undefined ? plan.dialTimeoutMs : deadline - clock.now();
    const outcome = await plan.attempt(attempt, Math.max(1, Math.min(plan.dialTimeoutMs, left)));
    const elapsedMs = clock.now() - start;
    if (outcome.ok) return { outcome, attempts: attempt, elapsedMs };
    const pause = nextPause(plan, outcome.kind, attempt, deadline - clock.now());
    plan.onFailure({ outcome, attempt, ...(pause !== undefined ? { retryInMs: pause } : {}) });
    if (pause === undefined) return { outcome, attempts: attempt, elapsedMs };
    try {
      await clock.pause(pause, plan.signal);
    } catch {
      const aborted = { ok: false, kind: "aborted", reason: "the node was stopped while joining" } as const;
      return { outcome: aborted, attempts: attempt, elapsedMs: clock.now() - start };
    }
  }
}

/** The pause before another attempt, or undefined when there is none. */
function nextPause(
  plan: RetryPlan,
  kind: JoinFailureKind,
  attempt: number,
  leftMs: number,
): number | undefined {
  if (plan.deadlineMs === undefined || !isRetried(kind) || plan.signal?.aborted) return undefined;
  const pause = pauseAfter(attempt, plan.random);
  return leftMs - pause >= MIN_ATTEMPT_MS ? pause : undefined;
}
