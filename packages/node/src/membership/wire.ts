// The membership datagrams (UDP, one JSON object each) and how a full view is split to fit the size cap.
import type { MemberRecord } from "./types.js";

/** Direct probe. `updates` piggybacks recent changes. */
export interface PingMessage {
  type: "ping";
  from: number;
  seq: number;
  updates?: MemberRecord[];
}

/** Answer to a ping, or an indirect ack forwarded by the member we asked (then `target` is the probed id). */
export interface AckMessage {
  type: "ack";
  from: number;
  seq: number;
  target?: number;
  updates?: MemberRecord[];
}

/** "Please ping `target` at addr:port for me and forward its ack with my `seq`." */
export interface PingReqMessage {
  type: "ping-req";
  from: number;
  seq: number;
  target: number;
  addr: string;
  port: number;
  /** Lifeguard: answer with a nack if the target does not ack within the probe timeout. */
  nack?: boolean;
  updates?: MemberRecord[];
}

/** "I asked `target` for you (your `seq`) and it did not answer in time": our own link works. */
export interface NackMessage {
  type: "nack";
  from: number;
  seq: number;
  target: number;
}

/** Anti-entropy: part `part` of `parts` of the sender's full view; part 0 asks for a sync-ack. */
export interface SyncMessage {
  type: "sync" | "sync-ack";
  from: number;
  part: number;
  parts: number;
  members: MemberRecord[];
}

/** Gossip: recent changes, sent to a few random members each gossip tick. */
export interface UpdateMessage {
  type: "update";
  from: number;
  updates: MemberRecord[];
}

/** Graceful stop: the sender leaves for good. */
export interface LeaveMessage {
  type: "leave";
  from: number;
  inc: number;
}

export type MembershipMessage =
  PingMessage | AckMessage | PingReqMessage | NackMessage | SyncMessage | UpdateMessage | LeaveMessage;

export function encodeMessage(msg: MembershipMessage): string {
  return JSON.stringify(msg);
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * Splits records into groups whose JSON stays under `budget` bytes, keeping every group non-empty.
 * Each group is self-contained (records merge independently), so no reassembly is needed.
 */
export function splitRecords(records: MemberRecord[], budget: number): MemberRecord[][] {
  const groups: MemberRecord[][] = [];
  let current: MemberRecord[] = [];
  let size = 0;
  for (const r of records) {
    const n = byteLength(JSON.stringify(r)) + 1;
    if (current.length > 0 && size + n > budget) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += n;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Room left for records in one datagram once the envelope is counted (generous for keys and numbers). */
export const ENVELOPE_ALLOWANCE = 200;
