// The updates this node still has to pass on: each member's latest record is piggybacked a bounded
// number of times (retransmitLimit), the least-sent first (the newest among equals), then dropped.
import { byteLength } from "./wire.js";
import type { MemberRecord } from "./types.js";

export interface TakeOptions {
  /** The destination: news about it goes first, so it can refute an accusation. */
  toId: number | undefined;
  /** Times one update is sent before it is dropped. */
  limit: number;
  /** Most updates in one datagram. */
  maxUpdates: number;
  /** Most bytes of updates in one datagram. */
  budgetBytes: number;
  /** The current record of a member (the queue holds ids; the view holds what they say). */
  lookup: (id: number) => MemberRecord | undefined;
}

export class GossipQueue {
  /** member id -> times its current record was sent. */
  private readonly sent = new Map<number, number>();
  /** member id -> when it was queued (a counter): the newest news goes first among equals. */
  private readonly queuedAt = new Map<number, number>();
  private clock = 0;
  /** Something was queued since the last gossip round: it goes out at once, not at the next tick. */
  fresh = false;

  get size(): number {
    return this.sent.size;
  }

  /** The member's record changed: it goes out again from the start. */
  enqueue(id: number): void {
    this.sent.set(id, 0);
    this.queuedAt.set(id, ++this.clock);
    this.fresh = true;
  }

  forget(id: number): void {
    this.sent.delete(id);
    this.queuedAt.delete(id);
  }

  /** Queued ids, fewest-sent first, then newest first. */
  private order(): number[] {
    const at = (id: number): number => this.queuedAt.get(id) ?? 0;
    return [...this.sent.entries()].sort((a, b) => a[1] - b[1] || at(b[0]) - at(a[0])).map(([id]) => id);
  }

  /** Copies of the updates for one datagram, counting each as sent once more. */
  take(options: TakeOptions): MemberRecord[] {
    if (this.sent.size === 0) return [];
    const { toId, limit, maxUpdates, budgetBytes, lookup } = options;
    const ids = this.order();
    if (toId !== undefined && this.sent.has(toId)) ids.unshift(toId);
    const updates: MemberRecord[] = [];
    let bytes = 0;
    for (const id of ids) {
      if (updates.length >= maxUpdates) break;
      const rec = lookup(id);
      const count = this.sent.get(id);
      if (!rec || count === undefined) {
        this.forget(id);
        continue;
      }
      if (updates.some((u) => u.id === id)) continue;
      const size = byteLength(JSON.stringify(rec));
      if (bytes + size > budgetBytes) break;
      bytes += size;
      updates.push({ ...rec });
      if (count + 1 >= limit) this.forget(id);
      else this.sent.set(id, count + 1);
    }
    return updates;
  }
}
