// Drives the membership state machine with real timers and the UDP transport: what the node runs.
import type { DatagramFraming } from "../auth/datagram-framing.js";
import { IoFirstTimer } from "../io-first-timer.js";
import type { MembershipConfig } from "./config.js";
import { Membership, type Sender } from "./membership.js";
import type { JoinerInfo, MemberRecord, MembershipEvent, Output, SelfInfo } from "./types.js";
import { UdpTransport, type TransportStats } from "./udp-transport.js";
import type { MembershipMessage } from "./wire.js";

export interface MembershipRunnerOptions {
  self: SelfInfo;
  /** Local address to bind UDP on (default all interfaces). The port is self.port. */
  bindHost?: string;
  config?: Partial<MembershipConfig>;
  clock?: () => number;
  random?: () => number;
  onEvent?: (e: MembershipEvent) => void;
  /** Cluster key and label for the datagrams; absent for the plain protocol. */
  framing?: (selfId: number) => DatagramFraming | undefined;
  /** A socket already bound on self.port (a joiner's early acker): used instead of binding one. */
  transport?: UdpTransport;
}

/** How long stop() waits for its leave datagrams to reach the OS before closing the socket. */
const LEAVE_FLUSH_MS = 100;
/** At most one protocol.error line per this period for invalid datagrams (the rest are counted). */
const INVALID_LOG_EVERY_MS = 1000;

export class MembershipRunner {
  private readonly listeners: ((e: MembershipEvent) => void)[] = [];
  private timer: IoFirstTimer | undefined;
  /** The deadline the timer is armed for. */
  private armedFor = Infinity;
  private stopped = false;
  private lastInvalidLog = -Infinity;
  private invalidSinceLog = 0;

  private constructor(
    readonly membership: Membership,
    private readonly transport: UdpTransport,
    private readonly clock: () => number,
  ) {
    transport.onMessage((msg, sender) => this.onMessage(msg, sender));
    transport.onInvalid((code, reason, sender) => this.onInvalid(code, reason, sender));
    this.arm();
  }

  /**
   * One timer, armed for the engine's next deadline (re-armed when a call moves it), instead of a
   * 10 ms poll: 64 idle nodes on two cores no longer wake 6,400 times a
   * second. The tick waits for the I/O already there (IoFirstTimer): after a stall, the datagrams
   * waiting (acks, refutations) are read first, so a timeout is never judged before its answer.
   */
  private arm(): void {
    if (this.stopped) return;
    const due = this.membership.plannedDeadline() ?? this.membership.nextDeadline(this.clock());
    if (due === this.armedFor) return;
    // Re-armed when the deadline moves later too, so a probe acked early does not run a tick at its
    // timeout. The process still wakes then: Node leaves libuv's timer set when a timeout is
    // cleared (strace shows the wake). Arming only after the turn's I/O was read spared that wake
    // when the ack was already in, but cost as much as it saved at 64 containers.
    this.timer?.cancel();
    this.timer = undefined;
    this.armedFor = Infinity;
    if (due === undefined) return;
    this.armedFor = due;
    const tick = (): void => {
      this.timer = undefined;
      this.armedFor = Infinity;
      this.apply(this.membership.tick(this.clock()));
    };
    this.timer = new IoFirstTimer(Math.max(0, due - this.clock()), tick, { unref: true });
  }

  /** Binds UDP on self.port (0: any free port) and starts ticking. A master is active at once; a member after the join. */
  static async start(opts: MembershipRunnerOptions): Promise<MembershipRunner> {
    const clock = opts.clock ?? Date.now;
    const transport =
      opts.transport ??
      (await UdpTransport.bind({
        port: opts.self.port,
        ...(opts.bindHost !== undefined ? { host: opts.bindHost } : {}),
        ...(opts.config?.maxDatagramBytes !== undefined
          ? { maxDatagramBytes: opts.config.maxDatagramBytes }
          : {}),
        ...(opts.framing ? { framing: opts.framing(opts.self.id) } : {}),
      }));
    const membership = new Membership({
      // Port 0 asks the OS for a free one (tests): the bound port is what we advertise.
      self: { ...opts.self, port: transport.port },
      now: clock(),
      ...(opts.config ? { config: opts.config } : {}),
      ...(opts.random ? { random: opts.random } : {}),
    });
    const runner = new MembershipRunner(membership, transport, clock);
    if (opts.onEvent) runner.onEvent(opts.onEvent);
    return runner;
  }

  onEvent(listener: (e: MembershipEvent) => void): void {
    this.listeners.push(listener);
  }

  view(): MemberRecord[] {
    return this.membership.view();
  }

  master(): MemberRecord | undefined {
    return this.membership.master();
  }

  stats(): TransportStats {
    return { ...this.transport.stats };
  }

  /**
   * Responder side of a TCP join: returns the `members` to embed in the join response. `local`:
   * our end of the connection (our own address, stated in our record: see MemberRecord.ip).
   */
  admitJoiner(info: JoinerInfo, local?: string): MemberRecord[] {
    const { members, output } = this.membership.admitJoiner(info, this.clock(), local);
    this.apply(output);
    return members;
  }

  /** Joiner side, after reading the join response: `members` is its additive field (undefined from a seed). */
  seedFromJoinResponse(members: unknown, responder: JoinerInfo): void {
    this.apply(this.membership.seedFromJoinResponse(members, responder, this.clock()));
  }

  /** Graceful stop: send leave to everyone, give the datagrams a moment, close. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    const out = this.membership.leave(this.clock());
    this.emit(out.events);
    const sends = out.send.map((o) => this.transport.send(o.addr, o.port, o.msg, o.toId));
    await Promise.race([Promise.all(sends), new Promise((r) => setTimeout(r, LEAVE_FLUSH_MS))]);
    await this.transport.close();
  }

  /** Closes without a leave, as a crash would (tests use it; the node uses stop()). */
  async abort(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.transport.close();
  }

  private onMessage(msg: MembershipMessage, sender: Sender): void {
    if (this.stopped) return;
    const out = this.membership.receive(msg, this.clock(), sender);
    this.learnAddress(msg.from, sender);
    this.apply(out);
  }

  /** A member's datagram came from its own port: its address is where we reach it (no DNS). */
  private learnAddress(id: number, sender: Sender): void {
    const at = this.membership.addressOf(id);
    if (at !== undefined && at.port === sender.port) this.transport.learnAddress(at.addr, sender.addr);
  }

  private onInvalid(code: string, reason: string, sender: Sender): void {
    this.invalidSinceLog++;
    const now = this.clock();
    if (now - this.lastInvalidLog < INVALID_LOG_EVERY_MS) return;
    this.lastInvalidLog = now;
    const count = this.invalidSinceLog;
    this.invalidSinceLog = 0;
    this.emit([
      {
        event: "protocol.error",
        message: `invalid membership datagram ignored: ${reason}`,
        peer: `${sender.addr}:${sender.port}`,
        code,
        transport: "udp",
        count,
      },
    ]);
  }

  private apply(out: Output): void {
    if (this.stopped) return;
    for (const o of out.send) void this.transport.send(o.addr, o.port, o.msg, o.toId);
    this.emit(out.events);
    this.arm();
  }

  private emit(events: MembershipEvent[]): void {
    for (const e of events) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          // A failing logger must not stop failure detection.
        }
      }
    }
  }
}
