// How changes travel: by gossip, never by broadcast. Every changed record is queued (GossipQueue)
// and rides on pings and acks, and on a gossip round that sends the news to gossipFanout random
// members: at once when fresh news arrives, then every gossipIntervalMs while there is news. Each
// update is sent retransmitMult * ceil(log2(n + 1)) times, newest and fewest-sent first, so it
// reaches everyone in O(log n) rounds and no node ever sends one datagram per member.
import { retransmitLimit } from "./config.js";
import { pickRandom, type EngineContext } from "./engine-context.js";
import { GossipQueue } from "./gossip-queue.js";
import type { MemberRecord } from "./types.js";
import { ENVELOPE_ALLOWANCE } from "./wire.js";

export class Dissemination {
  private readonly queue = new GossipQueue();
  /** When the next gossip round may go out (undefined: no round since the queue was last empty). */
  private gossipAt: number | undefined;

  constructor(private readonly ctx: EngineContext) {}

  /** A record changed: gossip and piggyback it from now on. */
  enqueue(id: number): void {
    this.queue.enqueue(id);
  }

  forget(id: number): void {
    this.queue.forget(id);
  }

  /** Recent updates for a ping or ack, news about the destination first (so it can refute). */
  piggyback(toId: number | undefined): { updates?: MemberRecord[] } {
    if (this.queue.size === 0) return {};
    const { config, table } = this.ctx;
    const updates = this.queue.take({
      toId,
      limit: retransmitLimit(config, table.presentCount()),
      maxUpdates: config.maxPiggyback,
      budgetBytes: (config.maxDatagramBytes - ENVELOPE_ALLOWANCE) / 2,
      lookup: (id) => table.get(id)?.rec,
    });
    return updates.length > 0 ? { updates } : {};
  }

  /** The accused hears its accusation at once, so it can refute before the gossip reaches it. */
  tellAccused(rec: MemberRecord): void {
    if (rec.seed) return;
    this.ctx.batch.send(rec, rec.id, { type: "update", from: this.ctx.selfId, updates: [{ ...rec }] });
  }

  /** One gossip round if one is due: the queued news to gossipFanout random members. */
  tick(now: number): void {
    const { state, table, config, random, batch, selfId } = this.ctx;
    if (this.queue.size === 0 || state.stopped || !state.active) {
      this.gossipAt = undefined;
      return;
    }
    if (!this.queue.fresh && this.gossipAt !== undefined && now < this.gossipAt) return;
    this.queue.fresh = false;
    this.gossipAt = now + config.gossipIntervalMs;
    for (const to of pickRandom(table.probeable(), config.gossipFanout, random)) {
      const { updates } = this.piggyback(to.id);
      if (!updates) break;
      batch.send(to, to.id, { type: "update", from: selfId, updates });
    }
  }

  /** When the next gossip round is due (none while there is no news). */
  nextDeadline(): number | undefined {
    return this.queue.size > 0 ? this.gossipAt : undefined;
  }
}
