// Every expected joiner's handshake, matched across containers: it dialled the address the
// scenario gave it, the node it dialled logged the request from it (from its advertised address),
// answered it, and the joiner received the answer from that node.
import type { CheckContext, CheckResult, EventEntry, ObservedNode } from "./types.js";
import { describeEvents, describeFate } from "./types.js";

export function checkHandshakes(ctx: CheckContext): CheckResult {
  const errors: string[] = [];
  const unknown: string[] = [];
  const events = ctx.timeline.filter((e): e is EventEntry => e.kind === "event");
  const position = new Map(ctx.timeline.map((e, i) => [e, i] as const));
  const byName = new Map(ctx.nodes.map((n) => [n.name, n] as const));
  let matched = 0;
  const joiners = ctx.nodes.filter((n) => "role" in n.spec.expect && n.spec.expect.role === "member");

  for (const joiner of joiners) {
    if (joiner.logError) {
      unknown.push(`${joiner.name}: output unreadable (${joiner.logError})`);
      continue;
    }
    const target = typeof joiner.spec.clusterip === "string" ? byName.get(joiner.spec.clusterip) : undefined;
    const sent = events.find((e) => e.node === joiner.name && e.line.event === "join.request.sent");
    if (!sent) {
      errors.push(
        `${joiner.name}: expected a join request to ${joiner.clusterip}; it sent none (${joiner.started ? describeEvents(ctx, joiner.name) + "; " : ""}${describeFate(joiner)})`,
      );
      continue;
    }
    if (sent.line.peer !== joiner.clusterip) {
      errors.push(
        `${joiner.name}: expected to dial ${joiner.clusterip} (the scenario's cluster address); it dialled ${sent.line.peer ?? "(no peer logged)"}`,
      );
    }
    const joinerId = sent.line.nodeId;
    const received = events.filter(
      (e) => e.line.event === "join.request.received" && e.line.peerId === joinerId,
    );
    const who = target ?? undefined;
    const expectedResponder = who?.name ?? joiner.clusterip;
    const receivedHere = who ? received.find((e) => e.node === who.name) : received[0];
    if (!receivedHere) {
      const elsewhere = received.map((e) => e.node).join(", ");
      if (who?.logError) unknown.push(`${who.name}: output unreadable (${who.logError})`);
      else
        errors.push(
          `${joiner.name}: its join request (id ${joinerId}) to ${joiner.clusterip} was never logged as received by ${expectedResponder}${elsewhere ? `; received by ${elsewhere} instead` : ""}`,
        );
      continue;
    }
    const responder = byName.get(receivedHere.node) as ObservedNode;
    if (receivedHere.line.peer !== undefined && receivedHere.line.peer !== joiner.address) {
      errors.push(
        `${responder.name}: logged ${joiner.name}'s request as coming from ${receivedHere.line.peer}; ${joiner.name} advertises ${joiner.address}`,
      );
    }
    const responderId = receivedHere.line.nodeId;
    const responseSent = events.find(
      (e) =>
        e.node === responder.name &&
        e.line.event === "join.response.sent" &&
        e.line.peerId === joinerId &&
        position.get(e)! > position.get(receivedHere)!,
    );
    if (!responseSent) {
      errors.push(
        `${responder.name}: received ${joiner.name}'s join request (id ${joinerId}) but never logged a response to it`,
      );
      continue;
    }
    if (responseSent.line.peer !== undefined && responseSent.line.peer !== joiner.address) {
      errors.push(
        `${responder.name}: its response to ${joiner.name} names ${responseSent.line.peer} as dest; the request's source was ${joiner.address}`,
      );
    }
    const responseReceived = events.find(
      (e) =>
        e.node === joiner.name &&
        e.line.event === "join.response.received" &&
        position.get(e)! > position.get(sent)!,
    );
    if (!responseReceived) {
      errors.push(
        `${joiner.name}: ${responder.name} answered its join request but ${joiner.name} never logged receiving it (${describeFate(joiner)})`,
      );
      continue;
    }
    if (responseReceived.line.peerId !== responderId) {
      errors.push(
        `${joiner.name}: expected the response from ${responder.name} (id ${responderId}); it logged one from id ${responseReceived.line.peerId}`,
      );
      continue;
    }
    const order = [sent, receivedHere, responseSent, responseReceived].map((e) => position.get(e)!);
    if (!order.every((p, i) => i === 0 || p > order[i - 1]!)) {
      errors.push(
        `${joiner.name} ↔ ${responder.name}: the merged log does not order request.sent < request.received < response.sent < response.received`,
      );
      continue;
    }
    matched++;
  }

  const valid = errors.length > 0 ? false : unknown.length > 0 ? "unknown" : true;
  return {
    name: "handshakes",
    valid,
    summary: `${matched}/${joiners.length} join handshakes matched across nodes (request → received → response → received)`,
    errors: [...errors, ...unknown],
  };
}
