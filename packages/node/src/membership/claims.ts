// Merging claims about members into the view (precedence.ts decides which claim wins), this node's
// own verdicts, and its refutations of claims about itself. Every change becomes a log event.
import type { Dissemination } from "./dissemination.js";
import type { EngineContext } from "./engine-context.js";
import { peerOf, type Entry } from "./member-table.js";
import { isPresent, supersedes } from "./precedence.js";
import type { Suspicions } from "./suspicion.js";
import type { MemberRecord, MemberState } from "./types.js";

/** Where a claim came from: `via` names the path in member.joined, `by` who told us. */
export interface ClaimSource {
  via: string;
  by: number;
}

/** What the prober needs to hear about newcomers (see newcomerGraceMs) and suspects. */
export interface ProbeHooks {
  /** Learned second-hand: not probed until it speaks, or until `until`. */
  holdBack(id: number, until: number): void;
  /** It is up (it spoke to us, or raised its incarnation): probe it from now on. */
  confirm(id: number): void;
  /** Someone else suspects it: our own probe of it may come next (an independent confirmation, or not). */
  probeNext(id: number): void;
}

export class Claims {
  constructor(
    private readonly ctx: EngineContext,
    private readonly dissemination: Dissemination,
    private readonly suspicions: Suspicions,
    private readonly probes: ProbeHooks,
    /** A member we held failed is alive again (a partition healed): exchange views with it. */
    private readonly revived: (id: number, now: number) => void,
  ) {}

  /**
   * Merges the records of one message (a view, a join response, gossip), alive ones first. A
   * message that says "old process left, new one alive at the same address" then introduces the new
   * process first, and the old record is logged as replaced by it, not as a graceful leave.
   */
  applyAll(records: readonly MemberRecord[], now: number, source: ClaimSource): void {
    for (const r of records) if (r.state === "alive") this.apply(r, now, source);
    for (const r of records) if (r.state !== "alive") this.apply(r, now, source);
  }

  /**
   * Merges one claim about a member into the view. Returns true if the view changed.
   * Someone else's "failed" is taken as "suspect" only: every node declares a death by its own
   * suspicion timer. So a stale accusation (from a node that was cut off, or from a push-pull)
   * gives the accused the time to refute, instead of killing a healthy member everywhere.
   */
  apply(incoming: MemberRecord, now: number, source: ClaimSource): boolean {
    const { state, table } = this.ctx;
    state.maxEpoch = Math.max(state.maxEpoch, incoming.epoch);
    if (incoming.id === this.ctx.selfId) {
      this.aboutSelf(incoming, source.by);
      return false;
    }
    const cur = table.get(incoming.id);
    if (!cur) return this.learn(incoming, now, source);
    const claim = asClaim(incoming, cur.rec, source.by);
    shareIp(claim, cur.rec);
    if (!supersedes(claim, cur.rec)) {
      this.confirmation(cur, claim);
      return false;
    }
    const prev = cur.rec.state;
    if (cur.rec.seed === true) claim.seed = true; // whoever admitted a seed node knows best that it speaks no UDP
    table.update(cur, claim, prev !== claim.state ? now : cur.since);
    state.dirty = true;
    this.dissemination.enqueue(claim.id);
    if (claim.inc > 0) this.probes.confirm(claim.id); // its own word that it is up
    // Role changes need no event here: the master bookkeeping reports them (master.elected / resigned).
    if (prev !== claim.state) this.onStateChange(cur, prev, now, source.by);
    return true;
  }

  /**
   * Another member's accusation of a member already suspect at the same incarnation: an
   * independent confirmation shrinks our suspicion timeout, and is passed on (others count it too).
   */
  private confirmation(cur: Entry, claim: MemberRecord): void {
    if (cur.rec.state !== "suspect" || claim.state !== "suspect" || claim.inc !== cur.rec.inc) return;
    if (claim.by === undefined || !this.suspicions.confirm(cur.rec.id, claim.by)) return;
    this.ctx.table.update(cur, { ...cur.rec, by: claim.by });
    this.dissemination.enqueue(cur.rec.id);
  }

  /** Our own probe of a suspect failed too: we confirm the suspicion. */
  confirmOwn(e: Entry): void {
    this.confirmation(e, { ...e.rec, by: this.ctx.selfId });
  }

  /** Our own verdict on a member: recorded, logged and gossiped (the accused hears a suspicion at once). */
  accuse(e: Entry, verdict: "suspect" | "failed", now: number): void {
    const id = e.rec.id;
    const prev = e.rec.state;
    const { by: _accuser, ...rec } = e.rec;
    const accused: MemberRecord =
      verdict === "suspect" ? { ...rec, state: verdict, by: this.ctx.selfId } : { ...rec, state: verdict };
    this.ctx.table.update(e, accused, now);
    this.onStateChange(e, prev, now, this.ctx.selfId);
    this.dissemination.enqueue(id);
    this.ctx.state.dirty = true;
    if (verdict === "suspect") this.dissemination.sendRecord(id, e.rec);
  }

  /** A member we have never seen: only an alive claim introduces it. */
  private learn(incoming: MemberRecord, now: number, source: ClaimSource): boolean {
    if (incoming.state !== "alive") return false;
    const { table, state, config } = this.ctx;
    for (const e of table.values()) {
      const r = e.rec;
      if (r.state === "left" || r.addr !== incoming.addr || r.port !== incoming.port) continue;
      // Same address, another id: a restart. The newer process (larger gen) wins.
      if (r.id === this.ctx.selfId || incoming.gen <= r.gen) return false;
      this.replace(e, incoming, now);
    }
    table.set({ rec: { ...incoming }, since: now, learnedAt: now });
    state.dirty = true;
    // Second-hand news of a member that has not said it is up (incarnation 0: a joiner raises it
    // once it has its join response) is not probed until it speaks to us (see newcomerGraceMs).
    // Measured with 64 processes: probing members learned from a join response at once tripled
    // suspicions.
    const spokeForItself = source.by === incoming.id || incoming.inc > 0;
    if (!incoming.seed && !spokeForItself) this.probes.holdBack(incoming.id, now + config.newcomerGraceMs);
    // The members of a join response are no news to the cluster: only what we learn otherwise is passed on.
    if (source.via !== "join-response") this.dissemination.enqueue(incoming.id);
    this.ctx.batch.emit({
      event: "member.joined",
      message: `member ${incoming.id} joined (${source.via})`,
      peerId: incoming.id,
      peer: peerOf(incoming),
      role: incoming.role,
      inc: incoming.inc,
      via: source.via,
      by: source.by,
      ...(incoming.seed ? { seed: true as const } : {}),
    });
    return true;
  }

  /** A restart at the same address: the old process's record becomes left for good. */
  private replace(old: Entry, by: MemberRecord, now: number): void {
    this.ctx.table.update(old, { ...old.rec, state: "left" }, now);
    this.ctx.state.dirty = true;
    this.suspicions.clear(old.rec.id);
    this.dissemination.enqueue(old.rec.id);
    this.ctx.batch.emit({
      event: "member.left",
      message: `member ${old.rec.id} replaced by ${by.id} (restart at the same address)`,
      peerId: old.rec.id,
      peer: peerOf(old.rec),
      reason: "replaced",
      replacedBy: by.id,
    });
  }

  private onStateChange(e: Entry, prev: MemberState, now: number, by: number): void {
    const r = e.rec;
    const base = { peerId: r.id, peer: peerOf(r), inc: r.inc, by };
    this.suspicions.clear(r.id);
    this.ctx.state.dirty = true;
    const emit = this.ctx.batch.emit.bind(this.ctx.batch);
    switch (r.state) {
      case "suspect":
        this.suspicions.start(r.id, now, r.by ?? by);
        if (r.by !== this.ctx.selfId) this.probes.probeNext(r.id);
        emit({ event: "member.suspect", message: `member ${r.id} suspected`, ...base });
        break;
      case "alive":
        if (prev === "failed") this.revived(r.id, now);
        emit({
          event: "member.alive",
          message: `member ${r.id} alive again (was ${prev})`,
          ...base,
          previous: prev,
        });
        break;
      case "failed":
        emit({ event: "member.failed", message: `member ${r.id} failed`, ...base, previous: prev });
        break;
      case "left":
        emit({ event: "member.left", message: `member ${r.id} left`, ...base, reason: "leave" });
        break;
    }
  }

  /** Someone talks about us: refute any accusation by outbidding its incarnation. */
  private aboutSelf(claim: MemberRecord, teller: number): void {
    const self = this.ctx.table.self().rec;
    if (claim.state === "left" || this.ctx.state.stopped) return;
    const accused = claim.state !== "alive" && claim.inc >= self.inc;
    if (!accused && claim.inc <= self.inc) return;
    self.inc = claim.inc + 1;
    this.dissemination.enqueue(this.ctx.selfId);
    if (!accused) return;
    // Having to refute is a sign of our own poor health (Lifeguard): probe more gently for a while.
    this.ctx.health.apply(1);
    // The accuser and whoever told us hear it straight away: after a partition they may be on the
    // other side, where our gossip does not reach yet, and their timers are running.
    for (const id of new Set([claim.by ?? teller, teller])) this.dissemination.sendSelf(id);
    this.ctx.batch.emit({
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

/**
 * The claim as we record it: someone else's "failed" is only a suspicion to us while we hold the
 * member present (our own timer decides), and an accuser is kept on suspect records only (a record
 * from an older node without one counts whoever told us).
 */
function asClaim(incoming: MemberRecord, cur: MemberRecord, teller: number): MemberRecord {
  const { by, ...rec } = incoming;
  const state = incoming.state === "failed" && isPresent(cur) ? "suspect" : incoming.state;
  return state === "suspect" ? { ...rec, state, by: by ?? teller } : { ...rec, state };
}

/**
 * Two records of the same process both keep the IP either names: a claim relayed from an older
 * view lacks it, and news we already hold may bring it.
 */
function shareIp(a: MemberRecord, b: MemberRecord): void {
  const ip = a.ip ?? b.ip;
  if (a.gen !== b.gen || ip === undefined) return;
  a.ip = ip;
  b.ip = ip;
}
