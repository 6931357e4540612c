// Shared data types of the membership engine: member records, events and the engine's output.
import type { MemberState, MembershipLogEvent } from "@joinlab/protocol";

/** Roles are sticky: a member keeps its role until it promotes itself or resigns. */
export type MemberRole = "master" | "member";

export type { MemberState };

/** One member as every node stores it and as it travels on the wire (compact keys keep datagrams small). */
export interface MemberRecord {
  id: number;
  /** Advertised host (IP or DNS name): where its TCP and UDP ports are reachable. */
  addr: string;
  port: number;
  role: MemberRole;
  state: MemberState;
  /** Bumped only by the member itself (refutation, role change): orders claims about it. */
  inc: number;
  /** Master epoch of its claim when role is master; the highest epoch it knew otherwise. */
  epoch: number;
  /** Process start time (ms since epoch): a restart at the same addr:port has a larger gen and wins. */
  gen: number;
  /**
   * Its IPv4 address, in the member's own word (the local end of a join connection), when `addr` is
   * a name: datagrams go here, so no node looks a member's name up. A lookup through Docker's DNS
   * can take a second or fail while the engine starts containers (docs/membership.md).
   */
  ip?: string;
  /** A seed (Go) node: joined by TCP only, speaks no UDP, so it is never probed (see docs/membership.md). */
  seed?: boolean;
  /** On a suspect record only: who accused it (its own probe failed), so others can count independent confirmations. */
  by?: number;
}

/** What the node knows about itself when it creates the engine. */
export interface SelfInfo {
  id: number;
  addr: string;
  port: number;
  role: MemberRole;
  /** Process start time (ms); defaults to the engine's creation time. The node passes what its join request announced. */
  gen?: number;
  /** Its IPv4 address, if known at start (see MemberRecord.ip). */
  ip?: string;
}

/** A joiner as the node read it from a TCP join request. */
export interface JoinerInfo {
  id: number;
  addr: string;
  port: number;
  /** True when the request lacks joinlab's additive membership field: a seed node, no UDP. */
  seed?: boolean;
  /** The joiner's process start time if it sent one; the admission time otherwise. */
  gen?: number;
}

export type { MembershipEventName } from "@joinlab/protocol";

/** One log-worthy change; the node adds time, seq and its own id (the contract: @joinlab/protocol). */
export type MembershipEvent = MembershipLogEvent;

/** Where a datagram came from (the UDP source); replies go there. */
export interface Sender {
  addr: string;
  port: number;
}

/** Where datagrams for a member go: its own IPv4 address when it told us one, else its advertised host. */
export function deliveryAddress(rec: Pick<MemberRecord, "addr" | "port" | "ip">): Sender {
  return { addr: rec.ip ?? rec.addr, port: rec.port };
}

/** A datagram the engine wants sent. */
export interface Outgoing {
  addr: string;
  port: number;
  /** The member it is meant for (absent for a ping-req target we do not know). */
  toId?: number;
  msg: import("./wire.js").MembershipMessage;
}

/** What every engine call returns: datagrams to send now and events to log. */
export interface Output {
  send: Outgoing[];
  events: MembershipEvent[];
}
