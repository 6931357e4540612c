// The node's structured log line: one JSON object per line on stdout. The node writes these and the
// orchestrator merges and checks them, so this table is their contract: every event, and the
// fields it carries beside the common ones (docs/protocol.md has a table per event).
import { oneOf, optional, type FieldsOf, type FieldTable, type Simplify } from "./log-fields.js";

/** What a node is while it runs: joining until its role settles. */
export type Role = "joining" | "member" | "master";

/**
 * A member as another node sees it. alive: answers probes. suspect: missed a probe, may still
 * refute. failed: suspicion expired. left: announced a graceful stop, or was replaced by a restart
 * at the same address (terminal).
 */
export type MemberState = "alive" | "suspect" | "failed" | "left";

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ROLE = oneOf("joining", "member", "master");
const WIRE_ROLE = oneOf("master", "member");
const STATE = oneOf("alive", "suspect", "failed", "left");

/** Why a join attempt failed; `unresolvable` is told apart because it is a configuration error. */
export const JOIN_FAILURE_KINDS = oneOf(
  "refused",
  "unresolvable",
  "timeout",
  "closed",
  "bad-response",
  "error-reply",
  "unauthenticated",
  "network",
  "aborted",
);

/** Why a datagram or join line failed the cluster key or label (docs/protocol.md, "How a verifier decides"). */
export const AUTH_REJECT_REASONS = oneOf(
  "unsigned", // no frame, or a frame without a MAC, where a key is required
  "bad-frame", // looks like a frame but does not follow its grammar
  "wrong-label", // another cluster's label (or none where one is required)
  "unexpected-key", // signed, but this node has no key to check it with
  "unknown-key", // signed with a key this node does not hold
  "bad-mac", // the MAC does not match: forged or altered
  "misdirected", // a datagram signed for another node
  "stale", // timestamp outside the window, or from before this node started
  "replay", // this exact frame was accepted before
);
export type AuthRejectReason = (typeof AUTH_REJECT_REASONS)[number];
export type JoinFailureKind = (typeof JOIN_FAILURE_KINDS)[number];

/** Fields every line carries, before its event's own. `peer`/`peerId` may appear on any event. */
export const COMMON_FIELDS = {
  /** ISO-8601 time with milliseconds, from the node's clock. */
  time: "string",
  level: LOG_LEVELS,
  /** Per-process sequence number, 1, 2, 3, ...: orders lines of one node when timestamps tie. */
  seq: "number",
  /** This node's id (-1 before it has one; changes once at node.id.reassigned). */
  nodeId: "number",
  /** --name, when given. */
  name: optional("string"),
  /** Human sentence. */
  message: "string",
  /** The other side, as "host:port", when there is one. */
  peer: optional("string"),
  /** The other side's node id, when known. */
  peerId: optional("number"),
} as const satisfies FieldTable;

/** Every event and its own fields (`peer`/`peerId` listed where the event always has them). */
export const LOG_EVENT_FIELDS = {
  /** Process up, flags parsed. */
  "node.started": {
    port: "number",
    advertise: "string",
    clusterip: "string",
    makeMasterOnError: "boolean",
    /** --joinDeadline, when given. */
    joinDeadlineMs: optional("number"),
    pid: "number",
    /** The ids of the cluster keys, signer first, comma-separated (never the keys). */
    clusterKeyIds: optional("string"),
    clusterLabel: optional("string"),
  },
  /**
   * The joiner is about to write its request (peer: the cluster address it dialled; local: its own
   * end of the connection, host:port, which the responder logs as `remote`: it pairs the two;
   * attempt: 1, 2, ... when --joinDeadline retries).
   */
  "join.request.sent": {
    peer: "string",
    dest: "node-info",
    local: optional("string"),
    attempt: optional("number"),
  },
  /** The joiner read a valid response (peerId: the responder's id). */
  "join.response.received": {
    peer: "string",
    peerId: "number",
    responderAddress: "string",
    responderRole: optional(WIRE_ROLE),
    text: "string",
  },
  /**
   * One attempt at the cluster address did not produce a valid response (attempt: 1, 2, ...;
   * willRetry: --joinDeadline leaves time for another, after retryInMs).
   */
  "join.failed": {
    peer: "string",
    kind: JOIN_FAILURE_KINDS,
    reason: "string",
    attempt: optional("number"),
    willRetry: optional("boolean"),
    retryInMs: optional("number"),
  },
  /**
   * Role settled as member after a successful join (earlyAcks: pings from peers that had already
   * heard of this node, answered while its join response was on its way; absent when none).
   */
  "node.joined": { role: oneOf("member"), peer: "string", peerId: "number", earlyAcks: optional("number") },
  /** Role settled as master (no cluster answered and --makeMasterOnError). */
  "master.started": { reason: "string" },
  /** No cluster answered and no --makeMasterOnError: exits non-zero. */
  "node.quitting": { reason: "string" },
  /** Accepting connections. */
  "node.listening": { port: "number", host: "string" },
  /** Joined or master, and listening: what the orchestrator waits for. */
  "node.ready": { role: ROLE, port: "number", readyFile: optional("string") },
  /**
   * A peer asked to join through this node (peer: its advertised address, peerId: its id; remote:
   * the connection's other end, host:port, the joiner's `local`).
   */
  "join.request.received": { peer: "string", peerId: "number", text: "string", remote: optional("string") },
  /** This node is about to write its answer (peerId: the id the joiner ends up with; remote as above). */
  "join.response.sent": {
    peer: "string",
    peerId: "number",
    role: WIRE_ROLE,
    requestedNodeId: optional("number"),
    remote: optional("string"),
  },
  /** This node's id was taken in the cluster; the responder gave it a fresh one. */
  "node.id.reassigned": { previousNodeId: "number", peerId: "number" },
  /**
   * A peer sent something this node could not accept. Over TCP: `remote`, `code`, `reason`
   * (socket and server errors: `remote` or nothing). An unreadable view in a join response:
   * `code`, `peer`, `peerId`. Invalid datagrams: `peer`, `code`, `transport: "udp"`, `count`.
   */
  "protocol.error": {
    remote: optional("string"),
    code: optional("string"),
    reason: optional("string"),
    transport: optional(oneOf("udp")),
    count: optional("number"),
  },
  /** Over the inbound connection cap. */
  "connection.rejected": { remote: "string", maxConnections: "number" },
  /** SIGTERM/SIGINT received. */
  "node.stopping": { role: ROLE },
  /** Clean stop complete. */
  "node.stopped": {},
  /** Start-up failed (port in use, bad address, ...): exits non-zero. */
  "node.fatal": { reason: "string" },
  /**
   * A datagram or join line failed the cluster key or label (rate-limited: `count` is how many
   * refusals this line stands for; kid and label as the frame carried them).
   */
  "auth.rejected": {
    peer: "string",
    transport: oneOf("udp", "tcp"),
    reason: AUTH_REJECT_REASONS,
    detail: "string",
    count: "number",
    kid: optional("string"),
    label: optional("string"),
  },
  /**
   * SIGHUP read --clusterKeyFile again: "reloaded" (keyIds: the new ones, signer first) or "kept"
   * (the file was unusable; reason says why, and the keys in use stay).
   */
  "auth.keyring": { outcome: oneOf("reloaded", "kept"), keyIds: "string", reason: optional("string") },
  /**
   * joinlab-rogue (the rogue-peer scenario's attacker): one attack sent (a join, or the first
   * round of a kind of datagram) and, for joins, what came back (`outcome`: an error code, or
   * "response" / "signed-reply" if it got in).
   */
  "rogue.attack": {
    attack: "string",
    transport: oneOf("udp", "tcp"),
    sent: "number",
    outcome: optional("string"),
  },
  /** joinlab-rogue's last line: what it sent, and everything the cluster let through or sent it. */
  "rogue.report": {
    datagramsSent: "number",
    joinsSent: "number",
    joinsAccepted: "number",
    datagramsReceived: "number",
    signedReceived: "number",
    capturedFrames: "number",
  },
  /** First time this node learns of a member (via: join, join-response, gossip or sync; by: who told). */
  "member.joined": {
    peerId: "number",
    peer: "string",
    role: WIRE_ROLE,
    inc: "number",
    via: "string",
    by: "number",
    seed: optional(oneOf(true)),
  },
  /** A member missed a probe (by: who accused it). */
  "member.suspect": { peerId: "number", peer: "string", inc: "number", by: "number" },
  /**
   * A suspect or failed member refuted (`by`, `previous`); or, with `self: true` and `refuted`,
   * this node refuted an accusation against itself.
   */
  "member.alive": {
    peerId: "number",
    peer: "string",
    inc: "number",
    by: optional("number"),
    previous: optional(STATE),
    refuted: optional(STATE),
    self: optional(oneOf(true)),
  },
  /**
   * This node's membership engine ran lateMs later than planned (its process was paused or starved
   * of CPU): the probe under way ended without a verdict, and its local health score rose to
   * healthScore.
   */
  "node.stalled": { lateMs: "number", healthScore: "number" },
  /** This node's suspicion timer for a member expired. */
  "member.failed": { peerId: "number", peer: "string", inc: "number", by: "number", previous: STATE },
  /**
   * A member left (reason "leave": graceful stop; "replaced": a restart at the same address, with
   * `replacedBy`); `self: true` when this node itself leaves.
   */
  "member.left": {
    peerId: "number",
    peer: "string",
    reason: oneOf("leave", "replaced"),
    inc: optional("number"),
    by: optional("number"),
    replacedBy: optional("number"),
    self: optional(oneOf(true)),
  },
  /**
   * The master this node sees changed (change: initial, the first it learns of; promoted, this node
   * just took over; changed, news of another). self: this node is the master.
   */
  "master.elected": {
    peerId: "number",
    peer: "string",
    epoch: "number",
    self: "boolean",
    change: oneOf("initial", "promoted", "changed"),
    previousId: optional("number"),
    previousEpoch: optional("number"),
  },
  /** This node stopped being master (better-claim names the winner in peerId/peer/winnerEpoch). */
  "master.resigned": {
    epoch: "number",
    reason: oneOf("better-claim", "no-quorum", "leave"),
    winnerEpoch: optional("number"),
  },
} as const satisfies Readonly<Record<string, FieldTable>>;

export type NodeEvent = keyof typeof LOG_EVENT_FIELDS;

export const NODE_EVENTS = Object.keys(LOG_EVENT_FIELDS) as NodeEvent[];

type PeerFields = FieldsOf<{ peer: typeof COMMON_FIELDS.peer; peerId: typeof COMMON_FIELDS.peerId }>;

/** One event's own fields. */
export type EventFields<E extends NodeEvent> = Simplify<
  Omit<PeerFields, keyof FieldsOf<(typeof LOG_EVENT_FIELDS)[E]>> & FieldsOf<(typeof LOG_EVENT_FIELDS)[E]>
>;

/** What the node logs: the event, its sentence and its fields (the logger adds time, level, seq, ids). */
export type NodeLogEvent = { [E in NodeEvent]: { event: E; message: string } & EventFields<E> }[NodeEvent];

/** One line of a node's log, as written. */
export type NodeLogLine = FieldsOf<Omit<typeof COMMON_FIELDS, "message" | "peer" | "peerId">> & NodeLogEvent;

/** The events the membership engine emits, and what it hands the node to log. */
export const MEMBERSHIP_EVENTS = [
  "member.joined",
  "member.suspect",
  "member.alive",
  "member.failed",
  "member.left",
  "node.stalled",
  "master.elected",
  "master.resigned",
  "protocol.error",
] as const satisfies readonly NodeEvent[];

export type MembershipEventName = (typeof MEMBERSHIP_EVENTS)[number];

export type MembershipLogEvent = Extract<NodeLogEvent, { event: MembershipEventName }>;

/** A line of one event, narrowed: `LogLineOf<"member.joined">`. */
export type LogLineOf<E extends NodeEvent> = Extract<NodeLogLine, { event: E }>;
