// Join handshakes, paired across nodes. The joiner's request.sent and the responder's
// request.received share the joiner's id (and, where the node logs them, the connection's
// addresses: the joiner's `local`, the responder's `remote`); the response.sent names the id the
// joiner ends up with (`requestedNodeId` the one it asked with); the joiner's own next
// response.received or join.failed closes its attempt (one attempt at a time per process).
import type { Handshake, ReportLogLine } from "./types.js";

export class HandshakeTracker {
  readonly handshakes: Handshake[] = [];
  /** The joiner lane's attempt in flight. */
  private readonly open = new Map<number, Handshake>();
  /** Handshakes whose request is not yet received, by the joiner's id. */
  private readonly unreceived = new Map<number, Handshake[]>();
  private readonly connOf = new Map<Handshake, string>();
  private readonly joinerIdOf = new Map<Handshake, number>();

  add(lane: number, line: ReportLogLine, i: number): void {
    switch (line.event) {
      case "join.request.sent":
        return this.requestSent(lane, line, i);
      case "join.request.received":
        return this.requestReceived(lane, line, i);
      case "join.response.sent":
        return this.responseSent(lane, line, i);
      case "join.response.received":
      case "join.failed":
        return this.closeAttempt(lane, line.event, i);
    }
  }

  private requestSent(lane: number, line: ReportLogLine, i: number): void {
    const h: Handshake = { joiner: lane, requestSent: i };
    this.handshakes.push(h);
    this.open.set(lane, h);
    this.joinerIdOf.set(h, line.nodeId);
    if (typeof line.local === "string") this.connOf.set(h, connectionEnd(line.local));
    const list = this.unreceived.get(line.nodeId) ?? [];
    list.push(h);
    this.unreceived.set(line.nodeId, list);
  }

  private requestReceived(lane: number, line: ReportLogLine, i: number): void {
    if (typeof line.peerId !== "number") return;
    const list = this.unreceived.get(line.peerId);
    if (!list?.length) return;
    const remote = typeof line.remote === "string" ? connectionEnd(line.remote) : undefined;
    const at = remote ? list.findIndex((h) => this.connOf.get(h) === remote) : 0;
    const h = list[at < 0 ? 0 : at]!;
    list.splice(at < 0 ? 0 : at, 1);
    h.responder = lane;
    h.requestReceived = i;
  }

  private responseSent(lane: number, line: ReportLogLine, i: number): void {
    const asked = typeof line.requestedNodeId === "number" ? line.requestedNodeId : line.peerId;
    for (const h of this.handshakes) {
      if (h.responder !== lane || h.responseSent !== undefined || h.requestReceived === undefined) continue;
      if (this.joinerIdOf.get(h) !== asked) continue;
      h.responseSent = i;
      return;
    }
  }

  private closeAttempt(lane: number, event: string, i: number): void {
    const h = this.open.get(lane);
    if (!h) return;
    this.open.delete(lane);
    if (event === "join.failed") h.failed = i;
    else h.responseReceived = i;
  }
}

/** host:port of one end of a TCP connection, the same however a socket spelled it (::ffff:, [v6]). */
function connectionEnd(text: string): string {
  const m = /^\[?(?:::ffff:)?(.*?)\]?:(\d+)$/i.exec(text);
  return m ? `${m[1]}:${m[2]}` : text;
}
