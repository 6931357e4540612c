// Glue between a node and its membership engine: starting the UDP runner, the join flow's fields, log lines.
import type { JoinRequest, JoinResponse } from "@joinlab/protocol";
import type { DatagramFraming } from "./auth/datagram-framing.js";
import { stripCidr } from "./host-port.js";
import type { NodeLogger } from "./log/node-logger.js";
import { udpBindHost } from "./ports.js";
import {
  EarlyAcker,
  MembershipRunner,
  type UdpTransport,
  type JoinerInfo,
  type MemberRecord,
  type MemberRole,
  type MembershipConfig,
  type MembershipEvent,
} from "./membership/index.js";

/**
 * Most bytes of `members` in one join response. A joiner refuses lines over its --maxLineBytes
 * (64 KiB by default); a view larger than this (~250 members, or a pile of seed joiners) is cut,
 * and the joiner learns the rest by push-pull within a sync period.
 */
export const MAX_RESPONSE_MEMBERS_BYTES = 32 * 1024;

export interface NodeMembershipOptions {
  id: number;
  /** Advertised host: where peers send datagrams. */
  addr: string;
  /** The node's TCP port; UDP uses the same number. */
  port: number;
  role: MemberRole;
  /** Process start (ms), as announced in our join request's marker. */
  gen: number;
  /** Our end of the join connection (an IP): stated as our own address (MemberRecord.ip). */
  local?: string | undefined;
  /** --listenHost; UDP binds it when it is an IPv4 address (the transport is IPv4 only). */
  listenHost?: string;
  config?: Partial<MembershipConfig>;
  logger: NodeLogger;
  /** Cluster key and label for the datagrams (undefined result: plain). */
  framing?: (selfId: number) => DatagramFraming | undefined;
  /** Called after master.elected / master.resigned: the node's role may have changed. */
  onRoleEvent: () => void;
  /** The socket bound before the join (EarlyAcker.handOver), on `port`; else one is bound here. */
  transport?: UdpTransport;
}

/** Binds a joiner's UDP socket before its join, answering pings until the engine takes it over. */
export function bindEarlyAcker(
  opts: Pick<NodeMembershipOptions, "id" | "port" | "listenHost" | "config" | "framing">,
): Promise<EarlyAcker> {
  const maxDatagramBytes = opts.config?.maxDatagramBytes;
  const framing = opts.framing?.(opts.id);
  return EarlyAcker.bind(opts.id, {
    port: opts.port,
    host: udpBindHost(opts.listenHost),
    ...(maxDatagramBytes !== undefined ? { maxDatagramBytes } : {}),
    ...(framing !== undefined ? { framing } : {}),
  });
}

/** Binds UDP (unless handed a socket) and starts the engine; rejects with the bind error (errno `code` kept). */
export function startMembership(opts: NodeMembershipOptions): Promise<MembershipRunner> {
  const { logger, onRoleEvent } = opts;
  return MembershipRunner.start({
    self: {
      id: opts.id,
      addr: opts.addr,
      port: opts.port,
      role: opts.role,
      gen: opts.gen,
      ...(opts.local !== undefined ? { ip: opts.local } : {}),
    },
    bindHost: udpBindHost(opts.listenHost),
    ...(opts.transport !== undefined ? { transport: opts.transport } : {}),
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.framing !== undefined ? { framing: opts.framing } : {}),
    onEvent: (e) => {
      logMembershipEvent(logger, e);
      if (e.event === "master.elected" || e.event === "master.resigned") onRoleEvent();
    },
  });
}

/** One engine event as one node log line: invalid datagrams are warnings, the rest information. */
export function logMembershipEvent(logger: NodeLogger, e: MembershipEvent): void {
  logger.log(e.event === "protocol.error" ? "warn" : "info", e);
}

/** The joiner as the engine wants it: no marker means a seed node (no UDP, never probed). */
export function joinerFromRequest(request: JoinRequest, joinerId: number): JoinerInfo {
  const info: JoinerInfo = {
    id: joinerId,
    addr: stripCidr(request.source.nodeIpAddr),
    port: Number(request.source.Port),
    seed: request.membership === undefined,
  };
  if (request.membership !== undefined) info.gen = request.membership.gen;
  return info;
}

/** The node that answered our join, from its response's envelope. */
export function responderFromResponse(response: JoinResponse): JoinerInfo {
  return {
    id: response.source.nodeId,
    addr: stripCidr(response.source.nodeIpAddr),
    port: Number(response.source.Port),
  };
}

/**
 * The `members` field of a join response, cut to MAX_RESPONSE_MEMBERS_BYTES if need be. What is
 * kept first: the responder and the joiner, then masters, then joinlab members, then seed nodes.
 */
export function membersForResponse(
  members: MemberRecord[],
  responderId: number,
  joinerId: number,
  budget = MAX_RESPONSE_MEMBERS_BYTES,
): MemberRecord[] {
  if (Buffer.byteLength(JSON.stringify(members)) <= budget) return members;
  const rank = (r: MemberRecord): number =>
    r.id === responderId || r.id === joinerId ? 0 : r.role === "master" ? 1 : r.seed ? 3 : 2;
  const kept: MemberRecord[] = [];
  let bytes = 2; // the brackets
  for (const r of [...members].sort((a, b) => rank(a) - rank(b))) {
    const size = Buffer.byteLength(JSON.stringify(r)) + 1;
    if (bytes + size > budget) continue;
    bytes += size;
    kept.push(r);
  }
  return kept.sort((a, b) => a.id - b.id);
}
