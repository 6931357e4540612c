// Dynamic suspicion (Lifeguard, memberlist's suspicion.go): a suspicion starts with a long time to
// refute, suspicionMaxMult times the shortest, which shrinks logarithmically with every independent
// confirmation (another member's own accusation at the same incarnation) down to the shortest after
// suspicionConfirmations of them. One node's doubt (it may be the slow one) gives the accused time
// to refute; several nodes' doubts agree on a death quickly. Only this node's timer kills: someone
// else's verdict only starts (or confirms) ours (see Claims.apply). A member we learned of less than
// newcomerWindowMs ago gets the longest time, confirmed or not: a new process on a busy host is at
// its slowest, and everyone who probes it sees the same slowness.
import { suspicionMin } from "./config.js";
import type { EngineContext } from "./engine-context.js";
import { earliest } from "./engine-context.js";
import type { Entry } from "./member-table.js";

interface Timer {
  start: number;
  minMs: number;
  maxMs: number;
  /** Confirmations that shrink the timeout fully. */
  k: number;
  /** Who accused at this incarnation: the first accuser, then each confirmation. */
  accusers: Set<number>;
  deadline: number;
}

/** Time left after n of k confirmations: from max down to min, logarithmically (memberlist's formula). */
export function suspicionTimeout(n: number, k: number, minMs: number, maxMs: number): number {
  if (k < 1) return minMs;
  const fraction = Math.log(n + 1) / Math.log(k + 1);
  return Math.max(minMs, Math.floor(maxMs - fraction * (maxMs - minMs)));
}

export class Suspicions {
  private readonly timers = new Map<number, Timer>();

  constructor(private readonly ctx: EngineContext) {}

  /** The member just became suspect (accused by `accuser`): its time to refute starts now. */
  start(id: number, now: number, accuser: number): void {
    const { config, table } = this.ctx;
    const size = table.presentCount();
    const maxMs = suspicionMin(config, size) * config.suspicionMaxMult;
    // A newcomer's accusers are no independent witnesses: they all probe a process that is slow
    // because it is new. Its suspicion runs its longest time, whoever confirms it.
    const minMs = this.isNewcomer(id, now) ? maxMs : suspicionMin(config, size);
    // The accused and the accuser cannot confirm: a small cluster waits only the shortest time.
    const k = size - 2 < config.suspicionConfirmations ? 0 : config.suspicionConfirmations;
    const timer = { start: now, minMs, maxMs, k, accusers: new Set([accuser]), deadline: 0 };
    timer.deadline = now + suspicionTimeout(0, k, minMs, maxMs);
    this.timers.set(id, timer);
  }

  /** We learned of this member less than newcomerWindowMs ago. */
  private isNewcomer(id: number, now: number): boolean {
    const learnedAt = this.ctx.table.get(id)?.learnedAt ?? -Infinity;
    return now - learnedAt < this.ctx.config.newcomerWindowMs;
  }

  /** Another member accuses the same suspect: true if that is a new, independent confirmation. */
  confirm(id: number, accuser: number): boolean {
    const t = this.timers.get(id);
    if (!t || t.accusers.has(accuser) || t.accusers.size > t.k) return false;
    t.accusers.add(accuser);
    t.deadline = t.start + suspicionTimeout(t.accusers.size - 1, t.k, t.minMs, t.maxMs);
    return true;
  }

  /** The member's state changed (refuted, failed, left, replaced): no timer any more. */
  clear(id: number): void {
    this.timers.delete(id);
  }

  /** Suspects whose time ran out. */
  expired(now: number): Entry[] {
    const due: Entry[] = [];
    for (const [id, t] of this.timers) {
      const e = this.ctx.table.get(id);
      if (e && e.rec.state === "suspect" && t.deadline <= now) due.push(e);
    }
    return due;
  }

  nextDeadline(): number | undefined {
    let due: number | undefined;
    for (const t of this.timers.values()) due = earliest(due, t.deadline);
    return due;
  }
}
