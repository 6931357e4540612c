// The responder's side: validate a join request, keep node ids unique, and build the response.
import {
  joinResponse,
  parseJsonLine,
  errorReply,
  validateJoinRequest,
  type ErrorReply,
  type JoinRequest,
  type JoinResponse,
  type NodeInfo,
  type WireRole,
} from "@joinlab/protocol";
import { formatHostPort, stripCidr } from "../host-port.js";
import type { NodeLogger } from "../log/node-logger.js";
import { freshNodeId } from "../node-id.js";

/**
 * Adds optional fields to a join response (the membership view). Must not touch the envelope.
 * `connection.local`: the address the joiner reached this node at (its own IP on that network).
 */
export type ResponseExtension = (
  request: JoinRequest,
  joinerId: number,
  connection: { local?: string },
) => Record<string, unknown>;

export interface ResponderContext {
  logger: NodeLogger;
  self: () => NodeInfo;
  /**
   * Who holds `nodeId` ("host:port", or a description that matches no address when the id must not
   * be reused at all); undefined when it is free. The node asks its membership view.
   */
  holderOf: (nodeId: number) => string | undefined;
  /** True if a fresh id must avoid `nodeId` (any id this node has ever recorded). */
  isTaken: (nodeId: number) => boolean;
  role: () => WireRole;
  extensions: readonly ResponseExtension[];
}

export function answerLine(ctx: ResponderContext, line: Buffer, remote: string, local?: string): unknown {
  const parsed = parseJsonLine(line);
  if (!parsed.ok) return refuse(ctx, remote, parsed.code, parsed.reason);
  const checked = validateJoinRequest(parsed.value);
  if (!checked.ok) return refuse(ctx, remote, "invalid-message", `not a join request: ${checked.reason}`);
  return answerJoin(ctx, checked.value, remote, local);
}

/** `remote`: the connection's other end, logged so the joiner's request.sent (its `local`) pairs with it. */
export function answerJoin(
  ctx: ResponderContext,
  request: JoinRequest,
  remote?: string,
  local?: string,
): JoinResponse {
  const { logger } = ctx;
  const self = ctx.self();
  const joiner = request.source;
  const address = formatHostPort(stripCidr(joiner.nodeIpAddr), joiner.Port);
  logger.info({
    event: "join.request.received",
    message: `join request from node ${joiner.nodeId} at ${address}`,
    peer: address,
    peerId: joiner.nodeId,
    text: request.message,
    ...(remote ? { remote } : {}),
  });

  // The same id at the same address is that node asking again (a retry): it keeps its id.
  const holder = ctx.holderOf(joiner.nodeId);
  const clash = holder !== undefined && holder !== address;
  const nodeId = clash ? freshNodeId(ctx.isTaken) : joiner.nodeId;

  // The node's own extension records the joiner in its view (and adds the view for it).
  const extra: Record<string, unknown> = {};
  const connection = local === undefined ? {} : { local };
  for (const extend of ctx.extensions) Object.assign(extra, extend(request, nodeId, connection));
  const role = ctx.role();
  const response = joinResponse(self, joiner, role, { ...extra, assignedNodeId: clash ? nodeId : undefined });
  logger.info({
    event: "join.response.sent",
    message: clash
      ? `answered node ${joiner.nodeId} as ${role}; its id is taken by ${holder}, so it gets id ${nodeId}`
      : `answered node ${joiner.nodeId} as ${role}`,
    peer: address,
    peerId: nodeId,
    role,
    ...(clash ? { requestedNodeId: joiner.nodeId } : {}),
    ...(remote ? { remote } : {}),
  });
  return response;
}

function refuse(ctx: ResponderContext, remote: string, code: ErrorReply["code"], reason: string): ErrorReply {
  ctx.logger.warn({ event: "protocol.error", message: `${remote}: ${reason}`, remote, code, reason });
  return errorReply(code, reason);
}
