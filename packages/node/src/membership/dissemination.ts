// How changes travel: the node that decides a change announces it to every member at the end of the
// call, and every changed record is also piggybacked on later pings and acks (GossipQueue), so a
// lost announcement is repaired within a few probe periods.
import { retransmitLimit } from "./config.js";
import type { EngineContext } from "./engine-context.js";
import { GossipQueue } from "./gossip-queue.js";
import type { MemberRecord } from "./types.js";
import { ENVELOPE_ALLOWANCE, splitRecords } from "./wire.js";

export class Dissemination {
  private readonly queue = new GossipQueue();
  /** Members whose records this call announces to everyone. */
  private readonly announced = new Set<number>();

  constructor(private readonly ctx: EngineContext) {}

  /** A record changed: piggyback it from now on. */
  enqueue(id: number): void {
    this.queue.enqueue(id);
  }

  /** We decided this change (or learned it from a push-pull): tell every member at the end of the call. */
  announce(id: number): void {
    this.announced.add(id);
  }

  forget(id: number): void {
    this.queue.forget(id);
  }

  /** Drops what an interrupted call had collected. */
  reset(): void {
    this.announced.clear();
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

  /** Sends this call's announcements to every recipient, as few update datagrams as fit. */
  flush(): void {
    if (this.announced.size === 0) return;
    const { table, batch, selfId, state, config } = this.ctx;
    const records = [...this.announced]
      .map((id) => table.get(id)?.rec)
      .filter((r): r is MemberRecord => r !== undefined)
      .map((r) => ({ ...r }));
    this.announced.clear();
    if (state.stopped || records.length === 0) return;
    const groups = splitRecords(records, config.maxDatagramBytes - ENVELOPE_ALLOWANCE);
    for (const r of table.recipients()) {
      for (const updates of groups) batch.send(r, r.id, { type: "update", from: selfId, updates });
    }
  }
}
