// In-memory network for membership tests: fake clock, latency, drops, pauses, crashes and partitions.
import { Membership } from "../src/membership/membership.js";
import type { MembershipConfig } from "../src/membership/config.js";
import type { MemberRecord, MemberRole, MembershipEvent, Output } from "../src/membership/types.js";
import { encodeMessage } from "../src/membership/wire.js";
import { parseDatagram } from "../src/membership/wire-validate.js";
import { membersForResponse } from "../src/node-membership.js";

/** Small seeded PRNG (mulberry32): runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimNode {
  id: number;
  addr: string;
  port: number;
  m: Membership;
  status: "up" | "crashed" | "paused";
  inbox: Flight[];
}

interface Flight {
  at: number;
  fromId: number;
  to: string;
  data: string;
}

export interface LoggedEvent {
  t: number;
  node: number;
  /** Readable by any key: a test may assert on a field before narrowing to its event. */
  ev: MembershipEvent & Readonly<Record<string, unknown>>;
}

export class Sim {
  now = 0;
  readonly nodes = new Map<number, SimNode>();
  readonly events: LoggedEvent[] = [];
  private readonly byAddr = new Map<string, number>();
  /** In-flight datagrams bucketed by delivery time (ms). */
  private readonly queue = new Map<number, Flight[]>();
  private readonly cuts = new Set<string>();
  private readonly slow = new Map<number, number>();
  private readonly rng: () => number;
  latencyMs = 1;
  jitterMs = 2;
  dropRate = 0;
  tickMs = 5;
  /**
   * Tick each node only when its own next deadline is due, as the runner does, instead of every
   * tickMs: what makes 1,000 simulated nodes affordable.
   */
  deadlineTicks = false;
  sent = 0;
  /** Datagrams sent, by message type. */
  readonly sentByType = new Map<string, number>();
  maxDatagram = 0;

  constructor(
    private readonly seed: number,
    private readonly config: Partial<MembershipConfig> = {},
  ) {
    this.rng = seededRandom(seed);
  }

  addNode(id: number, role: MemberRole, addr = `10.0.0.${this.nodes.size + 1}`, port = 8001): SimNode {
    const m = new Membership({
      self: { id, addr, port, role },
      now: this.now,
      config: this.config,
      random: seededRandom(id),
    });
    const n: SimNode = { id, addr, port, m, status: "up", inbox: [] };
    this.nodes.set(id, n);
    this.byAddr.set(`${addr}:${port}`, id);
    return n;
  }

  node(id: number): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** The TCP join handshake, modelled as instantaneous: joiner dials `viaId`. */
  join(joinerId: number, viaId: number, opts: { seedResponder?: boolean; seedJoiner?: boolean } = {}): void {
    const j = this.node(joinerId);
    const via = this.node(viaId);
    const { members, output } = via.m.admitJoiner(
      {
        id: j.id,
        addr: j.addr,
        port: j.port,
        gen: j.m.self().gen,
        ...(opts.seedJoiner ? { seed: true } : {}),
      },
      this.now,
    );
    this.dispatch(via, output);
    if (opts.seedJoiner) return;
    // Cut as a node cuts its join response (past ~250 members the joiner learns the rest by push-pull).
    const sent = membersForResponse(members, via.id, j.id);
    const wire: unknown = opts.seedResponder ? undefined : JSON.parse(JSON.stringify(sent));
    this.dispatch(
      j,
      j.m.seedFromJoinResponse(wire, { id: via.id, addr: via.addr, port: via.port }, this.now),
    );
  }

  dispatch(n: SimNode, out: Output): void {
    for (const ev of out.events) this.events.push({ t: this.now, node: n.id, ev });
    if (n.status === "crashed") return;
    for (const o of out.send) {
      const data = encodeMessage(o.msg);
      this.sent++;
      this.sentByType.set(o.msg.type, (this.sentByType.get(o.msg.type) ?? 0) + 1);
      this.maxDatagram = Math.max(this.maxDatagram, Buffer.byteLength(data));
      const at =
        this.now + this.latencyMs + Math.floor(this.rng() * (this.jitterMs + 1)) + (this.slow.get(n.id) ?? 0);
      const bucket = this.queue.get(at);
      const f = { at, fromId: n.id, to: `${o.addr}:${o.port}`, data };
      if (bucket) bucket.push(f);
      else this.queue.set(at, [f]);
    }
  }

  private deliver(f: Flight): void {
    const toId = this.byAddr.get(f.to);
    const n = toId === undefined ? undefined : this.nodes.get(toId);
    if (!n || n.status === "crashed") return;
    if (this.cuts.has(`${f.fromId}|${n.id}`)) return;
    if (this.dropRate > 0 && this.rng() < this.dropRate) return;
    if (n.status === "paused") {
      n.inbox.push(f);
      return;
    }
    const from = this.nodes.get(f.fromId);
    const parsed = parseDatagram(f.data, 8000);
    if (!parsed.ok) throw new Error(`engine sent an invalid datagram: ${parsed.reason}`);
    this.dispatch(
      n,
      n.m.receive(parsed.msg, this.now, from ? { addr: from.addr, port: from.port } : undefined),
    );
  }

  /** Advance 1 ms: deliver what is due, tick every node on its cadence. */
  step(): void {
    this.now += 1;
    const due = this.queue.get(this.now);
    if (due) {
      this.queue.delete(this.now);
      for (const f of due) this.deliver(f);
    }
    if (this.deadlineTicks) {
      for (const n of this.nodes.values()) {
        const due = n.m.plannedDeadline();
        if (n.status === "up" && due !== undefined && due <= this.now) this.dispatch(n, n.m.tick(this.now));
      }
    } else if (this.now % this.tickMs === 0) {
      for (const n of this.nodes.values()) if (n.status === "up") this.dispatch(n, n.m.tick(this.now));
    }
  }

  run(ms: number): void {
    for (let i = 0; i < ms; i++) this.step();
  }

  /** Steps until `pred` holds; returns the elapsed simulated ms, or undefined after `maxMs`. */
  runUntil(pred: () => boolean, maxMs: number): number | undefined {
    const start = this.now;
    for (let i = 0; i <= maxMs; i++) {
      if (pred()) return this.now - start;
      this.step();
    }
    return undefined;
  }

  up(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.status !== "crashed");
  }

  stateAt(observer: number, subject: number): MemberRecord["state"] | undefined {
    return this.node(observer).m.member(subject)?.state;
  }

  /** Every live node other than `subject` sees it in `state`. */
  allSee(subject: number, state: MemberRecord["state"]): boolean {
    return this.up().every((n) => n.id === subject || n.m.member(subject)?.state === state);
  }

  /** Every live node has the same set of present members, and it is exactly the live nodes. */
  converged(): boolean {
    const live = this.up()
      .map((n) => n.id)
      .sort((a, b) => a - b)
      .join(",");
    return this.up().every(
      (n) =>
        n.m
          .view()
          .filter((r) => r.state === "alive")
          .map((r) => r.id)
          .join(",") === live,
    );
  }

  /** Ids each live node considers master. */
  masters(): (number | undefined)[] {
    return this.up().map((n) => n.m.master()?.id);
  }

  crash(id: number): void {
    this.node(id).status = "crashed";
  }

  pause(id: number): void {
    this.node(id).status = "paused";
  }

  resume(id: number): void {
    const n = this.node(id);
    n.status = "up";
    const inbox = n.inbox;
    n.inbox = [];
    for (const f of inbox) this.deliver(f);
  }

  /** Graceful stop: the node sends its leave, then goes away. */
  stop(id: number): void {
    const n = this.node(id);
    this.dispatch(n, n.m.leave(this.now));
    n.status = "crashed";
  }

  /** Cut every link between the two groups (both directions). */
  partition(a: number[], b: number[]): void {
    for (const x of a) for (const y of b) this.cuts.add(`${x}|${y}`).add(`${y}|${x}`);
  }

  heal(): void {
    this.cuts.clear();
  }

  /** Everything `id` sends arrives `ms` later (a slow or overloaded node). */
  slowDown(id: number, ms: number): void {
    this.slow.set(id, ms);
  }

  /** A restart: the old process is gone, a new one with a new id takes its address. */
  restart(oldId: number, newId: number, viaId: number): SimNode {
    const old = this.node(oldId);
    old.status = "crashed";
    const n = this.addNode(newId, "member", old.addr, old.port);
    this.join(newId, viaId);
    return n;
  }

  eventsOf(name: string, subject?: number): LoggedEvent[] {
    return this.events.filter(
      (e) => e.ev.event === name && (subject === undefined || e.ev.peerId === subject),
    );
  }
}

/** A master plus n-1 members; each joins through a random earlier node (chain joins included). */
export function buildCluster(sim: Sim, n: number, firstId = 1000, addrOf?: (i: number) => string): number[] {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = firstId + i * 7;
    sim.addNode(id, i === 0 ? "master" : "member", addrOf?.(i));
    if (i > 0) {
      const via = ids[Math.floor(seededRandom(id)() * ids.length)] as number;
      sim.join(id, via);
      sim.run(3);
    }
    ids.push(id);
  }
  return ids;
}
