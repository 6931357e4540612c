// The updates this node still has to pass on: each member's latest record is piggybacked a bounded
// number of times (retransmitLimit), the least-sent first (the newest among equals), then dropped.
//
// Queued ids sit in one bucket per sent count, each bucket in queue order (oldest first), so a take
// reads only as many ids as one datagram holds instead of sorting the whole queue: at 1,000 members
// the queue holds hundreds of ids and a node fills several datagrams per probe period.
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

interface Queued {
  /** Times its current record was sent. */
  sent: number;
  /** When it was queued (a counter): the newest news goes first among equals. */
  at: number;
}

/** The ids sent a given number of times, ascending by when they were queued. */
class Bucket {
  readonly ids: number[] = [];
  private readonly ats: number[] = [];

  add(id: number, at: number): void {
    const i = this.position(at);
    this.ids.splice(i, 0, id);
    this.ats.splice(i, 0, at);
  }

  remove(at: number): void {
    const i = this.position(at);
    if (this.ats[i] !== at) return;
    this.ids.splice(i, 1);
    this.ats.splice(i, 1);
  }

  /** The first position queued at or after `at` (a binary search: `at`s are unique and ascending). */
  private position(at: number): number {
    let [low, high] = [0, this.ats.length];
    if (high > 0 && (this.ats[high - 1] as number) < at) return high; // the usual case: the newest
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ats[mid] as number) < at) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

export class GossipQueue {
  private readonly entries = new Map<number, Queued>();
  /** buckets[sent]: the ids sent that many times. */
  private readonly buckets: Bucket[] = [];
  private clock = 0;
  /** Something was queued since the last gossip round: it goes out at once, not at the next tick. */
  fresh = false;

  get size(): number {
    return this.entries.size;
  }

  /** The member's record changed: it goes out again from the start. */
  enqueue(id: number): void {
    this.forget(id);
    this.place(id, { sent: 0, at: ++this.clock });
    this.fresh = true;
  }

  forget(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bucket(entry.sent).remove(entry.at);
  }

  /** Copies of the updates for one datagram, counting each as sent once more. */
  take(options: TakeOptions): MemberRecord[] {
    if (this.entries.size === 0) return [];
    const chosen = this.choose(options);
    for (const { id } of chosen) this.countSent(id, options.limit);
    return chosen.map(({ rec }) => ({ ...rec }));
  }

  /** The updates that fit one datagram: the destination's own first, then fewest-sent, newest first. */
  private choose(options: TakeOptions): { id: number; rec: MemberRecord }[] {
    const { toId, maxUpdates, budgetBytes, lookup } = options;
    const chosen: { id: number; rec: MemberRecord }[] = [];
    const stale: number[] = [];
    let bytes = 0;
    const consider = (id: number): boolean => {
      if (chosen.length >= maxUpdates) return false;
      if (id === toId && chosen.length > 0) return true; // taken first, already
      const rec = lookup(id);
      if (!rec) {
        stale.push(id);
        return true;
      }
      const size = byteLength(JSON.stringify(rec));
      if (bytes + size > budgetBytes) return false;
      bytes += size;
      chosen.push({ id, rec });
      return true;
    };
    let room = toId === undefined || !this.entries.has(toId) || consider(toId);
    for (let sent = 0; room && sent < this.buckets.length; sent++) {
      const ids = (this.buckets[sent] as Bucket).ids;
      for (let i = ids.length - 1; room && i >= 0; i--) room = consider(ids[i] as number);
    }
    for (const id of stale) this.forget(id);
    return chosen;
  }

  /** One more send of the id's record: into the next bucket, or dropped at the limit. */
  private countSent(id: number, limit: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.forget(id);
    if (entry.sent + 1 < limit) this.place(id, { sent: entry.sent + 1, at: entry.at });
  }

  private place(id: number, entry: Queued): void {
    this.entries.set(id, entry);
    this.bucket(entry.sent).add(id, entry.at);
  }

  private bucket(sent: number): Bucket {
    while (this.buckets.length <= sent) this.buckets.push(new Bucket());
    return this.buckets[sent] as Bucket;
  }
}
