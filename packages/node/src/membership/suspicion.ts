// Suspicion timers: a suspect that does not refute within suspicionMs is declared failed by this
// node's own timer (someone else's verdict only starts ours: see Claims.apply).
import type { EngineContext } from "./engine-context.js";
import { earliest } from "./engine-context.js";
import type { Entry } from "./member-table.js";

interface Timer {
  deadline: number;
  /** We raised this suspicion (our probe failed): we also announce the verdict. */
  ours: boolean;
}

export class Suspicions {
  private readonly timers = new Map<number, Timer>();

  constructor(private readonly ctx: EngineContext) {}

  /** The member just became suspect: its time to refute starts now. */
  start(id: number, now: number): void {
    this.timers.set(id, { deadline: now + this.ctx.config.suspicionMs, ours: false });
  }

  /** Our own probe raised it. */
  markOurs(id: number): void {
    const t = this.timers.get(id);
    if (t) t.ours = true;
  }

  isOurs(id: number): boolean {
    return this.timers.get(id)?.ours === true;
  }

  /** The member's state changed (refuted, failed, left, replaced): no timer any more. */
  clear(id: number): void {
    this.timers.delete(id);
  }

  /** Suspects whose time ran out, in view order. */
  expired(now: number): Entry[] {
    if (this.timers.size === 0) return [];
    const due: Entry[] = [];
    for (const e of this.ctx.table.values()) {
      const t = this.timers.get(e.rec.id);
      if (e.rec.state === "suspect" && t !== undefined && t.deadline <= now) due.push(e);
    }
    return due;
  }

  nextDeadline(): number | undefined {
    let due: number | undefined;
    for (const t of this.timers.values()) due = earliest(due, t.deadline);
    return due;
  }
}
