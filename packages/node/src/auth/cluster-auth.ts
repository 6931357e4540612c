// Seals what a node sends and opens what it receives, for the three channels: membership
// datagrams, join requests and join replies. Without a key or a label it is the identity (the
// seed's bytes); with a label it frames; with a key it also signs and verifies. The verifier's
// order: frame grammar, label, key id, MAC (constant-time), destination, timestamp, nonce: so a
// "stale" or "replay" verdict is only ever given to a frame that really was signed with our key.
import { randomFillSync, timingSafeEqual } from "node:crypto";
import { AUTH_REJECT_REASONS, type AuthRejectReason } from "@joinlab/protocol";
import { formatLabelled, formatSigned, parseFrame, signedHead, type FrameHeader } from "./frame.js";
import { mac, type ClusterKey, type Keyring } from "./keyring.js";
import { ReplayGuard } from "./replay-guard.js";

export type Channel = "datagram" | "join-request" | "join-reply";

/** Why a frame is refused; the list and its meanings live in the log contract. */
export const REJECT_REASONS = AUTH_REJECT_REASONS;
export type RejectReason = AuthRejectReason;

export type Opened =
  | { ok: true; payload: Buffer; nonce?: string }
  | { ok: false; reason: RejectReason; detail: string; kid?: string; label?: string };

export interface ClusterAuthOptions {
  keyring?: Keyring;
  label?: string;
  /** Accepted clock difference either way (ms). */
  windowMs?: number;
  /** Most nonces remembered (bounds memory; see ReplayGuard). */
  nonceCapacity?: number;
  clock?: () => number;
  /** Nothing signed before this is accepted (ms); default: now. */
  startedAt?: number;
}

export const DEFAULT_WINDOW_MS = 30_000;
export const DEFAULT_NONCE_CAPACITY = 32_768;
const NONCE_BYTES = 12;
/** Nonces drawn per refill: one randomFillSync call instead of one randomBytes per frame. */
const NONCES_PER_FILL = 256;

/**
 * Random nonces from a pool. randomBytes(12) costs tens of microseconds on an idle process (a
 * node signs a few dozen datagrams a second, each time with cold caches); drawing from a buffer
 * filled 256 nonces at a time costs about one. The bytes are the same CSPRNG's.
 */
class NoncePool {
  readonly #pool = Buffer.alloc(NONCE_BYTES * NONCES_PER_FILL);
  #next = this.#pool.length;

  take(): string {
    if (this.#next >= this.#pool.length) {
      randomFillSync(this.#pool);
      this.#next = 0;
    }
    const nonce = this.#pool.toString("base64url", this.#next, this.#next + NONCE_BYTES);
    this.#next += NONCE_BYTES;
    return nonce;
  }
}

export class ClusterAuth {
  #keyring: Keyring | undefined;
  readonly label: string;
  readonly #clock: () => number;
  readonly #guard: ReplayGuard;
  readonly #nonces = new NoncePool();

  constructor(options: ClusterAuthOptions = {}) {
    this.#keyring = options.keyring;
    this.label = options.label ?? "";
    this.#clock = options.clock ?? Date.now;
    this.#guard = new ReplayGuard({
      windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
      capacity: options.nonceCapacity ?? DEFAULT_NONCE_CAPACITY,
      floor: options.startedAt ?? this.#clock(),
    });
  }

  get keyring(): Keyring | undefined {
    return this.#keyring;
  }

  /**
   * Takes new keys (a rotation step, read again from the key file): what is signed from now on
   * uses the new signer, and only the new keys verify. A node with a key keeps one.
   */
  replaceKeyring(next: Keyring): void {
    if (this.#keyring === undefined) throw new Error("this node has no cluster key to replace");
    this.#keyring = next;
  }

  /** No key and no label: every byte on the wire is the seed protocol's. */
  get plain(): boolean {
    return this.#keyring === undefined && this.label === "";
  }

  get keyed(): boolean {
    return this.#keyring !== undefined;
  }

  /** A datagram for node `to`. */
  sealDatagram(payload: string, to: number): string {
    return this.#seal("datagram", payload, to, undefined).text;
  }

  /** A join request; keep `nonce` to open the reply with. */
  sealRequest(payload: string): { text: string; nonce?: string } {
    return this.#seal("join-request", payload, undefined, undefined);
  }

  /** A reply to the request whose nonce was `requestNonce` (undefined when it was not signed). */
  sealReply(payload: string, requestNonce: string | undefined): string {
    return this.#seal("join-reply", payload, undefined, requestNonce).text;
  }

  openDatagram(bytes: Buffer, self: number): Opened {
    return this.#open("datagram", bytes, self, undefined);
  }

  openRequest(bytes: Buffer): Opened {
    return this.#open("join-request", bytes, undefined, undefined);
  }

  openReply(bytes: Buffer, requestNonce: string | undefined): Opened {
    return this.#open("join-reply", bytes, undefined, requestNonce);
  }

  #seal(channel: Channel, payload: string, to: number | undefined, re: string | undefined) {
    if (this.plain) return { text: payload };
    if (this.#keyring === undefined) return { text: formatLabelled(this.label, payload) };
    const key = this.#keyring.signer;
    const nonce = this.#nonces.take();
    const header: FrameHeader = { label: this.label, kid: key.id, ts: this.#clock(), nonce };
    if (to !== undefined) header.to = to;
    const head = signedHead(header);
    const mac = macOf(key, channel, re, head, payload).toString("base64url");
    return { text: formatSigned(head, mac, payload), nonce };
  }

  #open(channel: Channel, bytes: Buffer, self: number | undefined, re: string | undefined): Opened {
    const frame = parseFrame(bytes);
    if (frame.kind === "raw") {
      if (this.plain) return { ok: true, payload: bytes };
      return this.keyed
        ? reject("unsigned", "it carries no cluster header: the sender has no cluster key")
        : reject("wrong-label", `it carries no cluster label; this node's is "${this.label}"`);
    }
    if (frame.kind === "bad") return reject("bad-frame", frame.reason);
    const { header, payload } = frame;
    if (header.label !== this.label) {
      const mine = this.label === "" ? "none" : `"${this.label}"`;
      return reject(
        "wrong-label",
        `it is labelled "${header.label}"; this node's label is ${mine}`,
        seenIn(header),
      );
    }
    if (this.#keyring === undefined) {
      if (header.kid === undefined) return { ok: true, payload };
      return reject(
        "unexpected-key",
        "it is signed, but this node has no cluster key to check it",
        seenIn(header),
      );
    }
    if (header.kid === undefined || frame.head === undefined) {
      return reject("unsigned", "its cluster header carries no MAC", seenIn(header));
    }
    return this.#verify(channel, frame.head, header, payload, self, re);
  }

  #verify(
    channel: Channel,
    head: Buffer,
    header: FrameHeader,
    payload: Buffer,
    self: number | undefined,
    re: string | undefined,
  ): Opened {
    // The channel fixes the fields: a datagram names its receiver, a join line does not.
    if ((channel === "datagram") !== (header.to !== undefined)) {
      return reject(
        "bad-frame",
        `a ${channel} frame ${header.to === undefined ? "lacks" : "carries"} "to"`,
        seenIn(header),
      );
    }
    const keys = this.#keyring?.withId(header.kid as string) ?? [];
    if (keys.length === 0)
      return reject("unknown-key", `key id ${header.kid} is not in this node's keyring`, seenIn(header));
    const claimed = Buffer.from(header.mac as string, "base64url");
    const valid = keys.some((key) => timingSafeEqual(macOf(key, channel, re, head, payload), claimed));
    if (!valid)
      return reject(
        "bad-mac",
        `its MAC does not match (forged, altered, or not a ${channel})`,
        seenIn(header),
      );
    if (channel === "datagram" && header.to !== self) {
      return reject(
        "misdirected",
        `it was signed for node ${header.to ?? "(none)"}, not this one`,
        seenIn(header),
      );
    }
    const now = this.#clock();
    const ts = header.ts as number;
    const verdict = this.#guard.admit(ts, header.nonce as string, now);
    if (verdict === "stale") return reject("stale", this.#guard.describe(ts, now), seenIn(header));
    if (verdict === "replay") return reject("replay", "this exact frame was accepted before", seenIn(header));
    return { ok: true, payload, nonce: header.nonce as string };
  }
}

/**
 * The MAC input: a tag naming the channel (so a datagram cannot pass as a join line, nor a
 * request as a reply), the request's nonce for a reply (so a reply cannot be replayed to another
 * request), the length of the signed head, the head itself (every header field, exactly as sent),
 * then the payload bytes. The length makes the head's end unambiguous.
 */
function macOf(
  key: ClusterKey,
  channel: Channel,
  re: string | undefined,
  head: string | Buffer,
  payload: string | Buffer,
): Buffer {
  return mac(key, [`joinlab/${channel}/1\n${re ?? ""}\n${head.length}\n`, head, payload]);
}

/** What a refusal reports of the frame (its label and key id are not secret). */
function seenIn(header: FrameHeader): { label: string; kid?: string } {
  return header.kid === undefined ? { label: header.label } : { label: header.label, kid: header.kid };
}

function reject(reason: RejectReason, detail: string, seen: { label?: string; kid?: string } = {}): Opened {
  return { ok: false, reason, detail, ...seen };
}
