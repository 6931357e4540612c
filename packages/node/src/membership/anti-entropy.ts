// Anti-entropy (push-pull): every sync period a node sends its full view to one random present
// member; the receiver merges it and answers with its own. The period grows with the cluster
// (syncInterval, memberlist's pushPullScale): a view of n records costs about n/60 datagrams, so a
// fixed period would make the idle cost per node grow with n. Every heal period (scaled the same
// way), while some member is held failed, the view also goes to one of those: that push is what
// heals a partition (each side sees itself accused and refutes), so it keeps its own, short period
// however rare the first.
import type { Claims } from "./claims.js";
import { scaledPeriod } from "./config.js";
import { earliest, type EngineContext } from "./engine-context.js";
import type { MemberRecord, Sender } from "./types.js";
import { ENVELOPE_ALLOWANCE, splitRecords, type SyncMessage } from "./wire.js";

export class AntiEntropy {
  private nextSyncAt: number;
  /** When the view may next go to a failed member (a due time only counts while there is one). */
  private nextHealAt: number;
  /** When a member that came back may next get a push-pull of its own (at most one per probe period). */
  private nextRevivedSyncAt = -Infinity;

  constructor(
    private readonly ctx: EngineContext,
    private readonly claims: Claims,
    now: number,
  ) {
    this.nextSyncAt = now + ctx.config.syncIntervalMs;
    this.nextHealAt = now + ctx.config.healIntervalMs;
  }

  nextDeadline(due: number | undefined): number | undefined {
    const healing = this.ctx.table.hasFailedPeer();
    return earliest(earliest(due, this.nextSyncAt), healing ? this.nextHealAt : undefined);
  }

  tick(now: number): void {
    this.syncWithPresent(now);
    this.pushToFailed(now);
  }

  private syncWithPresent(now: number): void {
    if (now < this.nextSyncAt) return;
    const { table, random, config } = this.ctx;
    this.nextSyncAt = now + scaledPeriod(config.syncIntervalMs, table.presentCount());
    const alive = table.probeable();
    const a = alive[Math.floor(random() * alive.length)];
    if (a) this.sendView(a, a.id, "sync");
  }

  private pushToFailed(now: number): void {
    if (now < this.nextHealAt) return;
    const { table, config, random } = this.ctx;
    const failed = table.failedPeers();
    if (failed.length === 0) return;
    // Scaled like the push-pull: every node pushes, so a failed member hears n / period views.
    this.nextHealAt = now + scaledPeriod(config.healIntervalMs, table.presentCount());
    const f = failed[Math.floor(random() * failed.length)] as MemberRecord;
    this.sendView(f, f.id, "sync");
  }

  /** A view arrived: merge every record (each stands on its own), and answer the first part of a sync. */
  onView(msg: SyncMessage, now: number, replyTo: Sender | undefined): void {
    this.claims.applyAll(msg.members, now, { via: "sync", by: msg.from });
    if (msg.type === "sync" && msg.part === 0 && replyTo) this.sendView(replyTo, msg.from, "sync-ack");
  }

  /**
   * A member we held failed is alive again: the partition between us healed, and our views differ
   * most now (the other side may have elected a master we do not know yet). Exchange them at once.
   */
  revived(id: number, now: number): void {
    const r = this.ctx.table.get(id)?.rec;
    if (!r || r.seed || now < this.nextRevivedSyncAt) return;
    this.nextRevivedSyncAt = now + this.ctx.config.probeIntervalMs;
    this.sendView(r, id, "sync");
  }

  /** Pushes the view to an address outside the view (reconnect.ts); the answer merges as any sync-ack. */
  pushTo(to: Sender, toId: number): void {
    this.sendView(to, toId, "sync");
  }

  private sendView(to: Sender, toId: number | undefined, type: "sync" | "sync-ack"): void {
    const { table, config, batch, selfId } = this.ctx;
    const groups = splitRecords(table.view(), config.maxDatagramBytes - ENVELOPE_ALLOWANCE);
    groups.forEach((members, part) => {
      batch.send(to, toId, { type, from: selfId, part, parts: groups.length, members });
    });
  }
}
