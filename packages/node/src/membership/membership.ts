// The membership engine's facade: SWIM-style probing, suspicion, dissemination and master failover,
// each its own mechanism (prober.ts, suspicion.ts, dissemination.ts, anti-entropy.ts, failover.ts)
// over one view (member-table.ts, claims.ts). Pure: no I/O, no timers, no clock of its own. Every
// public call takes `now` and returns what to send and log, built by one entry point (call).
import { isIPv4 } from "node:net";
import { AntiEntropy } from "./anti-entropy.js";
import { Batch } from "./batch.js";
import { Claims } from "./claims.js";
import { DEFAULT_MEMBERSHIP_CONFIG, type MembershipConfig } from "./config.js";
import { Dissemination } from "./dissemination.js";
import { earliest, type EngineContext, type EngineState } from "./engine-context.js";
import { Failover } from "./failover.js";
import { JoinLeave } from "./join-leave.js";
import { LocalHealth } from "./local-health.js";
import { currentMaster } from "./master-election.js";
import { MemberTable } from "./member-table.js";
import { isPresent } from "./precedence.js";
import { Prober } from "./prober.js";
import { Reconnect } from "./reconnect.js";
import { Suspicions } from "./suspicion.js";
import type { JoinerInfo, MemberRecord, Output, SelfInfo, Sender } from "./types.js";
import type { LeaveMessage, MembershipMessage } from "./wire.js";

export type { Sender };

export interface MembershipOptions {
  self: SelfInfo;
  /** Creation time: also this process's `gen`, so a restart at the same address replaces us. */
  now: number;
  config?: Partial<MembershipConfig>;
  /** Injected randomness (tests pass a seeded generator). */
  random?: () => number;
}

export class Membership {
  readonly config: MembershipConfig;
  readonly selfId: number;
  private readonly table: MemberTable;
  private readonly batch = new Batch();
  private readonly state: EngineState;
  private readonly dissemination: Dissemination;
  private readonly suspicions: Suspicions;
  private readonly claims: Claims;
  private readonly prober: Prober;
  private readonly failover: Failover;
  private readonly antiEntropy: AntiEntropy;
  private readonly reconnect: Reconnect;
  private readonly joinLeave: JoinLeave;
  private readonly health: LocalHealth;
  /** The earliest deadline after the last call: a tick much later than this means we were stalled. */
  private dueAt: number | undefined;

  constructor(opts: MembershipOptions) {
    const { now } = opts;
    this.config = { ...DEFAULT_MEMBERSHIP_CONFIG, ...opts.config };
    const { id, addr, port, role } = opts.self;
    this.selfId = id;
    const epoch = role === "master" ? 1 : 0;
    const self: MemberRecord = {
      id,
      addr,
      port,
      role,
      state: "alive",
      inc: 0,
      epoch,
      gen: opts.self.gen ?? now,
    };
    const ip = ownIp(addr, opts.self.ip);
    if (ip !== undefined) self.ip = ip;
    this.table = new MemberTable(id, self, now);
    this.state = {
      active: role === "master",
      degraded: false,
      stopped: false,
      dirty: true,
      maxEpoch: epoch,
      lastHeardAt: now,
    };
    const ctx: EngineContext = {
      config: this.config,
      selfId: id,
      random: opts.random ?? Math.random,
      table: this.table,
      batch: this.batch,
      state: this.state,
      health: new LocalHealth(this.config.awarenessMax),
    };
    this.health = ctx.health;
    this.dissemination = new Dissemination(ctx);
    this.suspicions = new Suspicions(ctx);
    this.prober = new Prober(
      ctx,
      this.dissemination,
      {
        suspect: (e, t) => this.claims.accuse(e, "suspect", t),
        confirm: (e) => this.claims.confirmOwn(e),
      },
      now,
    );
    this.claims = new Claims(ctx, this.dissemination, this.suspicions, this.prober, (id, t) =>
      this.antiEntropy.revived(id, t),
    );
    this.failover = new Failover(ctx, this.dissemination);
    this.antiEntropy = new AntiEntropy(ctx, this.claims, now);
    this.reconnect = new Reconnect(ctx, (to, toId) => this.antiEntropy.pushTo(to, toId));
    this.joinLeave = new JoinLeave(ctx, this.claims, this.dissemination, (replaced) =>
      this.drop(replaced, { keepGossip: true }),
    );
  }

  // ---- Queries ---------------------------------------------------------------------------------

  /** Our own record. */
  self(): MemberRecord {
    return { ...this.table.self().rec };
  }

  /** Every record we hold (failed and left ones too, until garbage-collected), sorted by id. */
  view(): MemberRecord[] {
    return this.table.view();
  }

  member(id: number): MemberRecord | undefined {
    const e = this.table.get(id);
    return e ? { ...e.rec } : undefined;
  }

  /** Where a member's datagrams go (undefined for a seed node, which speaks no UDP, or a stranger). */
  addressOf(id: number): Sender | undefined {
    return this.table.addressOf(id);
  }

  /** The master as this node sees it (see master-election.ts). */
  master(): MemberRecord | undefined {
    const m = currentMaster(this.table.records());
    return m ? { ...m } : undefined;
  }

  /** True if a present member (or we) already uses this id: the node should give the joiner a fresh one. */
  idInUse(id: number): boolean {
    const e = this.table.get(id);
    return e !== undefined && isPresent(e.rec);
  }

  isDegraded(): boolean {
    return this.state.degraded;
  }

  /** Local health (Lifeguard): 0 is healthy; probe period and timeout are scaled by score + 1. */
  healthScore(): number {
    return this.health.score;
  }

  /** The deadline the last call reported (what the runner armed its timer for). */
  plannedDeadline(): number | undefined {
    return this.dueAt;
  }

  isActive(): boolean {
    return this.state.active && !this.state.stopped;
  }

  /**
   * When tick() next has something to do (undefined: nothing until a message or a join). The
   * runner arms one timer for it instead of polling, which matters with 64 nodes on 2 cores.
   */
  nextDeadline(now: number): number | undefined {
    if (!this.isActive()) return undefined;
    let due = this.antiEntropy.nextDeadline(undefined);
    due = this.reconnect.nextDeadline(due);
    due = earliest(due, this.prober.nextDeadline());
    due = earliest(due, this.failover.nextDeadline());
    due = earliest(due, this.suspicions.nextDeadline());
    due = earliest(due, this.dissemination.nextDeadline());
    return earliest(due, this.table.nextExpiry(now, this.config));
  }

  // ---- Join flow (called by the node around the TCP handshake) ----------------------------------

  /**
   * A joiner's TCP request arrived at us. Returns the view to embed in the join response as the
   * additive `members` field, and the output that announces the joiner to everyone else.
   */
  admitJoiner(info: JoinerInfo, now: number, local?: string): { members: MemberRecord[]; output: Output } {
    let members: MemberRecord[] = [];
    const output = this.call(now, () => {
      if (local !== undefined) this.stateOwnIp(local);
      members = this.joinLeave.admit(info, now);
    });
    return { members, output };
  }

  /**
   * We joined through `responder`. `members` is the response's additive field: absent means the
   * responder is a seed node, and we degrade to the seed's one-handshake behaviour.
   */
  seedFromJoinResponse(members: unknown, responder: JoinerInfo, now: number): Output {
    return this.call(now, () => this.joinLeave.adopt(members, responder, now));
  }

  /** Graceful stop: tell a few members we leave (they gossip it on). After this the engine is inert. */
  leave(now: number): Output {
    return this.call(now, () => this.joinLeave.leave(now));
  }

  // ---- Time and messages -----------------------------------------------------------------------

  /** Advance time: probes, suspicion timeouts, anti-entropy, garbage collection, failover. */
  tick(now: number): Output {
    return this.call(now, () => {
      if (!this.isActive()) return;
      for (const e of this.suspicions.expired(now)) this.claims.accuse(e, "failed", now);
      this.prober.expireGrace(now);
      this.prober.run(now);
      this.prober.expireRelays(now);
      this.antiEntropy.tick(now);
      this.reconnect.tick(now);
      for (const r of this.table.collect(now, this.config)) {
        this.drop(r.id, { keepGossip: false });
        if (r.state === "failed") this.reconnect.remember(r, now);
      }
      this.state.dirty = true; // the quorum depends on time (failed members age out of it)
    });
  }

  /** One validated datagram from `sender` (its UDP source address). */
  receive(msg: MembershipMessage, now: number, sender?: Sender): Output {
    return this.call(now, () => {
      if (this.state.stopped || msg.from === this.selfId) return;
      const replyTo = sender ?? this.table.addressOf(msg.from);
      this.state.lastHeardAt = now;
      this.prober.confirm(msg.from);
      if ("updates" in msg && msg.updates)
        this.claims.applyAll(msg.updates, now, { via: "gossip", by: msg.from });
      switch (msg.type) {
        case "ping":
          return this.prober.onPing(msg, replyTo);
        case "ack":
          return this.prober.onAck(msg.seq);
        case "ping-req":
          return this.prober.onPingReq(msg, replyTo, now);
        case "nack":
          return this.prober.onNack(msg.seq, msg.target);
        case "sync":
        case "sync-ack":
          return this.antiEntropy.onView(msg, now, replyTo);
        case "update":
          return;
        case "leave":
          return this.onLeave(msg, now);
      }
    });
  }

  // ---- Internals -------------------------------------------------------------------------------

  /**
   * The one entry point of every public call: a fresh batch, the call's own work, then what every
   * call ends with (the master rule if the view changed, a gossip round if news is waiting and one
   * is due, the next deadline), and the batch handed back.
   */
  private call(now: number, body: () => void): Output {
    this.batch.take();
    // Local health (after Lifeguard): if our own process stalled (paused, overloaded), the silence
    // of our probe target proves nothing, so that probe ends without a verdict. Checked on every
    // call: after a stall the datagrams that waited are read before the late timer runs.
    const lateMs = this.dueAt === undefined ? 0 : now - this.dueAt;
    if (this.isActive() && lateMs > this.config.probeTimeoutMs) this.stalled(lateMs, now);
    body();
    if (this.state.dirty) {
      this.state.dirty = false;
      this.failover.reconcile(now);
    }
    this.dissemination.tick(now);
    // A deadline already past (a confirmation shrank a suspicion) is due now, not late: only a tick
    // that comes long after what was planned means we stalled.
    const due = this.nextDeadline(now);
    this.dueAt = due === undefined ? undefined : Math.max(due, now);
    return this.batch.take();
  }

  /**
   * `local` is our end of a join connection we answered: our own IPv4 address, which we state in
   * our record (see MemberRecord.ip) if we advertise a name and have not stated one yet.
   */
  private stateOwnIp(local: string): void {
    const self = this.table.self().rec;
    const ip = ownIp(self.addr, local);
    if (self.ip !== undefined || ip === undefined) return;
    self.ip = ip;
    this.dissemination.enqueue(this.selfId);
  }

  /** Our process ran `lateMs` late: the probe under way proves nothing, and we say so. */
  private stalled(lateMs: number, now: number): void {
    this.prober.abandon(now);
    // Nor does the time we were not running count as silence from the cluster (Failover's
    // isolated): a master starved with the rest of the machine is not cut off.
    this.state.lastHeardAt = Math.min(now, this.state.lastHeardAt + lateMs);
    const healthScore = this.health.score;
    const message = `this node ran ${lateMs} ms late (paused or starved of CPU): its probe ended without a verdict`;
    this.batch.emit({ event: "node.stalled", message, lateMs, healthScore });
  }

  private onLeave(msg: LeaveMessage, now: number): void {
    const e = this.table.get(msg.from);
    if (!e) return;
    const claim: MemberRecord = { ...e.rec, state: "left", inc: Math.max(e.rec.inc, msg.inc) };
    this.claims.apply(claim, now, { via: "leave", by: msg.from });
  }

  /** Forgets a member everywhere (a replaced entry keeps its place in the gossip queue). */
  private drop(id: number, opts: { keepGossip: boolean }): void {
    this.table.delete(id);
    this.suspicions.clear(id);
    this.prober.forget(id);
    if (opts.keepGossip) return;
    this.dissemination.forget(id);
    this.state.dirty = true;
  }
}

/** The IPv4 address a node advertising the name `addr` states as its own, from a connection's local end. */
export function ownIp(addr: string, local: string | undefined): string | undefined {
  if (local === undefined || isIPv4(addr)) return undefined;
  const ip = local.startsWith("::ffff:") ? local.slice("::ffff:".length) : local;
  return isIPv4(ip) ? ip : undefined;
}
