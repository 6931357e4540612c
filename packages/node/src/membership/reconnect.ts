// Reconnect (after Serf's): a failed member whose record the view dropped (after retainFailedMs) is
// not forgotten. Its address is kept for reconnectTimeoutMs, and every reconnectIntervalMs this
// node pushes its view to one of them. A partition that outlasted the view's memory still heals:
// the push reaches the other side once the network does, it learns this side (and answers with
// its own view), and the two merge as after any heal. Bounded: at most MAX_FORMER addresses, one
// push per interval.
import { earliest, type EngineContext } from "./engine-context.js";
import type { MemberRecord, Sender } from "./types.js";

/** Addresses kept at most (the most recently dropped win). */
export const MAX_FORMER = 64;

interface Former extends Sender {
  id: number;
  until: number;
}

export class Reconnect {
  private readonly former = new Map<number, Former>();
  private nextAt: number | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly pushView: (to: Sender, toId: number) => void,
  ) {}

  /** A failed member's record was dropped: remember where it was. */
  remember(r: MemberRecord, now: number): void {
    const { reconnectTimeoutMs, reconnectIntervalMs } = this.ctx.config;
    if (r.seed || reconnectTimeoutMs <= 0) return;
    this.former.delete(r.id);
    this.former.set(r.id, { id: r.id, addr: r.addr, port: r.port, until: now + reconnectTimeoutMs });
    while (this.former.size > MAX_FORMER) this.former.delete(this.former.keys().next().value!);
    this.nextAt ??= now + reconnectIntervalMs;
  }

  nextDeadline(due: number | undefined): number | undefined {
    return earliest(due, this.nextAt);
  }

  /** Forgets what came back or expired; pushes the view to one random former member when due. */
  tick(now: number): void {
    if (this.nextAt === undefined || now < this.nextAt) return;
    for (const [id, f] of this.former) if (f.until <= now || this.isBack(f)) this.former.delete(id);
    const list = [...this.former.values()];
    this.nextAt = list.length ? now + this.ctx.config.reconnectIntervalMs : undefined;
    const f = list[Math.floor(this.ctx.random() * list.length)];
    if (f) this.pushView(f, f.id);
  }

  /** Its id, or a new process at its address, is in the view again. */
  private isBack(f: Former): boolean {
    if (this.ctx.table.get(f.id)) return true;
    return this.ctx.table.view().some((r) => r.addr === f.addr && r.port === f.port && r.state !== "left");
  }
}
