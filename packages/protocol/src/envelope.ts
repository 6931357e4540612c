// Builds outgoing messages with the seed's exact key order, so our bytes match a Go node's.
import {
  SEED_REQUEST_TEXT,
  SEED_RESPONSE_TEXT,
  UNKNOWN_NODE_ID,
  type ErrorCode,
  type ErrorReply,
  type JoinRequest,
  type JoinResponse,
  type MembershipMarker,
  type NodeInfo,
  type WireRole,
} from "./messages.js";

/** Go's json.Encoder writes struct fields in declaration order: nodeId, nodeIpAddr, Port. */
export function nodeInfo(nodeId: number, nodeIpAddr: string, port: string | number): NodeInfo {
  return { nodeId, nodeIpAddr, Port: String(port) };
}

/**
 * What a joiner sends: dest.nodeId is -1 because it does not know whom it dials. joinlab's
 * `membership` marker, when given, comes after the seed's keys, so the seed's bytes stay a prefix.
 */
export function joinRequest(
  source: NodeInfo,
  destHost: string,
  destPort: string | number,
  membership?: MembershipMarker,
): JoinRequest {
  const request: JoinRequest = {
    source: nodeInfo(source.nodeId, source.nodeIpAddr, source.Port),
    dest: nodeInfo(UNKNOWN_NODE_ID, destHost, destPort),
    message: SEED_REQUEST_TEXT,
  };
  if (membership !== undefined) request.membership = { gen: membership.gen };
  return request;
}

/**
 * What a responder sends: the seed envelope (dest echoes the joiner's source), then joinlab's
 * additive fields. Extra keys that a case-insensitive (Go) decoder would read as an envelope
 * field are dropped, so an extension can never change what a seed node sees.
 */
export function joinResponse(
  source: NodeInfo,
  joiner: NodeInfo,
  role: WireRole,
  extra: { assignedNodeId?: number; [key: string]: unknown } = {},
): JoinResponse {
  const response: JoinResponse = {
    source: nodeInfo(source.nodeId, source.nodeIpAddr, source.Port),
    dest: nodeInfo(joiner.nodeId, joiner.nodeIpAddr, joiner.Port),
    message: SEED_RESPONSE_TEXT,
    role,
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined && !ENVELOPE_KEYS.has(key.toLowerCase())) response[key] = value;
  }
  return response;
}

const ENVELOPE_KEYS = new Set(["source", "dest", "message", "role"]);

export function errorReply(code: ErrorCode, text: string): ErrorReply {
  return { type: "error", code, text };
}
