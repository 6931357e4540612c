// Failure detection (SWIM with Lifeguard): every probe period, ping one member (the one the
// schedule all nodes share names for the period, probe-ring.ts); no ack within the probe timeout,
// ask indirectProbes others to ping it for us, and to nack if it stays silent; no ack by the end
// of the period, or every helper nacked, it is suspect (or, if it already was, we confirm the
// suspicion). Period and timeout are stretched by this node's local health, which the probe's
// outcome and the nacks (or their absence) adjust. Also answers others' pings and ping-reqs.
import type { ProbeHooks } from "./claims.js";
import type { Dissemination } from "./dissemination.js";
import { earliest, pickRandom, type EngineContext } from "./engine-context.js";
import type { Entry } from "./member-table.js";
import { isPresent } from "./precedence.js";
import { probeRound, ringTarget } from "./probe-ring.js";
import { deliveryAddress, type MemberRecord, type Sender } from "./types.js";
import type { PingMessage, PingReqMessage } from "./wire.js";

interface Probe {
  target: number;
  seq: number;
  /** When indirect probes go out, and when the probe ends (both fixed at its start). */
  timeoutAt: number;
  endAt: number;
  indirectSent: boolean;
  acked: boolean;
  /** Helpers asked to nack, and nacks received: a helper that answers proves our own link works. */
  expectedNacks: number;
  nacks: number;
}

/** A ping we send for someone else (ping-req): its ack is forwarded to them, or a nack if none comes. */
interface Relay {
  origin: Sender;
  /** Who asked: the forwarded ack is meant for it (a signed datagram names its receiver). */
  originId: number;
  originSeq: number;
  target: number;
  /** When to nack if the target has not acked (undefined: not asked for, or sent). */
  nackAt: number | undefined;
  expires: number;
}

export interface ProbeVerdicts {
  /** A present member missed our probe. */
  suspect: (e: Entry, now: number) => void;
  /** A member already suspect missed our probe too. */
  confirm: (e: Entry) => void;
}

export class Prober implements ProbeHooks {
  private seq = 0;
  private probe: Probe | undefined;
  /** Suspects to probe before the ring's target (probeNext). */
  private urgent: number[] = [];
  /** The round of our last ring probe: a second probe in the same round takes the next round's target. */
  private lastRound = -Infinity;
  private nextProbeAt: number;
  private readonly relays = new Map<number, Relay>();
  /** Members learned second-hand and not heard from yet -> when the grace ends (newcomerGraceMs). */
  private readonly unconfirmed = new Map<number, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly dissemination: Dissemination,
    private readonly verdicts: ProbeVerdicts,
    now: number,
  ) {
    this.nextProbeAt = now;
  }

  /** Our own process stalled (paused, starved): the silence of our target proves nothing, and we are unwell. */
  abandon(now: number): void {
    this.ctx.health.apply(1);
    if (!this.probe) return;
    this.probe = undefined;
    this.nextProbeAt = now;
  }

  run(now: number): void {
    const p = this.probe;
    if (p && !p.acked && !p.indirectSent && now >= p.timeoutAt) this.askOthers(p);
    if (p && (now >= p.endAt || allNacked(p))) this.finish(p, now);
    if (!this.probe && now >= this.nextProbeAt) this.startProbe(now);
  }

  nextDeadline(): number | undefined {
    const p = this.probe;
    let due: number | undefined;
    if (p) {
      if (!p.acked && !p.indirectSent) due = earliest(due, p.timeoutAt);
      due = earliest(due, allNacked(p) ? p.timeoutAt : p.endAt); // the verdict is due now
    } else due = earliest(due, this.nextProbeAt);
    for (const until of this.unconfirmed.values()) due = earliest(due, until);
    for (const relay of this.relays.values()) due = earliest(due, relay.nackAt ?? relay.expires);
    return due;
  }

  onPing(msg: PingMessage, replyTo: Sender | undefined): void {
    if (!replyTo) return;
    const ack = { type: "ack" as const, from: this.ctx.selfId, seq: msg.seq };
    this.ctx.batch.send(replyTo, msg.from, { ...ack, ...this.dissemination.piggyback(msg.from) });
  }

  onPingReq(msg: PingReqMessage, replyTo: Sender | undefined, now: number): void {
    const seq = ++this.seq;
    const { config, batch, selfId } = this.ctx;
    if (replyTo) {
      const nackAt = msg.nack === true ? now + config.probeTimeoutMs : undefined;
      const expires = now + config.probeIntervalMs;
      const relay = { origin: replyTo, originId: msg.from, originSeq: msg.seq, target: msg.target };
      this.relays.set(seq, { ...relay, nackAt, expires });
    }
    const ping = { type: "ping" as const, from: selfId, seq };
    batch.send(msg, msg.target, { ...ping, ...this.dissemination.piggyback(msg.target) });
  }

  onAck(seq: number): void {
    if (this.probe && this.probe.seq === seq) this.probe.acked = true;
    const relay = this.relays.get(seq);
    if (!relay) return;
    this.relays.delete(seq);
    const { selfId, batch } = this.ctx;
    const ack = { type: "ack" as const, from: selfId, seq: relay.originSeq, target: relay.target };
    batch.send(relay.origin, relay.originId, ack);
  }

  /** A helper could not reach our target either: the silence is the target's, not our link's. */
  onNack(seq: number, target: number): void {
    const p = this.probe;
    if (p && p.seq === seq && p.target === target) p.nacks++;
  }

  /** Nacks the relays whose target stayed silent; forgets the relays that expired. */
  expireRelays(now: number): void {
    const { selfId, batch } = this.ctx;
    for (const [seq, relay] of this.relays) {
      if (relay.nackAt !== undefined && relay.nackAt <= now) {
        relay.nackAt = undefined;
        const nack = { type: "nack" as const, from: selfId, seq: relay.originSeq, target: relay.target };
        batch.send(relay.origin, relay.originId, nack);
      }
      if (relay.expires <= now) this.relays.delete(seq);
    }
  }

  /**
   * Someone else suspects the member. About suspicionConfirmations + 2 of the members that hear it
   * probe it next (each with that many chances in n − 2): enough for the confirmations a real crash
   * needs within one period, without every member pinging a node that may only be starved at once
   * (a flood it must work through before it can refute).
   */
  probeNext(id: number): void {
    this.unconfirmed.delete(id); // someone probed it, so it was up: our probe is fair now
    if (this.probe?.target === id) return;
    const { config, table, random } = this.ctx;
    const others = table.presentCount() - 2; // neither the suspect nor its accuser
    if (random() * others >= config.suspicionConfirmations + 2) return;
    this.urgent = [id, ...this.urgent.filter((x) => x !== id)];
    this.startSoon();
  }

  /**
   * The next probe starts at once if the current one has its answer (it only waits out its period):
   * a confirmation then comes a probe timeout after the suspicion is heard, not up to a period later.
   */
  private startSoon(): void {
    const p = this.probe;
    if (p && !p.acked) return;
    if (p) this.ctx.health.apply(-1); // it ended well, as finish() would count it
    this.probe = undefined;
    this.nextProbeAt = -Infinity;
  }

  holdBack(id: number, until: number): void {
    this.unconfirmed.set(id, until);
  }

  /** We heard from a member directly: it is up, so probing it is fair from now on. */
  confirm(id: number): void {
    this.unconfirmed.delete(id);
  }

  /** A newcomer that stayed silent for newcomerGraceMs is probed anyway (it may have crashed at boot). */
  expireGrace(now: number): void {
    for (const [id, until] of this.unconfirmed) if (until <= now) this.confirm(id);
  }

  forget(id: number): void {
    this.unconfirmed.delete(id);
  }

  /**
   * The probe's period is over. Local health (after memberlist's probeNode): an ack lowers the
   * score; a miss with no nack at all raises it (no helper got through to us either, so the fault is
   * likely ours). A miss that some helper nacked does not: the target is silent, not us. memberlist
   * counts every missing nack; in a partition half the helpers are across the cut, and that made
   * both sides slow their probing until the cut was detected only seconds later.
   */
  private finish(p: Probe, now: number): void {
    this.probe = undefined;
    const { health } = this.ctx;
    if (p.acked) return health.apply(-1);
    health.apply(p.nacks > 0 ? 0 : 1);
    const e = this.ctx.table.get(p.target);
    if (e?.rec.state === "alive") this.verdicts.suspect(e, now);
    else if (e?.rec.state === "suspect") this.verdicts.confirm(e);
  }

  private startProbe(now: number): void {
    const { config, health } = this.ctx;
    const target = this.nextTarget(now);
    const endAt = now + health.scale(config.probeIntervalMs);
    this.nextProbeAt = endAt;
    if (!target) return;
    const seq = ++this.seq;
    const timeoutAt = now + health.scale(config.probeTimeoutMs);
    const fresh = { indirectSent: false, acked: false, expectedNacks: 0, nacks: 0 };
    this.probe = { target: target.id, seq, timeoutAt, endAt, ...fresh };
    const ping = { type: "ping" as const, from: this.ctx.selfId, seq };
    this.ctx.batch.send(target, target.id, { ...ping, ...this.dissemination.piggyback(target.id) });
  }

  /** No ack in time: k others ping the target from where they are (one bad link is not enough). */
  private askOthers(p: Probe): void {
    p.indirectSent = true;
    const { table, config, random, selfId, batch } = this.ctx;
    const target = table.get(p.target)?.rec;
    if (!target) return;
    const others = table.probeable().filter((r) => r.id !== p.target && r.state === "alive");
    for (const h of pickRandom(others, config.indirectProbes, random)) {
      const req = { type: "ping-req" as const, from: selfId, seq: p.seq, target: target.id, nack: true };
      const at = deliveryAddress(target);
      batch.send(h, h.id, { ...req, ...at, ...this.dissemination.piggyback(h.id) });
      p.expectedNacks++;
    }
  }

  /** A suspect someone asked us to confirm, else the ring's target for this round. */
  private nextTarget(now: number): MemberRecord | undefined {
    while (this.urgent.length > 0) {
      const e = this.ctx.table.get(this.urgent.shift() as number);
      if (e && this.canProbe(e.rec.id)) return e.rec;
    }
    const { table, selfId, config } = this.ctx;
    const round = Math.max(probeRound(now, config.probeIntervalMs), this.lastRound + 1);
    this.lastRound = round;
    const id = ringTarget(table.probeRing(), selfId, round, (x) => this.canProbe(x));
    return id === undefined ? undefined : table.get(id)?.rec;
  }

  /** A present member that answers UDP and that we have heard from (or waited for long enough). */
  private canProbe(id: number): boolean {
    const e = this.ctx.table.get(id);
    return e !== undefined && isPresent(e.rec) && !e.rec.seed && !this.unconfirmed.has(id);
  }
}

/**
 * Every helper we asked said the target stayed silent for a whole probe timeout, and it did not
 * answer us either: the rest of the period would only wait for an answer nobody is still waiting
 * for, so the verdict comes now.
 */
function allNacked(p: Probe): boolean {
  return !p.acked && p.indirectSent && p.expectedNacks > 0 && p.nacks >= p.expectedNacks;
}
