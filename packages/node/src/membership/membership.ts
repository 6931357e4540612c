// The membership state machine: SWIM-style probing, suspicion, dissemination and master failover.
// Pure: no I/O, no timers, no clock of its own. Every call takes `now` and returns what to send and log.
import { DEFAULT_MEMBERSHIP_CONFIG, retransmitLimit, type MembershipConfig } from "./config.js";
import { currentMaster, electionWinner, highestEpoch } from "./master-election.js";
import { isPresent, supersedes } from "./precedence.js";
import type { JoinerInfo, MemberRecord, MembershipEvent, Outgoing, Output, SelfInfo } from "./types.js";
import { ENVELOPE_ALLOWANCE, byteLength, splitRecords, type MembershipMessage } from "./wire.js";
import { parseRecords } from "./wire-validate.js";

export interface MembershipOptions {
  self: SelfInfo;
  /** Creation time: also this process's `gen`, so a restart at the same address replaces us. */
  now: number;
  config?: Partial<MembershipConfig>;
  /** Injected randomness (tests pass a seeded generator). */
  random?: () => number;
}

/** Where a datagram came from (the UDP source); replies go there. */
export interface Sender {
  addr: string;
  port: number;
}

interface Entry {
  rec: MemberRecord;
  /** When the current state began (for garbage collection). */
  since: number;
  /** When a suspect is declared failed unless it refutes. */
  suspectDeadline?: number;
  /** We raised the current suspicion ourselves (our probe failed): we also broadcast the verdict. */
  accusedByUs?: boolean;
  /** Learned second-hand and not heard from yet: not probed until then or newcomerGraceMs (see config). */
  unconfirmedUntil?: number;
}

interface Probe {
  target: number;
  seq: number;
  startedAt: number;
  indirectSent: boolean;
  acked: boolean;
}

/** A ping we send for someone else (ping-req): its ack is forwarded to them. */
interface Relay {
  origin: Sender;
  /** Who asked: the forwarded ack is meant for it (a signed datagram names its receiver). */
  originId: number;
  originSeq: number;
  target: number;
  expires: number;
}

const peerOf = (r: { addr: string; port: number }): string => `${r.addr}:${r.port}`;

export class Membership {
  readonly config: MembershipConfig;
  readonly selfId: number;
  private readonly random: () => number;
  private readonly entries = new Map<number, Entry>();
  /** Joined a cluster (or started as master): probing and elections run only then. */
  private active: boolean;
  /** We joined a seed node, which tells us nothing about the cluster: no failover (docs/membership.md). */
  private degraded = false;
  private stopped = false;
  private seq = 0;
  private probe: Probe | undefined;
  private probeOrder: number[] = [];
  private nextProbeAt = 0;
  private nextSyncAt = 0;
  private readonly relays = new Map<number, Relay>();
  /** Updates to piggyback: member id -> times already sent. */
  private readonly gossip = new Map<number, number>();
  private maxEpoch: number;
  private lastMaster: { id: number; epoch: number } | undefined;
  // The batch being built by the current call.
  private pending: Output = { send: [], events: [] };
  private readonly broadcastIds = new Set<number>();
  /** The view changed since the master rule last ran (it is O(n), so skip it when nothing changed). */
  private dirty = true;
  /** The earliest deadline after the last call: a tick much later than this means we were stalled. */
  private dueAt: number | undefined;
  /** Since when we would win an election (see reconcileMaster). */
  private candidateSince: number | undefined;

  constructor(opts: MembershipOptions) {
    this.config = { ...DEFAULT_MEMBERSHIP_CONFIG, ...opts.config };
    this.random = opts.random ?? Math.random;
    const { id, addr, port, role } = opts.self;
    this.selfId = id;
    const epoch = role === "master" ? 1 : 0;
    this.entries.set(id, {
      rec: { id, addr, port, role, state: "alive", inc: 0, epoch, gen: opts.self.gen ?? opts.now },
      since: opts.now,
    });
    this.maxEpoch = epoch;
    this.active = role === "master";
    if (role === "master") this.lastMaster = { id, epoch };
    this.nextProbeAt = opts.now;
    this.nextSyncAt = opts.now + this.config.syncIntervalMs;
  }

  // ---- Queries ---------------------------------------------------------------------------------

  /** Our own record. */
  self(): MemberRecord {
    return { ...this.selfEntry().rec };
  }

  /** Every record we hold (failed and left ones too, until garbage-collected), sorted by id. */
  view(): MemberRecord[] {
    return [...this.entries.values()].map((e) => ({ ...e.rec })).sort((a, b) => a.id - b.id);
  }

  member(id: number): MemberRecord | undefined {
    const e = this.entries.get(id);
    return e ? { ...e.rec } : undefined;
  }

  /** The master as this node sees it (see master-election.ts). */
  master(): MemberRecord | undefined {
    const m = currentMaster(this.records());
    return m ? { ...m } : undefined;
  }

  /** True if a present member (or we) already uses this id: the node should give the joiner a fresh one. */
  idInUse(id: number): boolean {
    const e = this.entries.get(id);
    return e !== undefined && isPresent(e.rec);
  }

  isDegraded(): boolean {
    return this.degraded;
  }

  isActive(): boolean {
    return this.active && !this.stopped;
  }

  /**
   * When tick() next has something to do (undefined: nothing until a message or a join). The
   * runner arms one timer for it instead of polling, which matters with 64 nodes on 2 cores.
   */
  nextDeadline(now: number): number | undefined {
    if (!this.isActive()) return undefined;
    const cfg = this.config;
    const p = this.probe;
    let due = this.nextSyncAt;
    const at = (t: number | undefined): void => {
      if (t !== undefined && t < due) due = t;
    };
    if (p) {
      if (!p.acked && !p.indirectSent) at(p.startedAt + cfg.probeTimeoutMs);
      at(p.startedAt + cfg.probeIntervalMs);
    } else at(this.nextProbeAt);
    if (this.candidateSince !== undefined) at(this.candidateSince + cfg.electionDelayMs);
    for (const e of this.entries.values()) {
      at(e.suspectDeadline);
      at(e.unconfirmedUntil);
      if (e.rec.id === this.selfId) continue;
      // A failed member leaves the election quorum, then the view.
      if (e.rec.state === "failed") {
        const quorumEnd = e.since + cfg.quorumMemoryMs;
        at(quorumEnd > now ? quorumEnd : e.since + cfg.retainFailedMs);
      } else if (e.rec.state === "left") at(e.since + cfg.retainLeftMs);
    }
    return due;
  }

  // ---- Join flow (called by the node around the TCP handshake) ----------------------------------

  /**
   * A joiner's TCP request arrived at us. Returns the view to embed in the join response as the
   * additive `members` field, and the output that announces the joiner to everyone else.
   */
  admitJoiner(info: JoinerInfo, now: number): { members: MemberRecord[]; output: Output } {
    this.begin();
    this.active = true;
    const rec: MemberRecord = {
      id: info.id,
      addr: info.addr,
      port: info.port,
      role: "member",
      state: "alive",
      inc: 0,
      epoch: 0,
      gen: info.gen ?? now,
    };
    if (info.seed) rec.seed = true;
    // A join is first-hand news: the joiner's fresh process replaces whatever we held under its id.
    const old = this.entries.get(info.id);
    if (old && info.id !== this.selfId && (old.rec.state !== "alive" || rec.gen > old.rec.gen)) {
      this.entries.delete(info.id);
    }
    if (this.apply(rec, now, { via: "join", by: this.selfId })) this.broadcastIds.add(info.id);
    const members = [...this.entries.values()]
      .filter((e) => isPresent(e.rec))
      .map((e) => ({ ...e.rec }))
      .sort((a, b) => a.id - b.id);
    return { members, output: this.finish(now) };
  }

  /**
   * We joined through `responder`. `members` is the response's additive field: absent means the
   * responder is a seed node, and we degrade to the seed's one-handshake behaviour.
   */
  seedFromJoinResponse(members: unknown, responder: JoinerInfo, now: number): Output {
    this.begin();
    this.active = true;
    const parsed = members === undefined || members === null ? undefined : parseRecords(members, "members");
    if (parsed === undefined || typeof parsed === "string") {
      if (typeof parsed === "string") {
        this.emit({
          event: "protocol.error",
          message: `join response members ignored: ${parsed}`,
          code: "invalid-message",
          peerId: responder.id,
          peer: peerOf(responder),
        });
      }
      this.degraded = true;
      const rec: MemberRecord = {
        id: responder.id,
        addr: responder.addr,
        port: responder.port,
        role: "member",
        state: "alive",
        inc: 0,
        epoch: 0,
        gen: responder.gen ?? now,
        seed: true,
      };
      this.apply(rec, now, { via: "join-response", by: responder.id });
      return this.finish(now);
    }
    for (const r of parsed) this.apply(r, now, { via: "join-response", by: responder.id });
    // Announce ourselves directly too: one lost broadcast from the responder then costs nothing.
    this.broadcastIds.add(this.selfId);
    return this.finish(now);
  }

  /** Graceful stop: tell everyone we leave. After this the engine is inert. */
  leave(now: number): Output {
    this.begin();
    if (this.stopped) return this.finish(now);
    const self = this.selfEntry();
    const wasMaster = self.rec.role === "master";
    self.rec.state = "left";
    self.since = now;
    for (const r of this.recipients()) {
      this.pending.send.push({
        addr: r.addr,
        port: r.port,
        toId: r.id,
        msg: { type: "leave", from: this.selfId, inc: self.rec.inc },
      });
    }
    if (wasMaster)
      this.emit({
        event: "master.resigned",
        message: "master leaves the cluster",
        peerId: this.selfId,
        epoch: self.rec.epoch,
        reason: "leave",
      });
    this.emit({
      event: "member.left",
      message: "this node leaves the cluster",
      peerId: this.selfId,
      peer: peerOf(self.rec),
      reason: "leave",
      self: true,
    });
    this.stopped = true;
    const out = this.pending;
    this.pending = { send: [], events: [] };
    return out;
  }

  // ---- Time and messages -----------------------------------------------------------------------

  /** Advance time: probes, suspicion timeouts, anti-entropy, garbage collection, failover. */
  tick(now: number): Output {
    this.begin();
    if (!this.isActive()) return this.finish(now);
    // Local health (after Lifeguard): if our own process stalled (paused, overloaded), the silence
    // of our probe target proves nothing, so that probe ends without a verdict.
    const stalled = this.dueAt !== undefined && now - this.dueAt > this.config.probeTimeoutMs;
    if (stalled && this.probe) {
      this.probe = undefined;
      this.nextProbeAt = now;
    }
    this.expireSuspects(now);
    this.expireGrace(now);
    this.runProbe(now);
    for (const [seq, relay] of this.relays) if (relay.expires <= now) this.relays.delete(seq);
    if (now >= this.nextSyncAt) {
      this.nextSyncAt = now + this.config.syncIntervalMs;
      this.antiEntropy();
    }
    this.collectGarbage(now);
    this.dirty = true; // the quorum depends on time (failed members age out of it)
    return this.finish(now);
  }

  /** One validated datagram from `sender` (its UDP source address). */
  receive(msg: MembershipMessage, now: number, sender?: Sender): Output {
    this.begin();
    if (this.stopped || msg.from === this.selfId) return this.finish(now);
    const replyTo = sender ?? this.addressOf(msg.from);
    this.confirm(msg.from);
    if ("updates" in msg && msg.updates) {
      for (const r of msg.updates) this.apply(r, now, { via: "gossip", by: msg.from });
    }
    switch (msg.type) {
      case "ping":
        if (replyTo)
          this.sendTo(replyTo, msg.from, {
            type: "ack",
            from: this.selfId,
            seq: msg.seq,
            ...this.piggyback(msg.from),
          });
        break;
      case "ack":
        this.onAck(msg.seq, now);
        break;
      case "ping-req": {
        const seq = ++this.seq;
        if (replyTo) {
          this.relays.set(seq, {
            origin: replyTo,
            originId: msg.from,
            originSeq: msg.seq,
            target: msg.target,
            expires: now + this.config.probeIntervalMs,
          });
        }
        this.sendTo(msg, msg.target, { type: "ping", from: this.selfId, seq, ...this.piggyback(msg.target) });
        break;
      }
      case "sync":
      case "sync-ack":
        for (const r of msg.members) this.apply(r, now, { via: "sync", by: msg.from, fromSync: true });
        if (msg.type === "sync" && msg.part === 0 && replyTo) this.sendView(replyTo, msg.from, "sync-ack");
        break;
      case "update":
        break;
      case "leave": {
        const e = this.entries.get(msg.from);
        if (e)
          this.apply({ ...e.rec, state: "left", inc: Math.max(e.rec.inc, msg.inc) }, now, {
            via: "leave",
            by: msg.from,
          });
        break;
      }
    }
    return this.finish(now);
  }

  // ---- Internals: merging claims ---------------------------------------------------------------

  /**
   * Merges one claim about a member into the view. Returns true if the view changed.
   * Someone else's "failed" is taken as "suspect" only: every node declares a death by its own
   * suspicion timer. So a stale accusation (from a node that was cut off, or from a push-pull)
   * gives the accused the time to refute, instead of killing a healthy member everywhere.
   * `fromSync`: changes learned from a push-pull are broadcast (the accused hears of it at once).
   */
  private apply(
    incoming: MemberRecord,
    now: number,
    ctx: { via: string; by: number; fromSync?: boolean },
  ): boolean {
    this.maxEpoch = Math.max(this.maxEpoch, incoming.epoch);
    if (incoming.id === this.selfId) {
      this.aboutSelf(incoming, now);
      return false;
    }
    const cur = this.entries.get(incoming.id);
    if (!cur) return this.learn(incoming, now, ctx);
    let claim = incoming;
    if (incoming.state === "failed" && isPresent(cur.rec)) claim = { ...incoming, state: "suspect" };
    if (!supersedes(claim, cur.rec)) return false;
    const prev = cur.rec.state;
    const wasSeed = cur.rec.seed === true;
    cur.rec = { ...claim };
    this.dirty = true;
    if (wasSeed) cur.rec.seed = true; // whoever admitted a seed node knows best that it speaks no UDP
    this.enqueueGossip(claim.id);
    // What a push-pull teaches us, the rest of our side probably lacks too (after a heal, above all).
    if (ctx.fromSync) this.broadcastIds.add(claim.id);
    // Role changes need no event here: the master bookkeeping reports them (master.elected / resigned).
    if (prev !== claim.state) {
      cur.since = now;
      this.onStateChange(cur, prev, now, ctx.by);
    }
    return true;
  }

  /** A member we have never seen: only an alive claim introduces it. */
  private learn(
    incoming: MemberRecord,
    now: number,
    ctx: { via: string; by: number; fromSync?: boolean },
  ): boolean {
    if (incoming.state !== "alive") return false;
    for (const e of this.entries.values()) {
      const r = e.rec;
      if (r.state === "left" || r.addr !== incoming.addr || r.port !== incoming.port) continue;
      // Same address, another id: a restart. The newer process (larger gen) wins.
      if (r.id === this.selfId || incoming.gen <= r.gen) return false;
      this.replace(e, incoming, now);
    }
    const entry: Entry = { rec: { ...incoming }, since: now };
    this.entries.set(incoming.id, entry);
    this.dirty = true;
    if (ctx.fromSync) this.broadcastIds.add(incoming.id);
    // Second-hand news: not probed until the member speaks to us (see newcomerGraceMs). Measured
    // with 64 processes: probing members learned from a join response at once tripled suspicions.
    if (!incoming.seed) {
      if (ctx.by === incoming.id) this.slotIntoRound(incoming.id);
      else entry.unconfirmedUntil = now + this.config.newcomerGraceMs;
    }
    this.enqueueGossip(incoming.id);
    this.emit({
      event: "member.joined",
      message: `member ${incoming.id} joined (${ctx.via})`,
      peerId: incoming.id,
      peer: peerOf(incoming),
      role: incoming.role,
      inc: incoming.inc,
      via: ctx.via,
      by: ctx.by,
      ...(incoming.seed ? { seed: true } : {}),
    });
    return true;
  }

  private replace(old: Entry, by: MemberRecord, now: number): void {
    old.rec = { ...old.rec, state: "left" };
    old.since = now;
    this.dirty = true;
    delete old.suspectDeadline;
    this.enqueueGossip(old.rec.id);
    this.emit({
      event: "member.left",
      message: `member ${old.rec.id} replaced by ${by.id} (restart at the same address)`,
      peerId: old.rec.id,
      peer: peerOf(old.rec),
      reason: "replaced",
      replacedBy: by.id,
    });
  }

  private onStateChange(e: Entry, prev: MemberRecord["state"], now: number, by: number): void {
    const r = e.rec;
    const base = { peerId: r.id, peer: peerOf(r), inc: r.inc, by };
    delete e.suspectDeadline;
    delete e.accusedByUs;
    this.dirty = true;
    switch (r.state) {
      case "suspect":
        e.suspectDeadline = now + this.config.suspicionMs;
        this.emit({ event: "member.suspect", message: `member ${r.id} suspected`, ...base });
        break;
      case "alive":
        this.emit({
          event: "member.alive",
          message: `member ${r.id} alive again (was ${prev})`,
          ...base,
          previous: prev,
        });
        break;
      case "failed":
        this.emit({ event: "member.failed", message: `member ${r.id} failed`, ...base, previous: prev });
        break;
      case "left":
        this.emit({ event: "member.left", message: `member ${r.id} left`, ...base, reason: "leave" });
        break;
    }
  }

  /** Someone talks about us: refute any accusation by outbidding its incarnation. */
  private aboutSelf(claim: MemberRecord, now: number): void {
    const self = this.selfEntry().rec;
    if (claim.state === "left" || this.stopped) return;
    const accused = claim.state !== "alive" && claim.inc >= self.inc;
    if (accused || claim.inc > self.inc) {
      self.inc = claim.inc + 1;
      this.broadcastIds.add(this.selfId);
      if (accused) {
        this.emit({
          event: "member.alive",
          message: `refuted being ${claim.state} (incarnation now ${self.inc})`,
          peerId: self.id,
          peer: peerOf(self),
          inc: self.inc,
          refuted: claim.state,
          self: true,
        });
      }
    }
    void now;
  }

  // ---- Internals: failure detection ------------------------------------------------------------

  private runProbe(now: number): void {
    const cfg = this.config;
    const p = this.probe;
    if (p && !p.acked && !p.indirectSent && now >= p.startedAt + cfg.probeTimeoutMs) {
      p.indirectSent = true;
      const target = this.entries.get(p.target)?.rec;
      if (target) {
        const helpers = this.shuffle(this.probeable().filter((r) => r.id !== p.target)).slice(
          0,
          cfg.indirectProbes,
        );
        for (const h of helpers) {
          this.sendTo(h, h.id, {
            type: "ping-req",
            from: this.selfId,
            seq: p.seq,
            target: target.id,
            addr: target.addr,
            port: target.port,
            ...this.piggyback(h.id),
          });
        }
      }
    }
    if (p && now >= p.startedAt + cfg.probeIntervalMs) {
      this.probe = undefined;
      const e = this.entries.get(p.target);
      if (!p.acked && e && e.rec.state === "alive") this.accuse(e, "suspect", now);
    }
    if (!this.probe && now >= this.nextProbeAt) {
      const target = this.nextProbeTarget();
      this.nextProbeAt = now + cfg.probeIntervalMs;
      if (target) {
        const seq = ++this.seq;
        this.probe = { target: target.id, seq, startedAt: now, indirectSent: false, acked: false };
        this.sendTo(target, target.id, {
          type: "ping",
          from: this.selfId,
          seq,
          ...this.piggyback(target.id),
        });
      }
    }
  }

  private onAck(seq: number, now: number): void {
    if (this.probe && this.probe.seq === seq) this.probe.acked = true;
    const relay = this.relays.get(seq);
    if (relay) {
      this.relays.delete(seq);
      this.sendTo(relay.origin, relay.originId, {
        type: "ack",
        from: this.selfId,
        seq: relay.originSeq,
        target: relay.target,
      });
    }
    void now;
  }

  /** Our own verdict on a member: recorded, logged and broadcast to everyone (the accused too). */
  private accuse(e: Entry, state: "suspect" | "failed", now: number): void {
    const prev = e.rec.state;
    const ours = state === "suspect" || e.accusedByUs === true;
    e.rec = { ...e.rec, state };
    e.since = now;
    this.onStateChange(e, prev, now, this.selfId);
    this.enqueueGossip(e.rec.id);
    this.dirty = true;
    // Only the accuser broadcasts the verdict; everyone else's timer fires at about the same time
    // (they started it on the accuser's suspect broadcast), and n nodes broadcasting to n would be
    // an n² storm at the worst moment. Piggybacking still repairs a lost broadcast.
    if (ours) this.broadcastIds.add(e.rec.id);
    if (state === "suspect") e.accusedByUs = true;
  }

  private expireSuspects(now: number): void {
    for (const e of this.entries.values()) {
      if (e.rec.state === "suspect" && e.suspectDeadline !== undefined && e.suspectDeadline <= now) {
        this.accuse(e, "failed", now);
      }
    }
  }

  /** Shuffled round robin over probeable members: everyone is probed once per round. */
  private nextProbeTarget(): MemberRecord | undefined {
    for (let guard = 0; guard < 2; guard++) {
      while (this.probeOrder.length > 0) {
        const id = this.probeOrder.shift() as number;
        const e = this.entries.get(id);
        if (e && isPresent(e.rec) && !e.rec.seed && e.unconfirmedUntil === undefined) return e.rec;
      }
      this.probeOrder = this.shuffle(this.probeable()).map((r) => r.id);
    }
    return undefined;
  }

  // ---- Internals: dissemination ----------------------------------------------------------------

  /** Push our full view to one random present member, and to one random failed one (heals partitions). */
  private antiEntropy(): void {
    const alive = this.probeable();
    const failed = [...this.entries.values()]
      .map((e) => e.rec)
      .filter((r) => r.state === "failed" && !r.seed);
    const a = alive[Math.floor(this.random() * alive.length)];
    if (a) this.sendView(a, a.id, "sync");
    const f = failed[Math.floor(this.random() * failed.length)];
    if (f) this.sendView(f, f.id, "sync");
  }

  private sendView(to: Sender, toId: number | undefined, type: "sync" | "sync-ack"): void {
    const groups = splitRecords(this.view(), this.config.maxDatagramBytes - ENVELOPE_ALLOWANCE);
    groups.forEach((members, part) => {
      this.sendTo(to, toId, { type, from: this.selfId, part, parts: groups.length, members });
    });
  }

  private enqueueGossip(id: number): void {
    this.gossip.set(id, 0);
  }

  /** Recent updates for a ping or ack, news about the destination first (so it can refute). */
  private piggyback(toId: number | undefined): { updates?: MemberRecord[] } {
    if (this.gossip.size === 0) return {};
    const limit = retransmitLimit(this.config, this.presentCount());
    const ids = [...this.gossip.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    if (toId !== undefined && this.gossip.has(toId)) ids.unshift(toId);
    const updates: MemberRecord[] = [];
    let bytes = 0;
    const budget = (this.config.maxDatagramBytes - ENVELOPE_ALLOWANCE) / 2;
    for (const id of ids) {
      if (updates.length >= this.config.maxPiggyback) break;
      const e = this.entries.get(id);
      const count = this.gossip.get(id);
      if (!e || count === undefined) {
        this.gossip.delete(id);
        continue;
      }
      if (updates.some((u) => u.id === id)) continue;
      const size = byteLength(JSON.stringify(e.rec));
      if (bytes + size > budget) break;
      bytes += size;
      updates.push({ ...e.rec });
      if (count + 1 >= limit) this.gossip.delete(id);
      else this.gossip.set(id, count + 1);
    }
    return updates.length > 0 ? { updates } : {};
  }

  /** Everyone we can reach by UDP who has not left (failed ones too: it costs little and heals splits). */
  private recipients(): MemberRecord[] {
    return [...this.entries.values()]
      .map((e) => e.rec)
      .filter((r) => r.id !== this.selfId && r.state !== "left" && !r.seed);
  }

  /** Sends the changes this call made to every recipient, as few update datagrams as fit. */
  private flushBroadcasts(): void {
    if (this.broadcastIds.size === 0) return;
    const records = [...this.broadcastIds]
      .map((id) => this.entries.get(id)?.rec)
      .filter((r): r is MemberRecord => r !== undefined)
      .map((r) => ({ ...r }));
    this.broadcastIds.clear();
    if (this.stopped || records.length === 0) return;
    const groups = splitRecords(records, this.config.maxDatagramBytes - ENVELOPE_ALLOWANCE);
    for (const r of this.recipients()) {
      for (const updates of groups) this.sendTo(r, r.id, { type: "update", from: this.selfId, updates });
    }
  }

  // ---- Internals: master failover --------------------------------------------------------------

  private reconcileMaster(now: number): void {
    if (!this.isActive()) return;
    const self = this.selfEntry();
    let master = currentMaster(this.records());
    const better = self.rec.role === "master" && master !== undefined && master.id !== this.selfId;
    if (better || (self.rec.role === "master" && !this.degraded && !this.hasQuorum(now, true))) {
      // Another master has the better claim (higher epoch, or same epoch and lower id), or we are
      // cut off from the majority (which may elect its own master): step down.
      self.rec.role = "member";
      self.rec.inc += 1;
      this.broadcastIds.add(this.selfId);
      this.emit({
        event: "master.resigned",
        message:
          better && master
            ? `resigned as master in favour of ${master.id} (epoch ${master.epoch})`
            : "resigned as master: a majority of the cluster is unreachable",
        epoch: self.rec.epoch,
        reason: better ? "better-claim" : "no-quorum",
        ...(better && master ? { peerId: master.id, peer: peerOf(master), winnerEpoch: master.epoch } : {}),
      });
      master = currentMaster(this.records());
    }
    let promoted = false;
    const candidate =
      !master &&
      !this.degraded &&
      electionWinner(this.records())?.id === this.selfId &&
      this.hasQuorum(now, false);
    if (!candidate) this.candidateSince = undefined;
    else this.candidateSince ??= now;
    // No present master, we have the lowest id and see a majority, and have for electionDelayMs
    // (news already on its way, such as a healed side's master, gets the time to arrive):
    // promote ourselves with a fresh epoch.
    if (
      candidate &&
      this.candidateSince !== undefined &&
      now - this.candidateSince >= this.config.electionDelayMs
    ) {
      this.candidateSince = undefined;
      self.rec.role = "master";
      self.rec.epoch = Math.max(this.maxEpoch, highestEpoch(this.records())) + 1;
      self.rec.inc += 1;
      this.maxEpoch = self.rec.epoch;
      this.broadcastIds.add(this.selfId);
      promoted = true;
    }
    master = currentMaster(this.records());
    // Log only real changes: a masterless gap that ends with the same master is not one.
    if (!master || (master.id === this.lastMaster?.id && master.epoch === this.lastMaster.epoch)) return;
    const previous = this.lastMaster;
    this.lastMaster = { id: master.id, epoch: master.epoch };
    const isSelf = master.id === this.selfId;
    this.emit({
      event: "master.elected",
      message: isSelf
        ? `this node is master (epoch ${master.epoch})`
        : `master is ${master.id} (epoch ${master.epoch})`,
      peerId: master.id,
      peer: peerOf(master),
      epoch: master.epoch,
      self: isSelf,
      // initial: the first master this node learns of; promoted: this node just took over; changed: news.
      change: promoted ? "promoted" : previous ? "changed" : "initial",
      ...(previous ? { previousId: previous.id, previousEpoch: previous.epoch } : {}),
    });
  }

  /**
   * A majority of the members we know (present, or failed within quorumMemoryMs) is reachable.
   * Stops a node cut off alone, or a minority side, from electing a master that would then win
   * over the majority's master with its higher epoch when the partition heals. Asymmetric on
   * purpose: a sitting master keeps office while its peers are merely suspect (one missed probe
   * must not unseat it), but a promotion needs a majority that is alive, not just not-yet-failed:
   * a cut-off node sees everyone suspect for a moment before it sees them failed.
   */
  private hasQuorum(now: number, suspectsCount: boolean): boolean {
    let present = 0;
    let known = 0;
    for (const e of this.entries.values()) {
      if (e.rec.seed || e.rec.state === "left") continue;
      if (suspectsCount ? isPresent(e.rec) : e.rec.state === "alive") present++;
      else if (now - e.since >= this.config.quorumMemoryMs) continue;
      known++;
    }
    return known <= 2 || present * 2 > known;
  }

  // ---- Internals: helpers ----------------------------------------------------------------------

  private begin(): void {
    this.pending = { send: [], events: [] };
    this.broadcastIds.clear();
  }

  private finish(now: number): Output {
    if (this.dirty) {
      this.dirty = false;
      this.reconcileMaster(now);
    }
    this.flushBroadcasts();
    this.dueAt = this.nextDeadline(now);
    const out = this.pending;
    this.pending = { send: [], events: [] };
    return out;
  }

  private emit(e: MembershipEvent): void {
    this.pending.events.push(e);
  }

  private sendTo(to: Sender, toId: number | undefined, msg: MembershipMessage): void {
    const o: Outgoing = { addr: to.addr, port: to.port, msg };
    if (toId !== undefined) o.toId = toId;
    this.pending.send.push(o);
  }

  private selfEntry(): Entry {
    return this.entries.get(this.selfId) as Entry;
  }

  private *records(): Generator<MemberRecord> {
    for (const e of this.entries.values()) yield e.rec;
  }

  private probeable(): MemberRecord[] {
    return [...this.records()].filter((r) => r.id !== this.selfId && isPresent(r) && !r.seed);
  }

  /** Probe a member this round, not only after the current round (which can last n periods). */
  private slotIntoRound(id: number): void {
    this.probeOrder.splice(Math.floor(this.random() * (this.probeOrder.length + 1)), 0, id);
  }

  /** We heard from a member directly: it is up, so probing it is fair from now on. */
  private confirm(id: number): void {
    const e = this.entries.get(id);
    if (e?.unconfirmedUntil === undefined) return;
    delete e.unconfirmedUntil;
    this.slotIntoRound(id);
  }

  /** A newcomer that stayed silent for newcomerGraceMs is probed anyway (it may have crashed at boot). */
  private expireGrace(now: number): void {
    for (const [id, e] of this.entries)
      if (e.unconfirmedUntil !== undefined && e.unconfirmedUntil <= now) this.confirm(id);
  }

  private presentCount(): number {
    let n = 0;
    for (const r of this.records()) if (isPresent(r)) n++;
    return n;
  }

  private addressOf(id: number): Sender | undefined {
    const r = this.entries.get(id)?.rec;
    return r && !r.seed ? { addr: r.addr, port: r.port } : undefined;
  }

  private collectGarbage(now: number): void {
    for (const [id, e] of this.entries) {
      if (id === this.selfId) continue;
      const keep =
        e.rec.state === "failed"
          ? this.config.retainFailedMs
          : e.rec.state === "left"
            ? this.config.retainLeftMs
            : Infinity;
      if (now - e.since >= keep) {
        this.entries.delete(id);
        this.dirty = true;
        this.gossip.delete(id);
      }
    }
  }

  private shuffle<T>(items: T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }
}
