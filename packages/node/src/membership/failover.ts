// Master failover without election messages: every node applies the same rule to its own view
// (master-election.ts) and changes only its own role: it resigns when beaten or cut off from the
// majority, and promotes itself when it is the rightful candidate for electionDelayMs.
import { suspicionMin } from "./config.js";
import type { Dissemination } from "./dissemination.js";
import type { EngineContext } from "./engine-context.js";
import { currentMaster, electionWinner, highestEpoch } from "./master-election.js";
import { peerOf } from "./member-table.js";
import { isPresent } from "./precedence.js";
import type { MemberRecord } from "./types.js";

/** Probes answered in a row that let a node take office whatever its health score. */
const ANSWERED_PROBES_TO_TAKE_OFFICE = 2;

export class Failover {
  private lastMaster: { id: number; epoch: number } | undefined;
  /** Since when we would win an election (see promoteIfDue). */
  private candidateSince: number | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly dissemination: Dissemination,
  ) {
    const self = ctx.table.self().rec;
    if (self.role === "master") this.lastMaster = { id: self.id, epoch: self.epoch };
  }

  /** When a would-be master promotes itself, if nothing changes before. */
  nextDeadline(): number | undefined {
    return this.candidateSince === undefined
      ? undefined
      : this.candidateSince + this.ctx.config.electionDelayMs;
  }

  reconcile(now: number): void {
    const { state } = this.ctx;
    if (!state.active || state.stopped) return;
    this.resignIfBeaten(now);
    const promoted = this.promoteIfDue(now);
    this.reportMaster(promoted);
  }

  /**
   * Another master has the better claim (higher epoch, or same epoch and lower id), or we are cut
   * off from the majority (which may elect its own master): step down.
   */
  private resignIfBeaten(now: number): void {
    const self = this.ctx.table.self().rec;
    if (self.role !== "master") return;
    const master = currentMaster(this.ctx.table.records());
    const better = master !== undefined && master.id !== this.ctx.selfId;
    if (!better && (this.ctx.state.degraded || this.hasQuorum(now, true))) return;
    self.role = "member";
    self.inc += 1;
    this.dissemination.enqueue(this.ctx.selfId);
    this.ctx.batch.emit({
      event: "master.resigned",
      message:
        better && master
          ? `resigned as master in favour of ${master.id} (epoch ${master.epoch})`
          : "resigned as master: a majority of the cluster is unreachable",
      epoch: self.epoch,
      reason: better ? "better-claim" : "no-quorum",
      ...(better && master ? { peerId: master.id, peer: peerOf(master), winnerEpoch: master.epoch } : {}),
    });
  }

  /**
   * No present master, we have the lowest id and see a majority, and have for electionDelayMs
   * (news already on its way, such as a healed side's master, gets the time to arrive): promote
   * ourselves with a fresh epoch.
   */
  private promoteIfDue(now: number): boolean {
    const { table, state, config } = this.ctx;
    const candidate =
      !currentMaster(table.records()) &&
      !state.degraded &&
      electionWinner(table.records())?.id === this.ctx.selfId &&
      this.healthyEnough() &&
      this.hasQuorum(now, false);
    if (!candidate) this.candidateSince = undefined;
    else this.candidateSince ??= now;
    if (!candidate || this.candidateSince === undefined || now - this.candidateSince < config.electionDelayMs)
      return false;
    this.candidateSince = undefined;
    const self = table.self().rec;
    self.role = "master";
    self.epoch = Math.max(state.maxEpoch, highestEpoch(table.records())) + 1;
    self.inc += 1;
    state.maxEpoch = self.epoch;
    this.dissemination.enqueue(this.ctx.selfId);
    return true;
  }

  /**
   * A node whose own probes keep failing without a nack (cut off, or starved) has a stale view:
   * it cannot tell a lost cluster from its own trouble, so it does not take office (Lifeguard's
   * local health, used for the election too). Probes answered again in a row show the view is
   * fresh: the score itself drains by one per probe period, each (score + 1) probe intervals long, and a
   * rightful candidate that had been cut off kept a healed cluster masterless for up to 8 s.
   */
  private healthyEnough(): boolean {
    const { health, config } = this.ctx;
    return (
      health.score * 2 < config.awarenessMax ||
      config.awarenessMax === 0 ||
      health.answeredInARow >= ANSWERED_PROBES_TO_TAKE_OFFICE
    );
  }

  /** Logs only real changes: a masterless gap that ends with the same master is not one. */
  private reportMaster(promoted: boolean): void {
    const master = currentMaster(this.ctx.table.records());
    if (!master || (master.id === this.lastMaster?.id && master.epoch === this.lastMaster.epoch)) return;
    const previous = this.lastMaster;
    this.lastMaster = { id: master.id, epoch: master.epoch };
    const isSelf = master.id === this.ctx.selfId;
    this.ctx.batch.emit({
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
    for (const e of this.ctx.table.values()) {
      const r: MemberRecord = e.rec;
      if (r.seed || r.state === "left") continue;
      if (suspectsCount ? isPresent(r) : r.state === "alive") present++;
      else if (now - e.since >= this.ctx.config.quorumMemoryMs) continue;
      known++;
    }
    return known <= 2 || (present * 2 > known && !this.isolated(now));
  }

  /**
   * Nobody has talked to us for longer than the longest suspicion: we are cut off, whatever the
   * view still says. Local health slows an isolated node's probing (every probe fails, no helper
   * nacks), so its view would take many seconds to show it alone; a master must not wait for that.
   */
  private isolated(now: number): boolean {
    const { config, table, state } = this.ctx;
    const longest = suspicionMin(config, table.presentCount()) * config.suspicionMaxMult;
    return now - state.lastHeardAt > longest;
  }
}
