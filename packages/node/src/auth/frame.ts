// The bytes of a framed message: a fixed-grammar header, then the unchanged payload.
//   {"cluster":{"v":1,"label":"L","kid":"K","ts":T,"nonce":"N","to":D,"mac":"M"},"msg":PAYLOAD}
// The whole frame is one JSON object (jq can read it), but a verifier never re-serialises JSON:
// the header is matched by one anchored pattern and the payload is the exact bytes between it and
// the final "}", so the MAC covers precisely what the sender wrote. An unkeyed, unlabelled node
// sends no frame at all: its bytes are the seed protocol's, untouched.

export const FRAME_VERSION = 1;
/** Labels are printable and short: they go into every datagram and every log line about it. */
export const LABEL_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface FrameHeader {
  label: string;
  /** Present when signed, with ts, nonce and mac. */
  kid?: string;
  /** Sender's clock (ms since the epoch) when it signed. */
  ts?: number;
  /** 12 random bytes, base64url: tells two frames of the same millisecond apart. */
  nonce?: string;
  /** Datagrams only: the node id it is meant for. */
  to?: number;
  /** HMAC-SHA256, base64url (43 characters). */
  mac?: string;
}

const START = Buffer.from('{"cluster":');
const CLOSE = 0x7d; // "}"
/** Longer than any valid header (the label is at most 64 characters), so the scan stays bounded. */
const MAX_HEADER_BYTES = 320;
const HEADER =
  /^\{"cluster":\{"v":1,"label":"([A-Za-z0-9._-]{0,64})"(?:,"kid":"([0-9a-f]{8})","ts":([0-9]{1,15}),"nonce":"([A-Za-z0-9_-]{16})"(?:,"to":([0-9]{1,8}))?,"mac":"([A-Za-z0-9_-]{43})")?\},"msg":/;

export type ParsedFrame =
  | { kind: "raw" }
  | { kind: "bad"; reason: string }
  /** `head`: for a signed frame, its bytes up to the MAC (what the MAC covers besides the payload). */
  | { kind: "frame"; header: FrameHeader; payload: Buffer; head?: Buffer };

/** `,"mac":"` + 43 characters + `"},"msg":`: what follows the signed head in a signed frame. */
const MAC_TAIL = 8 + 43 + 9;

/** Splits `bytes` into header and payload; "raw" when it is not a frame at all. Never throws. */
export function parseFrame(bytes: Buffer): ParsedFrame {
  if (bytes.length < START.length || !bytes.subarray(0, START.length).equals(START)) return { kind: "raw" };
  const head = bytes.toString("latin1", 0, Math.min(bytes.length, MAX_HEADER_BYTES));
  const match = HEADER.exec(head);
  if (match === null) return { kind: "bad", reason: "the cluster header does not follow the frame grammar" };
  if (bytes[bytes.length - 1] !== CLOSE || bytes.length < match[0].length + 2) {
    return { kind: "bad", reason: "the frame does not end with its payload and a closing brace" };
  }
  const [, label = "", kid, ts, nonce, to, mac] = match;
  const payload = bytes.subarray(match[0].length, bytes.length - 1);
  if (kid === undefined) return { kind: "frame", header: { label }, payload };
  const header: FrameHeader = { label, kid, ts: Number(ts), nonce: nonce as string, mac: mac as string };
  if (to !== undefined) header.to = Number(to);
  return { kind: "frame", header, payload, head: bytes.subarray(0, match[0].length - MAC_TAIL) };
}

/** A signed frame's head: everything before its MAC, fields in the grammar's order. */
export function signedHead(header: FrameHeader): string {
  const to = header.to !== undefined ? `,"to":${header.to}` : "";
  return `{"cluster":{"v":${FRAME_VERSION},"label":"${header.label}","kid":"${header.kid}","ts":${header.ts},"nonce":"${header.nonce}"${to}`;
}

/** A signed frame from its head, MAC and payload. */
export function formatSigned(head: string, mac: string, payload: string): string {
  return `${head},"mac":"${mac}"},"msg":${payload}}`;
}

/** A frame that only carries a label. */
export function formatLabelled(label: string, payload: string): string {
  return `{"cluster":{"v":${FRAME_VERSION},"label":"${label}"},"msg":${payload}}`;
}

/** Bytes a frame adds around its payload, at most: receivers allow this much over their cap. */
export const MAX_FRAME_OVERHEAD = MAX_HEADER_BYTES + 1;
