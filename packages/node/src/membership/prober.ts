// Failure detection (SWIM): every probe period, ping one member (a shuffled round robin, so each is
// probed once per round); no ack within probeTimeoutMs, ask indirectProbes others to ping it for
// us; no ack by the end of the period, it is suspect. Also answers others' pings and ping-reqs.
import type { NewcomerHooks } from "./claims.js";
import type { Dissemination } from "./dissemination.js";
import { earliest, shuffle, type EngineContext } from "./engine-context.js";
import type { Entry } from "./member-table.js";
import { isPresent } from "./precedence.js";
import type { MemberRecord, Sender } from "./types.js";
import type { PingMessage, PingReqMessage } from "./wire.js";

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

export type Accuse = (e: Entry, now: number) => void;

export class Prober implements NewcomerHooks {
  private seq = 0;
  private probe: Probe | undefined;
  private order: number[] = [];
  private nextProbeAt: number;
  private readonly relays = new Map<number, Relay>();
  /** Members learned second-hand and not heard from yet -> when the grace ends (newcomerGraceMs). */
  private readonly unconfirmed = new Map<number, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly dissemination: Dissemination,
    private readonly suspect: Accuse,
    now: number,
  ) {
    this.nextProbeAt = now;
  }

  /** Our own process stalled (paused, starved): the silence of our target proves nothing. */
  abandon(now: number): void {
    if (!this.probe) return;
    this.probe = undefined;
    this.nextProbeAt = now;
  }

  run(now: number): void {
    const cfg = this.ctx.config;
    const p = this.probe;
    if (p && !p.acked && !p.indirectSent && now >= p.startedAt + cfg.probeTimeoutMs) this.askOthers(p);
    if (p && now >= p.startedAt + cfg.probeIntervalMs) {
      this.probe = undefined;
      const e = this.ctx.table.get(p.target);
      if (!p.acked && e && e.rec.state === "alive") this.suspect(e, now);
    }
    if (!this.probe && now >= this.nextProbeAt) this.startProbe(now);
  }

  nextDeadline(): number | undefined {
    const cfg = this.ctx.config;
    const p = this.probe;
    let due: number | undefined;
    if (p) {
      if (!p.acked && !p.indirectSent) due = earliest(due, p.startedAt + cfg.probeTimeoutMs);
      due = earliest(due, p.startedAt + cfg.probeIntervalMs);
    } else due = earliest(due, this.nextProbeAt);
    for (const until of this.unconfirmed.values()) due = earliest(due, until);
    return due;
  }

  onPing(msg: PingMessage, replyTo: Sender | undefined): void {
    if (!replyTo) return;
    const ack = { type: "ack" as const, from: this.ctx.selfId, seq: msg.seq };
    this.ctx.batch.send(replyTo, msg.from, { ...ack, ...this.dissemination.piggyback(msg.from) });
  }

  onPingReq(msg: PingReqMessage, replyTo: Sender | undefined, now: number): void {
    const seq = ++this.seq;
    if (replyTo) {
      const expires = now + this.ctx.config.probeIntervalMs;
      this.relays.set(seq, {
        origin: replyTo,
        originId: msg.from,
        originSeq: msg.seq,
        target: msg.target,
        expires,
      });
    }
    const ping = { type: "ping" as const, from: this.ctx.selfId, seq };
    this.ctx.batch.send(msg, msg.target, { ...ping, ...this.dissemination.piggyback(msg.target) });
  }

  onAck(seq: number): void {
    if (this.probe && this.probe.seq === seq) this.probe.acked = true;
    const relay = this.relays.get(seq);
    if (!relay) return;
    this.relays.delete(seq);
    const { selfId, batch } = this.ctx;
    batch.send(relay.origin, relay.originId, {
      type: "ack",
      from: selfId,
      seq: relay.originSeq,
      target: relay.target,
    });
  }

  expireRelays(now: number): void {
    for (const [seq, relay] of this.relays) if (relay.expires <= now) this.relays.delete(seq);
  }

  /** Probe a member this round, not only after the current round (which can last n periods). */
  slotIn(id: number): void {
    this.order.splice(Math.floor(this.ctx.random() * (this.order.length + 1)), 0, id);
  }

  holdBack(id: number, until: number): void {
    this.unconfirmed.set(id, until);
  }

  /** We heard from a member directly: it is up, so probing it is fair from now on. */
  confirm(id: number): void {
    if (!this.unconfirmed.delete(id)) return;
    this.slotIn(id);
  }

  /** A newcomer that stayed silent for newcomerGraceMs is probed anyway (it may have crashed at boot). */
  expireGrace(now: number): void {
    for (const [id, until] of this.unconfirmed) if (until <= now) this.confirm(id);
  }

  forget(id: number): void {
    this.unconfirmed.delete(id);
  }

  private startProbe(now: number): void {
    const target = this.nextTarget();
    this.nextProbeAt = now + this.ctx.config.probeIntervalMs;
    if (!target) return;
    const seq = ++this.seq;
    this.probe = { target: target.id, seq, startedAt: now, indirectSent: false, acked: false };
    const ping = { type: "ping" as const, from: this.ctx.selfId, seq };
    this.ctx.batch.send(target, target.id, { ...ping, ...this.dissemination.piggyback(target.id) });
  }

  /** No ack in time: k others ping the target from where they are (one bad link is not enough). */
  private askOthers(p: Probe): void {
    p.indirectSent = true;
    const { table, config, random, selfId, batch } = this.ctx;
    const target = table.get(p.target)?.rec;
    if (!target) return;
    const others = table.probeable().filter((r) => r.id !== p.target);
    for (const h of shuffle(others, random).slice(0, config.indirectProbes)) {
      const req = { type: "ping-req" as const, from: selfId, seq: p.seq, target: target.id };
      const at = { addr: target.addr, port: target.port };
      batch.send(h, h.id, { ...req, ...at, ...this.dissemination.piggyback(h.id) });
    }
  }

  /** Shuffled round robin over probeable members: everyone is probed once per round. */
  private nextTarget(): MemberRecord | undefined {
    for (let guard = 0; guard < 2; guard++) {
      while (this.order.length > 0) {
        const id = this.order.shift() as number;
        const e = this.ctx.table.get(id);
        if (e && isPresent(e.rec) && !e.rec.seed && !this.unconfirmed.has(id)) return e.rec;
      }
      this.order = shuffle(this.ctx.table.probeable(), this.ctx.random).map((r) => r.id);
    }
    return undefined;
  }
}
