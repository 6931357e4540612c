// How members enter and leave the view: admitting a joiner (responder side of the TCP join),
// adopting the view a join response carries (joiner side), and leaving gracefully.
import type { Claims } from "./claims.js";
import type { Dissemination } from "./dissemination.js";
import { pickRandom, type EngineContext } from "./engine-context.js";
import { peerOf } from "./member-table.js";
import type { JoinerInfo, MemberRecord } from "./types.js";
import type { LeaveMessage } from "./wire.js";
import { parseRecords } from "./wire-validate.js";

/** A member as a join introduces it: alive, at incarnation 0, no master claim. */
function freshMember(info: JoinerInfo, now: number, seed: boolean): MemberRecord {
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
  if (seed) rec.seed = true;
  return rec;
}

export class JoinLeave {
  constructor(
    private readonly ctx: EngineContext,
    private readonly claims: Claims,
    private readonly dissemination: Dissemination,
    /** Forgets a record we are about to replace (a restarted process under the same id). */
    private readonly replaceEntry: (id: number) => void,
  ) {}

  /** A joiner's TCP request arrived: it is alive in our view; returns the view for its response. */
  admit(info: JoinerInfo, now: number): MemberRecord[] {
    const { state, table, selfId } = this.ctx;
    state.active = true;
    // A joiner talked to us: a master alone until now is not cut off (see Failover's isolated).
    state.lastHeardAt = now;
    const rec = freshMember(info, now, info.seed === true);
    // A join is first-hand news: the joiner's fresh process replaces whatever we held under its id.
    const old = table.get(info.id);
    if (old && info.id !== selfId && (old.rec.state !== "alive" || rec.gen > old.rec.gen)) {
      this.replaceEntry(info.id);
    }
    this.claims.apply(rec, now, { via: "join", by: selfId });
    return table.presentView();
  }

  /** We joined through `responder`: its view becomes ours (absent: a seed node, we degrade). */
  adopt(members: unknown, responder: JoinerInfo, now: number): void {
    this.ctx.state.active = true;
    this.ctx.state.lastHeardAt = now; // the responder just talked to us
    const parsed = members === undefined || members === null ? undefined : parseRecords(members, "members");
    if (parsed === undefined || typeof parsed === "string") return this.degrade(parsed, responder, now);
    this.claims.applyAll(parsed, now, { via: "join-response", by: responder.id });
    // We are up (UDP bound): our own word, a higher incarnation, tells everyone it may probe us now
    // (see newcomerGraceMs), however many hands the gossip passed through. One lost datagram from
    // the responder then costs nothing either.
    this.ctx.table.self().rec.inc += 1;
    this.dissemination.enqueue(this.ctx.selfId);
  }

  /**
   * Graceful stop: gossipFanout random members hear it from us and gossip it on at once (we cannot:
   * the engine is inert after this), so everyone knows within a few hops.
   */
  leave(now: number): void {
    const { state, table, batch, selfId, config, random } = this.ctx;
    if (state.stopped) return;
    const self = table.self();
    const wasMaster = self.rec.role === "master";
    table.update(self, { ...self.rec, state: "left" }, now);
    const msg: LeaveMessage = { type: "leave", from: selfId, inc: self.rec.inc };
    for (const r of pickRandom(table.probeable(), config.gossipFanout, random)) batch.send(r, r.id, msg);
    if (wasMaster) {
      const { epoch } = self.rec;
      batch.emit({
        event: "master.resigned",
        message: "master leaves the cluster",
        peerId: selfId,
        epoch,
        reason: "leave",
      });
    }
    batch.emit({
      event: "member.left",
      message: "this node leaves the cluster",
      peerId: selfId,
      peer: peerOf(self.rec),
      reason: "leave",
      self: true,
    });
    state.stopped = true;
  }

  /** The responder is a seed node (no view in its response, or one we cannot read). */
  private degrade(problem: string | undefined, responder: JoinerInfo, now: number): void {
    if (problem !== undefined) {
      this.ctx.batch.emit({
        event: "protocol.error",
        message: `join response members ignored: ${problem}`,
        code: "invalid-message",
        peerId: responder.id,
        peer: peerOf(responder),
      });
    }
    this.ctx.state.degraded = true;
    this.claims.apply(freshMember(responder, now, true), now, { via: "join-response", by: responder.id });
  }
}
