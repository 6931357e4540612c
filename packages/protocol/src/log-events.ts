// The node's structured log line: one JSON object per line on stdout. The orchestrator merges and
// checks these, so names here are a stable contract (docs/protocol.md lists them).

export const NODE_EVENTS = [
  "node.started", // process up, flags parsed (fields: port, advertise, clusterip, makeMasterOnError)
  "join.request.sent", // joiner wrote its request (peer = the cluster address it dialled)
  "join.response.received", // joiner read the response (peerId = responder's id)
  "join.failed", // the cluster address did not answer (fields: reason)
  "node.joined", // role settled as member after a successful join
  "master.started", // role settled as master (no cluster answered and makeMasterOnError)
  "node.quitting", // no cluster answered and no makeMasterOnError: exits non-zero
  "node.listening", // accepting connections (fields: port)
  "node.ready", // joined or master and listening: what health checks wait for
  "join.request.received", // a peer asked to join through us (peerId = its id, peer = its address)
  "join.response.sent", // we answered that request
  "node.id.reassigned", // our id was taken in the cluster; the responder gave us a fresh one
  "protocol.error", // a peer sent something we could not accept (fields: code, reason)
  "connection.rejected", // over the inbound connection cap
  "node.stopping", // SIGTERM/SIGINT received
  "node.stopped", // clean exit
  "node.fatal", // start-up failed (port in use, bad address, ...): exits non-zero
  "auth.rejected", // a datagram or join line did not verify (fields: transport, reason, count)
  // Membership (failure detection, failover): see docs/protocol.md.
  "member.joined",
  "member.suspect",
  "member.alive",
  "member.failed",
  "member.left",
  "master.elected",
  "master.resigned",
] as const;

export type NodeEvent = (typeof NODE_EVENTS)[number];

export type Role = "joining" | "member" | "master";

/** One line of a node's log. Extra event-specific fields are allowed; keep a line far below 16 KiB. */
export interface NodeLogLine {
  /** ISO-8601 time with milliseconds, from the node's clock. */
  time: string;
  level: "error" | "warn" | "info" | "debug";
  /** Per-process sequence number, 1, 2, 3, ...: orders lines of one node when timestamps tie. */
  seq: number;
  nodeId: number;
  event: NodeEvent;
  /** Human sentence. */
  message: string;
  /** The other side, as "host:port", when there is one. */
  peer?: string;
  /** The other side's node id, when known. */
  peerId?: number;
  [field: string]: unknown;
}
