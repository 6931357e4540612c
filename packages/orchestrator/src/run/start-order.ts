// The order of a bring-up: a bounded number of Docker operations in flight, and the nodes nothing
// depends on (the roots) created first.
import { Limiter } from "../runtime/limiter.js";
import type { RunNodes } from "./run-nodes.js";

/** Priority of starts over creates in the limiter's queue: the master's start comes first. */
export const START_PRIORITY = 1;

export class StartOrder {
  readonly limiter: Limiter;
  /** Settles once every root's container exists (or could not be made). */
  readonly rootsCreated: Promise<void>;

  constructor(nodes: RunNodes, inFlight: number) {
    this.limiter = new Limiter(inFlight);
    const roots = nodes.all().filter((n) => n.conditions.length === 0);
    this.rootsCreated = Promise.allSettled(roots.map((r) => r.reached("created"))).then(() => {});
  }
}
