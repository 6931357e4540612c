// Seals what a node sends and opens what it receives, for the three channels: membership
// datagrams, join requests and join replies. Without a key or a label it is the identity (the
// seed's bytes); with a label it frames; with a key it also signs and verifies. The verifier's
// order: frame grammar, label, key id, MAC (constant-time), destination, timestamp, nonce: so a
// "stale" or "replay" verdict is only ever given to a frame that really was signed with our key.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { AUTH_REJECT_REASONS, type AuthRejectReason } from "@joinlab/protocol";
import { formatFrame, parseFrame, type FrameHeader } from "./frame.js";
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

export class ClusterAuth {
  #keyring: Keyring | undefined;
  readonly label: string;
  readonly #clock: () => number;
  readonly #guard: ReplayGuard;

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
    const header: FrameHeader = { label: this.label };
    if (this.#keyring === undefined) return { text: formatFrame(header, payload) };
    const key = this.#keyring.signer;
    Object.assign(header, {
      kid: key.id,
      ts: this.#clock(),
      nonce: randomBytes(NONCE_BYTES).toString("base64url"),
    });
    if (to !== undefined) header.to = to;
    header.mac = macOf(key, channel, header, re, payload).toString("base64url");
    return { text: formatFrame(header, payload), nonce: header.nonce };
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
    const seen = { label: header.label, ...(header.kid !== undefined ? { kid: header.kid } : {}) };
    if (header.label !== this.label) {
      const mine = this.label === "" ? "none" : `"${this.label}"`;
      return reject("wrong-label", `it is labelled "${header.label}"; this node's label is ${mine}`, seen);
    }
    if (this.#keyring === undefined) {
      if (header.kid === undefined) return { ok: true, payload };
      return reject("unexpected-key", "it is signed, but this node has no cluster key to check it", seen);
    }
    if (header.kid === undefined) return reject("unsigned", "its cluster header carries no MAC", seen);
    return this.#verify(channel, header, payload, self, re, seen);
  }

  #verify(
    channel: Channel,
    header: FrameHeader,
    payload: Buffer,
    self: number | undefined,
    re: string | undefined,
    seen: { label: string; kid?: string },
  ): Opened {
    const keys = this.#keyring?.withId(header.kid as string) ?? [];
    if (keys.length === 0)
      return reject("unknown-key", `key id ${header.kid} is not in this node's keyring`, seen);
    const claimed = Buffer.from(header.mac as string, "base64url");
    const valid = keys.some((key) => timingSafeEqual(macOf(key, channel, header, re, payload), claimed));
    if (!valid)
      return reject("bad-mac", `its MAC does not match (forged, altered, or not a ${channel})`, seen);
    if (channel === "datagram" && header.to !== self) {
      return reject("misdirected", `it was signed for node ${header.to ?? "(none)"}, not this one`, seen);
    }
    const now = this.#clock();
    const ts = header.ts as number;
    const verdict = this.#guard.admit(ts, header.nonce as string, now);
    if (verdict === "stale") return reject("stale", this.#guard.describe(ts, now), seen);
    if (verdict === "replay") return reject("replay", "this exact frame was accepted before", seen);
    return { ok: true, payload, nonce: header.nonce as string };
  }
}

/**
 * The MAC input: a version tag, the channel (so a datagram cannot pass as a join line, nor a
 * request as a reply), every header field, the request's nonce for a reply (so a reply cannot be
 * replayed to another request), then the payload bytes. Fields come from fixed alphabets without
 * "\n", so the encoding is unambiguous.
 */
function macOf(
  key: ClusterKey,
  channel: Channel,
  header: FrameHeader,
  re: string | undefined,
  payload: string | Buffer,
): Buffer {
  const fields = [header.label, header.kid, header.ts, header.nonce, header.to ?? "", re ?? ""];
  return mac(key, [`joinlab/${channel}/1\n${fields.join("\n")}\n`, payload]);
}

function reject(reason: RejectReason, detail: string, seen: { label?: string; kid?: string } = {}): Opened {
  return { ok: false, reason, detail, ...seen };
}
