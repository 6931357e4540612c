// How changes travel: by gossip, never by broadcast. Every changed record is queued (GossipQueue)
// and rides on pings and acks, and on a gossip round that sends the news to gossipFanout random
// members: at once when fresh news arrives (at the soonest an eighth of an interval after the last
// round, and never more than 25 ms after it, so a busy node sends at most 40 rounds a second),
// then every gossipIntervalMs while there is news. Each
// update is sent retransmitMult * ceil(log2(n + 1)) times, newest and fewest-sent first, so it
// reaches everyone in O(log n) rounds and no node ever sends one datagram per member.
import { retransmitLimit } from "./config.js";
import { pickRandom, type EngineContext } from "./engine-context.js";
import { GossipQueue } from "./gossip-queue.js";
import type { MemberRecord } from "./types.js";
import { ENVELOPE_ALLOWANCE } from "./wire.js";

/**
 * Fresh news waits at least gossipIntervalMs / this after the last round. A quarter interval made
 * a join's news wait up to 50 ms at each hop while joins came faster than that: in a 16-node
 * star-join of processes on loopback, the median join took 50-60 ms to reach everyone, against
 * 32-36 ms with an eighth.
 */
const FRESH_ROUNDS_PER_INTERVAL = 8;

/**
 * ...and never longer than this (an eighth of the default interval). A longer interval only spaces
 * out the rounds that resend old news: with an eighth of 2 s, a join's news waited up to 250 ms at
 * each hop.
 */
const FRESH_ROUND_SPACING_MAX_MS = 25;

export class Dissemination {
  private readonly queue = new GossipQueue();
  /** When the next gossip round may go out (undefined: no round since the queue was last empty). */
  private gossipAt: number | undefined;
  /** When the last round went out: fresh news waits at least an eighth of an interval after it. */
  private lastRoundAt = -Infinity;

  constructor(private readonly ctx: EngineContext) {}

  /** A record changed: gossip and piggyback it from now on. */
  enqueue(id: number): void {
    this.queue.enqueue(id);
  }

  forget(id: number): void {
    this.queue.forget(id);
  }

  /**
   * Recent updates for a ping or ack (at most maxPiggyback, half a datagram), news about the
   * destination first. A destination we hold suspect or failed always hears so, queued or not: it
   * is talking to us, so it is up, and it can refute at no extra datagram.
   */
  piggyback(toId: number | undefined, whole = false): { updates?: MemberRecord[] } {
    const { config, table } = this.ctx;
    const budget = config.maxDatagramBytes - ENVELOPE_ALLOWANCE;
    const updates = this.queue.take({
      toId,
      limit: retransmitLimit(config, table.presentCount()),
      maxUpdates: whole ? Infinity : config.maxPiggyback,
      budgetBytes: whole ? budget : budget / 2,
      lookup: (id) => table.get(id)?.rec,
    });
    const dest = toId === undefined ? undefined : table.get(toId)?.rec;
    const accused = dest !== undefined && (dest.state === "suspect" || dest.state === "failed");
    if (accused && !updates.some((u) => u.id === toId)) updates.unshift({ ...dest });
    return updates.length > 0 ? { updates } : {};
  }

  /** One record straight to one member (an accusation to the accused, so it can refute at once). */
  sendRecord(toId: number, rec: MemberRecord): void {
    const to = this.ctx.table.get(toId)?.rec;
    if (!to || to.seed || to.state === "left" || toId === this.ctx.selfId) return;
    this.ctx.batch.send(to, toId, { type: "update", from: this.ctx.selfId, updates: [{ ...rec }] });
  }

  /** Our own record straight to one member (a refutation to our accuser). */
  sendSelf(toId: number): void {
    this.sendRecord(toId, this.ctx.table.self().rec);
  }

  /** One gossip round if one is due: as much queued news as fits one datagram, to gossipFanout random members. */
  tick(now: number): void {
    const { state, table, config, random, batch, selfId } = this.ctx;
    if (this.queue.size === 0 || state.stopped || !state.active) {
      this.gossipAt = undefined;
      return;
    }
    const freshDue = this.queue.fresh && now >= this.freshRoundAt();
    if (!freshDue && this.gossipAt !== undefined && now < this.gossipAt) return;
    this.queue.fresh = false;
    this.lastRoundAt = now;
    this.gossipAt = now + config.gossipIntervalMs;
    for (const to of pickRandom(table.gossipTargets(now), config.gossipFanout, random)) {
      const { updates } = this.piggyback(to.id, true);
      if (!updates) break;
      batch.send(to, to.id, { type: "update", from: selfId, updates });
    }
  }

  /** When the next gossip round is due (none while there is no news). */
  nextDeadline(): number | undefined {
    if (this.queue.size === 0) return undefined;
    const freshAt = this.queue.fresh ? this.freshRoundAt() : undefined;
    return freshAt !== undefined && this.gossipAt !== undefined
      ? Math.min(freshAt, this.gossipAt)
      : this.gossipAt;
  }

  /** The soonest a round may carry fresh news. */
  private freshRoundAt(): number {
    const spacing = this.ctx.config.gossipIntervalMs / FRESH_ROUNDS_PER_INTERVAL;
    return this.lastRoundAt + Math.min(spacing, FRESH_ROUND_SPACING_MAX_MS);
  }
}
