// Every expected joiner's handshake, matched across containers: it dialled the address the
// scenario gave it, the node it dialled logged the request from it (from its advertised address),
// answered it, and the joiner received the answer from that node.
import { joinRetryFigures } from "./join-attempts.js";
import type { CheckContext, CheckResult, EventEntry, ObservedNode } from "./types.js";
import { describeEvents, describeFate } from "./types.js";

export function checkHandshakes(ctx: CheckContext): CheckResult {
  const log = new HandshakeLog(ctx);
  const joiners = ctx.nodes.filter((n) => "role" in n.spec.expect && n.spec.expect.role === "member");
  const handshakes = joiners.map((joiner) => new Handshake(log, joiner));
  const matched = handshakes.filter((h) => h.match()).length;
  const errors = handshakes.flatMap((h) => h.errors);
  const unknown = handshakes.flatMap((h) => h.unknown);
  const { retried, failedAttempts } = joinRetryFigures(ctx.timeline);
  const retries = retried
    ? `; ${retried} joiner(s) got through after ${failedAttempts} failed attempt(s)`
    : "";
  return {
    name: "handshakes",
    valid: errors.length > 0 ? false : unknown.length > 0 ? "unknown" : true,
    summary: `${matched}/${joiners.length} join handshakes matched across nodes (request → received → response → received)${retries}`,
    errors: [...errors, ...unknown],
  };
}

/** The node log lines of the run, their positions in the merged timeline, and the nodes by name. */
class HandshakeLog {
  readonly events: EventEntry[];
  readonly byName: ReadonlyMap<string, ObservedNode>;
  readonly #position: ReadonlyMap<unknown, number>;

  constructor(readonly ctx: CheckContext) {
    this.events = ctx.timeline.filter((e): e is EventEntry => e.kind === "event");
    this.#position = new Map(ctx.timeline.map((e, i) => [e, i] as const));
    this.byName = new Map(ctx.nodes.map((n) => [n.name, n] as const));
  }

  position(e: EventEntry): number {
    return this.#position.get(e)!;
  }
}

/** One joiner's handshake, step by step; each step that fails says why and ends the match. */
class Handshake {
  readonly errors: string[] = [];
  readonly unknown: string[] = [];

  constructor(
    private readonly log: HandshakeLog,
    private readonly joiner: ObservedNode,
  ) {}

  match(): boolean {
    if (this.joiner.logError) return this.#cannotTell(this.joiner);
    const sent = this.#requestSent();
    if (!sent) return false;
    const received = this.#requestReceived(sent);
    if (!received) return false;
    const answered = this.#responseSent(sent, received);
    if (!answered) return false;
    const read = this.#responseReceived(sent, received);
    if (!read) return false;
    return this.#inOrder([sent, received, answered, read], received);
  }

  /**
   * The request that got through: the last one sent before the joiner read its response (earlier
   * attempts of a --joinDeadline retry failed and are not judged), or the last one sent at all.
   */
  #requestSent(): EventEntry | undefined {
    const { joiner, log } = this;
    const mine = log.events.filter((e) => e.node === joiner.name);
    const read = mine.find((e) => e.line.event === "join.response.received");
    const sent = mine
      .filter((e) => e.line.event === "join.request.sent" && (!read || log.position(e) < log.position(read)))
      .at(-1);
    if (!sent) {
      const events = joiner.started ? `${describeEvents(this.log.ctx, joiner.name)}; ` : "";
      return this.#fail(
        `${joiner.name}: expected a join request to ${joiner.clusterip}; it sent none (${events}${describeFate(joiner)})`,
      );
    }
    if (sent.line.peer !== joiner.clusterip) {
      this.errors.push(
        `${joiner.name}: expected to dial ${joiner.clusterip} (the scenario's cluster address); it dialled ${sent.line.peer ?? "(no peer logged)"}`,
      );
    }
    return sent;
  }

  /** The request as the node the joiner dialled logged it (any node, for a literal address). */
  #requestReceived(sent: EventEntry): EventEntry | undefined {
    const { joiner } = this;
    const joinerId = sent.line.nodeId;
    const received = this.log.events.filter(
      (e) => e.line.event === "join.request.received" && e.line.peerId === joinerId,
    );
    const target =
      typeof joiner.spec.clusterip === "string" ? this.log.byName.get(joiner.spec.clusterip) : undefined;
    const here = sameConnection(sent, target ? received.filter((e) => e.node === target.name) : received);
    if (!here) return this.#notReceived(joinerId, target, received);
    if (here.line.peer !== undefined && here.line.peer !== joiner.address) {
      this.errors.push(
        `${here.node}: logged ${joiner.name}'s request as coming from ${here.line.peer}; ${joiner.name} advertises ${joiner.address}`,
      );
    }
    return here;
  }

  /** Unreadable output at the target cannot tell; otherwise say who got the request instead, if anyone. */
  #notReceived(joinerId: number, target: ObservedNode | undefined, received: EventEntry[]): undefined {
    const { joiner } = this;
    if (target?.logError) {
      this.#cannotTell(target);
      return undefined;
    }
    const elsewhere = received.map((e) => e.node).join(", ");
    return this.#fail(
      `${joiner.name}: its join request (id ${joinerId}) to ${joiner.clusterip} was never logged as received by ${target?.name ?? joiner.clusterip}${elsewhere ? `; received by ${elsewhere} instead` : ""}`,
    );
  }

  #responseSent(sent: EventEntry, received: EventEntry): EventEntry | undefined {
    const { joiner, log } = this;
    const joinerId = sent.line.nodeId;
    const answered = log.events.find(
      (e) =>
        e.node === received.node &&
        e.line.event === "join.response.sent" &&
        e.line.peerId === joinerId &&
        log.position(e) > log.position(received) &&
        sameRemote(e, received),
    );
    if (!answered) {
      return this.#fail(
        `${received.node}: received ${joiner.name}'s join request (id ${joinerId}) but never logged a response to it`,
      );
    }
    if (answered.line.peer !== undefined && answered.line.peer !== joiner.address) {
      this.errors.push(
        `${received.node}: its response to ${joiner.name} names ${answered.line.peer} as dest; the request's source was ${joiner.address}`,
      );
    }
    return answered;
  }

  #responseReceived(sent: EventEntry, received: EventEntry): EventEntry | undefined {
    const { joiner, log } = this;
    const read = log.events.find(
      (e) =>
        e.node === joiner.name &&
        e.line.event === "join.response.received" &&
        log.position(e) > log.position(sent),
    );
    if (!read) {
      return this.#fail(
        `${joiner.name}: ${received.node} answered its join request but ${joiner.name} never logged receiving it (${describeFate(joiner)})`,
      );
    }
    const responderId = received.line.nodeId;
    if (read.line.peerId !== responderId) {
      return this.#fail(
        `${joiner.name}: expected the response from ${received.node} (id ${responderId}); it logged one from id ${read.line.peerId}`,
      );
    }
    return read;
  }

  #inOrder(steps: EventEntry[], received: EventEntry): boolean {
    const order = steps.map((e) => this.log.position(e));
    if (order.every((p, i) => i === 0 || p > order[i - 1]!)) return true;
    this.errors.push(
      `${this.joiner.name} ↔ ${received.node}: the merged log does not order request.sent < request.received < response.sent < response.received`,
    );
    return false;
  }

  #fail(error: string): undefined {
    this.errors.push(error);
    return undefined;
  }

  #cannotTell(node: ObservedNode): false {
    this.unknown.push(`${node.name}: output unreadable (${node.logError})`);
    return false;
  }
}

/** A connection end as both sides log it (the responder may see IPv4 as ::ffff:10.0.0.3). */
function connectionEnd(address: unknown): string | undefined {
  return typeof address === "string" ? address.replace(/^\[?::ffff:([0-9.]+)\]?:/, "$1:") : undefined;
}

/**
 * Of the receipts of one joiner's requests, the one of `sent`: paired by the joiner's `local` and
 * the responder's `remote` when both logged them (a retried join sends several requests), else
 * the first.
 */
function sameConnection(sent: EventEntry, received: EventEntry[]): EventEntry | undefined {
  const local = connectionEnd(sent.line.event === "join.request.sent" ? sent.line.local : undefined);
  const paired = received.filter((e) => "remote" in e.line && e.line.remote !== undefined);
  if (local === undefined || paired.length === 0) return received[0];
  return paired.find((e) => connectionEnd((e.line as { remote?: string }).remote) === local);
}

/** The response went out on the connection its request came in on (when both are logged). */
function sameRemote(answered: EventEntry, received: EventEntry): boolean {
  const a = (answered.line as { remote?: string }).remote;
  const b = (received.line as { remote?: string }).remote;
  return a === undefined || b === undefined || a === b;
}
