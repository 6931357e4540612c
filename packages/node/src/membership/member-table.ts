// The view: one record per member this node knows, itself included, and when its state began.
import type { MembershipConfig } from "./config.js";
import { isPresent } from "./precedence.js";
import { deliveryAddress, type MemberRecord, type Sender } from "./types.js";

/** How long a failed member still gets gossip (a false death, or a partition, may heal). */
export const GOSSIP_TO_THE_DEAD_MS = 30_000;

/** A member as this node knows it. Changed only through the table (set, update), which keeps its summary true. */
export interface Entry {
  readonly rec: MemberRecord;
  /** When the current state began (garbage collection, the election quorum's memory). */
  readonly since: number;
  /** When we first learned of this process (a newcomer's suspicions take longer: newcomerWindowMs). */
  readonly learnedAt: number;
}

/**
 * What the engine asks of the whole table on every datagram (the cluster's size for the retransmit
 * limit, whether a member is failed, when the next record expires), kept until the table changes:
 * at 1,000 members, scanning the table for each made every datagram cost O(n).
 */
interface Summary {
  present: number;
  /** Other members that answer UDP and are alive or suspect. */
  probeable: MemberRecord[];
  /** Other members failed or left: few, and all that expiry and healing look at. */
  gone: Entry[];
  /** This node and the probeable members' ids, ascending (the probe ring), made when first asked. */
  ring?: number[];
}

export class MemberTable {
  private readonly entries = new Map<number, Entry>();
  /** entries' values as an array, until the next set or delete (values()). */
  private list: Entry[] | undefined;
  private cachedSummary: Summary | undefined;

  constructor(
    readonly selfId: number,
    self: MemberRecord,
    now: number,
  ) {
    this.entries.set(self.id, { rec: self, since: now, learnedAt: now });
  }

  get(id: number): Entry | undefined {
    return this.entries.get(id);
  }

  set(entry: Entry): void {
    this.entries.set(entry.rec.id, entry);
    this.list = undefined;
    this.cachedSummary = undefined;
  }

  /** A member's new record (and, if its state changed, when that began). */
  update(entry: Entry, rec: MemberRecord, since = entry.since): void {
    const mutable = entry as { rec: MemberRecord; since: number };
    mutable.rec = rec;
    mutable.since = since;
    this.cachedSummary = undefined;
  }

  delete(id: number): void {
    if (!this.entries.delete(id)) return;
    this.list = undefined;
    this.cachedSummary = undefined;
  }

  /**
   * Every entry, in the order learned (mechanisms that act on several at once keep it), as an array
   * kept until the table changes. An idle node scans its table several times per probe period, in
   * code too cold for V8 to optimise: a generator or a Map iterator there allocated an object per
   * member per scan, and at 64 members that garbage was most of what an idle node allocated.
   */
  values(): readonly Entry[] {
    this.list ??= [...this.entries.values()];
    return this.list;
  }

  self(): Entry {
    return this.entries.get(this.selfId) as Entry;
  }

  /** Every record (the current objects, not copies). */
  records(): MemberRecord[] {
    return this.values().map((e) => e.rec);
  }

  /** Copies of every record, sorted by id. */
  view(): MemberRecord[] {
    return this.values()
      .map((e) => ({ ...e.rec }))
      .sort((a, b) => a.id - b.id);
  }

  /** Copies of the present (alive or suspect) records, sorted by id: what a join response carries. */
  presentView(): MemberRecord[] {
    return this.view().filter(isPresent);
  }

  /** Other members that answer UDP and are still in the cluster. */
  probeable(): readonly MemberRecord[] {
    return this.summary().probeable;
  }

  presentCount(): number {
    return this.summary().present;
  }

  /** This node and the probeable members' ids, ascending: the ring that probes go round (probe-ring.ts). */
  probeRing(): readonly number[] {
    const summary = this.summary();
    summary.ring ??= [this.selfId, ...summary.probeable.map((r) => r.id)].sort((a, b) => a - b);
    return summary.ring;
  }

  /**
   * Whom gossip goes to: present members, and members failed less than GOSSIP_TO_THE_DEAD_MS ago
   * (memberlist's GossipToTheDeadTime): after a partition heals, gossip then crosses it.
   */
  gossipTargets(now: number): MemberRecord[] {
    const targets: MemberRecord[] = [];
    for (const e of this.values()) {
      const r = e.rec;
      if (r.id === this.selfId || r.seed) continue;
      if (isPresent(r) || (r.state === "failed" && now - e.since < GOSSIP_TO_THE_DEAD_MS)) targets.push(r);
    }
    return targets;
  }

  failedPeers(): MemberRecord[] {
    return this.summary()
      .gone.map((e) => e.rec)
      .filter(isFailedPeer);
  }

  /** failedPeers().length > 0, without building the list (asked on every call for the next deadline). */
  hasFailedPeer(): boolean {
    return this.summary().gone.some((e) => isFailedPeer(e.rec));
  }

  addressOf(id: number): Sender | undefined {
    const r = this.entries.get(id)?.rec;
    return r && !r.seed ? deliveryAddress(r) : undefined;
  }

  /** When the next failed member leaves the election quorum, or a failed or left record expires. */
  nextExpiry(now: number, config: MembershipConfig): number | undefined {
    let due: number | undefined;
    const at = (t: number): void => {
      if (due === undefined || t < due) due = t;
    };
    for (const e of this.summary().gone) {
      if (e.rec.state === "failed") {
        const quorumEnd = e.since + config.quorumMemoryMs;
        at(quorumEnd > now ? quorumEnd : e.since + config.retainFailedMs);
      } else if (e.rec.state === "left") at(e.since + config.retainLeftMs);
    }
    return due;
  }

  /** Drops failed and left records past their retention; returns the records dropped. */
  collect(now: number, config: MembershipConfig): MemberRecord[] {
    const dropped: MemberRecord[] = [];
    for (const e of this.summary().gone) {
      const keep = e.rec.state === "failed" ? config.retainFailedMs : config.retainLeftMs;
      if (now - e.since >= keep) dropped.push(e.rec);
    }
    for (const r of dropped) this.delete(r.id);
    return dropped;
  }

  private summary(): Summary {
    this.cachedSummary ??= this.summarise();
    return this.cachedSummary;
  }

  private summarise(): Summary {
    const summary: Summary = { present: 0, probeable: [], gone: [] };
    for (const e of this.values()) {
      const r = e.rec;
      const present = isPresent(r);
      if (present) summary.present++;
      if (r.id === this.selfId) continue;
      if (!present) summary.gone.push(e);
      else if (!r.seed) summary.probeable.push(r);
    }
    return summary;
  }
}

/** "host:port" of a member, as log lines name it. */
export const peerOf = (r: { addr: string; port: number }): string => `${r.addr}:${r.port}`;

function isFailedPeer(r: MemberRecord): boolean {
  return r.state === "failed" && !r.seed;
}
