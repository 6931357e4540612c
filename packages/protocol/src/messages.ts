// The join protocol's message types, exactly as docs/protocol.md describes them.
// A seed (Go) node sends and accepts the envelope below; everything joinlab adds is optional and
// additive, because the seed's decoder ignores keys it does not know.

/** Who a message is from or to. `Port` is capitalised because the seed's struct tag is broken. */
export interface NodeInfo {
  /** Random id in [0, 99_999_998]; -1 when the sender does not know the id of the node it dials. */
  nodeId: number;
  /** Advertised address. The seed sends CIDR text such as "127.0.0.1/8"; joinlab sends a reachable host. */
  nodeIpAddr: string;
  /** TCP port as a decimal string. Input may spell the key `port` or `Port` (any case, like Go). */
  Port: string;
}

/** The seed's only message: a join request or its response, one JSON object per line. */
export interface JoinEnvelope {
  source: NodeInfo;
  dest: NodeInfo;
  message: string;
}

/**
 * joinlab's additive request marker: "this joiner speaks the membership protocol (UDP)". A request
 * without it comes from a seed node (docs/membership.md). Unknown keys inside it are ignored.
 */
export interface MembershipMarker {
  /** The joiner's process start time (ms since the epoch): tells a restart from the old process. */
  gen: number;
}

/** A join request: the seed envelope, plus joinlab's marker after `message` (absent from a seed node). */
export interface JoinRequest extends JoinEnvelope {
  membership?: MembershipMarker;
}

/** What the responding node is: joinlab adds this to its response (a seed node sends no role). */
export type WireRole = "master" | "member";

/**
 * A response from a joinlab node: the seed envelope plus optional, additive fields. Later features
 * (membership) add more optional keys here; a seed joiner ignores all of them.
 */
export interface JoinResponse extends JoinEnvelope {
  role?: WireRole;
  /** Present when the joiner's id is already taken in the cluster: the joiner must adopt this id. */
  assignedNodeId?: number;
  /** The responder's membership view (docs/membership.md); validated by the membership engine. */
  members?: unknown;
  [extra: string]: unknown;
}

/** Default texts, byte for byte the seed's. */
export const SEED_REQUEST_TEXT = "Hi nody.. 请添加我到集群..";
export const SEED_RESPONSE_TEXT = "Sure buddy.. too easy..";

/** Largest id the seed's rand.Intn(99999999) can produce. */
export const MAX_NODE_ID = 99_999_998;
/** dest.nodeId when the joiner does not know whom it dials. */
export const UNKNOWN_NODE_ID = -1;

/** Errors are data (Maelstrom-style): a reply the node sends instead of a response, then closes. */
export interface ErrorReply {
  type: "error";
  code: ErrorCode;
  text: string;
}

export const ERROR_CODES = [
  "malformed-json", // the line is not JSON (or not UTF-8)
  "invalid-message", // JSON, but not a join request: wrong type, missing field, out-of-range value
  "line-too-long", // the line crossed the size cap before its newline
  "too-deep", // nesting deeper than the cap, refused before parsing
  "request-timeout", // no complete line before the absolute per-connection deadline
  "too-many-connections", // over the inbound connection cap
  "auth-required", // the cluster has a key and the request was not signed (a seed node, or no key)
  "auth-failed", // signed, but it did not verify (unknown key, bad MAC, stale, replay)
  "wrong-label", // another cluster's label, or none where this node has one
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
