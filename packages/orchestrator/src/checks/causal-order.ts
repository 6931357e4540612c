// The merged log never shows a join request received before it was sent, nor a response received
// before it was sent.
import type { CheckContext, CheckResult, EventEntry } from "./types.js";

export function checkCausalOrder(ctx: CheckContext): CheckResult {
  const errors: string[] = [];
  const sentRequests = new Map<number, string>(); // joiner id → node
  const sentResponses = new Set<string>(); // responderId/joinerId
  const lastRequestId = new Map<string, number>();
  let pairs = 0;
  for (const e of ctx.timeline) {
    if (e.kind !== "event") continue;
    const { line } = e as EventEntry;
    switch (line.event) {
      case "join.request.sent":
        sentRequests.set(line.nodeId, e.node);
        lastRequestId.set(e.node, line.nodeId);
        break;
      case "join.request.received":
        // A request from a node whose log we do not have cannot be checked; ours must follow its send.
        if (line.peerId !== undefined && !sentRequests.has(line.peerId) && idIsOurs(ctx, line.peerId))
          errors.push(
            `${e.node}: join.request.received from id ${line.peerId} precedes that node's join.request.sent`,
          );
        break;
      case "join.response.sent":
        sentResponses.add(`${line.nodeId}/${line.peerId}`);
        break;
      case "join.response.received": {
        pairs++;
        const key = `${line.peerId}/${lastRequestId.get(e.node) ?? line.nodeId}`;
        if (!sentResponses.has(key) && idIsOurs(ctx, line.peerId))
          errors.push(
            `${e.node}: join.response.received from id ${line.peerId} precedes that node's join.response.sent`,
          );
        break;
      }
    }
  }
  return {
    name: "causal-order",
    valid: errors.length === 0,
    summary: `${pairs} responses, none before its request in the merged log${errors.length ? " (violated)" : ""}`,
    errors,
  };
}

function idIsOurs(ctx: CheckContext, id: number | undefined): boolean {
  if (id === undefined) return false;
  return ctx.timeline.some((e) => e.kind === "event" && e.line.nodeId === id);
}
