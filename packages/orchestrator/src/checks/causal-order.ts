// The merged log never shows a join request received before it was sent, nor a response received
// before it was sent.
import type { CheckContext, CheckResult, EventEntry } from "./types.js";

/** A fold over the node lines: what has been sent so far, and what arrived too early. */
class Causality {
  readonly errors: string[] = [];
  pairs = 0;
  /** Joiner ids whose request was sent. */
  readonly #requestsSent = new Set<number>();
  /** "responderId/joinerId" of responses sent. */
  readonly #responsesSent = new Set<string>();
  /** Each joiner's id as of its latest request (a reassignment changes it later). */
  readonly #requestIdOf = new Map<string, number>();

  constructor(private readonly ours: (id: number) => boolean) {}

  see({ node, line }: EventEntry): void {
    if (line.event === "join.request.sent") {
      this.#requestsSent.add(line.nodeId);
      this.#requestIdOf.set(node, line.nodeId);
    } else if (line.event === "join.request.received") {
      // A request from a node whose log we do not have cannot be checked; ours must follow its send.
      if (!this.#requestsSent.has(line.peerId) && this.ours(line.peerId))
        this.errors.push(
          `${node}: join.request.received from id ${line.peerId} precedes that node's join.request.sent`,
        );
    } else if (line.event === "join.response.sent") {
      this.#responsesSent.add(`${line.nodeId}/${line.peerId}`);
    } else if (line.event === "join.response.received") {
      this.pairs++;
      const key = `${line.peerId}/${this.#requestIdOf.get(node) ?? line.nodeId}`;
      if (!this.#responsesSent.has(key) && this.ours(line.peerId))
        this.errors.push(
          `${node}: join.response.received from id ${line.peerId} precedes that node's join.response.sent`,
        );
    }
  }
}

export function checkCausalOrder(ctx: CheckContext): CheckResult {
  const events = ctx.timeline.filter((e): e is EventEntry => e.kind === "event");
  const ids = new Set(events.map((e) => e.line.nodeId));
  const fold = new Causality((id) => ids.has(id));
  for (const e of events) fold.see(e);
  return {
    name: "causal-order",
    valid: fold.errors.length === 0,
    summary: `${fold.pairs} responses, none before its request in the merged log${fold.errors.length ? " (violated)" : ""}`,
    errors: fold.errors,
  };
}
