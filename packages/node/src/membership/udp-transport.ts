// UDP transport for membership datagrams: one JSON message per datagram, validated on arrival.
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import type { DatagramFraming } from "../auth/datagram-framing.js";
import { DEFAULT_MEMBERSHIP_CONFIG } from "./config.js";
import type { Sender } from "./types.js";
import { encodeMessage, type MembershipMessage } from "./wire.js";
import { parseDatagram } from "./wire-validate.js";

export interface TransportStats {
  received: number;
  sent: number;
  /** Datagrams dropped because they were too large, not JSON, or not a membership message. */
  invalid: number;
  /** Datagrams refused by the cluster key or label (see the auth counters for why). */
  rejected: number;
  /** Sends the OS refused (unreachable network after a cut, DNS failure, ...). */
  sendErrors: number;
}

/**
 * Resolved names are reused this long, and so is the address a member's datagrams came from. A
 * lookup goes through libuv's four-thread pool, and Docker's DNS (in the engine) answers slowly
 * while the engine starts containers: a node that looked up 63 names before each send could not
 * refute a suspicion in time.
 */
const DNS_CACHE_MS = 30_000;

/** Asks the DNS server directly, once, for at most a second (then the system's resolver is asked). */
const dnsServer = new dns.promises.Resolver({ timeout: 1000, tries: 1 });

export interface UdpBindOptions {
  port: number;
  host?: string;
  maxDatagramBytes?: number;
  /** Cluster key and label; absent for the plain protocol. */
  framing?: DatagramFraming;
}

export type InvalidHandler = (code: string, reason: string, sender: Sender) => void;
export type MessageHandler = (msg: MembershipMessage, sender: Sender) => void;

export class UdpTransport {
  readonly stats: TransportStats = { received: 0, sent: 0, invalid: 0, rejected: 0, sendErrors: 0 };
  private onMsg: MessageHandler = () => {};
  private onBad: InvalidHandler = () => {};
  private closed = false;
  private readonly resolved = new Map<string, { ip: string; until: number }>();
  /** Lookups under way: sends to the same name wait for one answer. */
  private readonly resolving = new Map<string, Promise<string | undefined>>();

  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number,
    private readonly maxBytes: number,
    private readonly framing: DatagramFraming | undefined,
  ) {
    socket.on("message", (buf, rinfo) => this.handle(buf, { addr: rinfo.address, port: rinfo.port }));
    // A UDP socket reports ICMP errors and the like here; none of them should stop the node.
    socket.on("error", () => {
      this.stats.sendErrors++;
    });
  }

  /** Binds `port` (the same number as the node's TCP port: UDP is a separate namespace). */
  static bind(opts: UdpBindOptions): Promise<UdpTransport> {
    const socket = dgram.createSocket({ type: "udp4" });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        socket.close();
        // Keep the errno code (EADDRINUSE, EACCES): the node turns it into its start-up advice.
        const code = (err as NodeJS.ErrnoException).code;
        const wrapped = new Error(`membership: cannot bind UDP port ${opts.port}: ${err.message}`);
        reject(Object.assign(wrapped, code === undefined ? {} : { code }));
      };
      socket.once("error", onError);
      socket.bind(opts.port, opts.host ?? "0.0.0.0", () => {
        socket.off("error", onError);
        const max = opts.maxDatagramBytes ?? DEFAULT_MEMBERSHIP_CONFIG.maxDatagramBytes;
        resolve(new UdpTransport(socket, socket.address().port, max, opts.framing));
      });
    });
  }

  onMessage(handler: MessageHandler): void {
    this.onMsg = handler;
  }

  onInvalid(handler: InvalidHandler): void {
    this.onBad = handler;
  }

  /** Sends one message to member `toId`; resolves when the OS took it (or refused it). Never rejects. */
  async send(addr: string, port: number, msg: MembershipMessage, toId = -1): Promise<void> {
    if (this.closed) return;
    const payload = encodeMessage(msg);
    if (Buffer.byteLength(payload) > this.maxBytes) {
      // The engine splits views to fit; reaching this is a bug, so count it rather than send.
      this.stats.sendErrors++;
      return;
    }
    const buf = Buffer.from(this.framing ? this.framing.seal(payload, toId) : payload, "utf8");
    const ip = await this.resolve(addr);
    if (ip === undefined || this.closed) {
      this.stats.sendErrors++;
      return;
    }
    await new Promise<void>((resolve) => {
      try {
        this.socket.send(buf, port, ip, (err) => {
          if (err) this.stats.sendErrors++;
          else this.stats.sent++;
          resolve();
        });
      } catch {
        this.stats.sendErrors++;
        resolve();
      }
    });
  }

  /** A datagram of the member advertised as `host` came from `ip`: sends to it need no lookup. */
  learnAddress(host: string, ip: string): void {
    if (net.isIPv4(host) || !net.isIPv4(ip)) return;
    this.resolved.set(host, { ip, until: Date.now() + DNS_CACHE_MS });
  }

  /** An IPv4 address as is; a name through a small cache (Docker's DNS names are stable). */
  private resolve(host: string): Promise<string | undefined> | string {
    if (net.isIPv4(host)) return host;
    const hit = this.resolved.get(host);
    if (hit && hit.until > Date.now()) return hit.ip;
    let pending = this.resolving.get(host);
    if (pending === undefined) {
      pending = this.lookup(host).finally(() => this.resolving.delete(host));
      this.resolving.set(host, pending);
    }
    return pending;
  }

  /**
   * Asks the DNS server first (c-ares: a socket, no thread), then the system's resolver (files
   * such as /etc/hosts; one of libuv's four threads, shared with file I/O, for as long as the answer
   * takes).
   */
  private async lookup(host: string): Promise<string | undefined> {
    const address = await firstOf(
      () => dnsServer.resolve4(host).then((ips) => ips[0]),
      () => dns.promises.lookup(host, { family: 4 }).then((r) => r.address),
    );
    if (address !== undefined) this.resolved.set(host, { ip: address, until: Date.now() + DNS_CACHE_MS });
    return address;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private handle(buf: Buffer, sender: Sender): void {
    if (this.closed) return;
    const payload = this.open(buf, sender);
    if (payload === undefined) return;
    const parsed = parseDatagram(payload, this.maxBytes);
    if (!parsed.ok) {
      this.stats.invalid++;
      this.onBad(parsed.code, parsed.reason, sender);
      return;
    }
    this.stats.received++;
    this.onMsg(parsed.msg, sender);
  }

  /** The payload of a datagram that passed the cluster key and label (all of it when plain). */
  private open(buf: Buffer, sender: Sender): Buffer | undefined {
    if (this.framing === undefined) return buf;
    // Too large even for a frame: refused before any MAC is computed over it.
    if (buf.length > this.maxBytes + this.framing.overhead) return buf;
    const payload = this.framing.open(buf, `${sender.addr}:${sender.port}`);
    if (payload === undefined) this.stats.rejected++;
    return payload;
  }
}

/** The first answer of `ways`, tried in order; undefined when none answers. */
async function firstOf(...ways: (() => Promise<string | undefined>)[]): Promise<string | undefined> {
  for (const way of ways) {
    const answer = await way().catch(() => undefined);
    if (answer !== undefined) return answer;
  }
  return undefined;
}
