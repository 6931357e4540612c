// The order of a bring-up: a bounded number of Docker operations in flight, the nodes nothing
// depends on (the roots) created first, and which dependencies a node's early start waits for.
import { Limiter } from "../runtime/limiter.js";
import type { NodeBringUp } from "./node-bring-up.js";
import type { RunNodes } from "./run-nodes.js";

/** Priority of starts over creates in the limiter's queue: the master's start comes first. */
export const START_PRIORITY = 1;

export class StartOrder {
  readonly limiter: Limiter;
  /** Settles once every root's container exists (or could not be made). */
  readonly rootsCreated: Promise<void>;
  /** How many nodes wait on each node. */
  readonly #fanOut = new Map<string, number>();

  constructor(
    private readonly nodes: RunNodes,
    inFlight: number,
  ) {
    this.limiter = new Limiter(inFlight);
    for (const node of nodes.all()) {
      for (const c of node.conditions) this.#fanOut.set(c.node, (this.#fanOut.get(c.node) ?? 0) + 1);
    }
    const roots = nodes.all().filter((n) => n.conditions.length === 0);
    this.rootsCreated = Promise.allSettled(roots.map((r) => r.reached("created"))).then(() => {});
  }

  /**
   * The dependencies whose container must have started before `node`'s starts ahead of its turn:
   * those that as many nodes wait on as there are starts in flight (a star's master). Started
   * beside its dependents, the master would boot under their starts and release them all at once,
   * and their boots would starve each other and the daemon. Started first, it boots while the
   * daemon starts the next batch, which takes longer than that boot, so each dependent boots as its
   * own container starts. (Held until the master was ready, the daemon sat idle during its boot: 3 %
   * slower at 16 nodes, in 5 of 6 paired runs.) A chain is better off starting everything at once
   * (measured), so this applies to wide fan-outs only.
   */
  wideDependencies(node: NodeBringUp): NodeBringUp[] {
    return node.conditions
      .filter((c) => c.state === "ready" && (this.#fanOut.get(c.node) ?? 0) >= this.limiter.limit)
      .map((c) => this.nodes.get(c.node));
  }
}
