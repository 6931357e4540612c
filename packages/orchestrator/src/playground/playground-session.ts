// A playground's session: the live page's controls over a running cluster. It is the run's
// interactive phase (RunOptions.interactive): from the moment every node is up until it is ended
// (Ctrl-C), each request is checked against the body and the cluster as it is now, then applied
// through the run's own fault dispatch (fault-appliers.ts) or added as a late node (add-node.ts),
// so every action is a fault event in the merged log the moment it is applied. Requests are
// applied one at a time; a refused one leaves the cluster untouched.
import type { ActionKind, ActionReply, ActionRequest, ClusterSummary } from "@joinlab/report";
import type { LiveFeed } from "../live/live-feed.js";
import type { SessionControls } from "../live/live-server.js";
import { addNode } from "../run/add-node.js";
import { FAULT_APPLIERS, type FaultTarget } from "../run/fault-appliers.js";
import type { NodeBringUp } from "../run/node-bring-up.js";
import { Deferred } from "../run/deferred.js";
import type { Runtime } from "../runtime/types.js";
import { nodeName, portOf, type FaultKind } from "../scenarios/types.js";
import { ActionError, parseActionRequest } from "./action-request.js";
import { actionsOf, NodeStates } from "./node-states.js";

type NodeAction = Exclude<ActionKind, "add">;

/** The run's fault each node action applies. */
const FAULT_OF: Readonly<Record<NodeAction, FaultKind>> = {
  kill: "kill",
  stop: "stop",
  pause: "pause",
  resume: "unpause",
  restart: "restart",
  cut: "disconnect",
  heal: "connect",
};

const DONE: Readonly<Record<NodeAction, (node: string) => string>> = {
  kill: (n) => `killed ${n} (SIGKILL)`,
  stop: (n) => `stopped ${n} gracefully (SIGTERM)`,
  pause: (n) => `paused ${n}`,
  resume: (n) => `resumed ${n}`,
  restart: (n) => `restarted ${n}: a new process at the same address`,
  cut: (n) => `cut ${n} off the network`,
  heal: (n) => `reconnected ${n} to the network`,
};

export class PlaygroundSession implements SessionControls {
  private runtime: Runtime | undefined;
  private states = new NodeStates([]);
  private target: FaultTarget | undefined;
  private feed: LiveFeed | undefined;
  private readonly ended = new Deferred();
  private readonly began = new Deferred();
  private stopping = false;
  /** The request being applied: the next waits for it. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly adds: Promise<void>[] = [];

  /** Empty until the runtime is known; then what it can do. */
  get available(): readonly ActionKind[] {
    return this.runtime ? actionsOf(this.runtime.capabilities) : [];
  }

  /** Swarm and Docker disconnect a cut node from the run's network. */
  get cutBy(): "disconnect" | undefined {
    return this.available.includes("cut") ? "disconnect" : undefined;
  }

  /** The cluster is up and actions apply. */
  get started(): boolean {
    return this.target !== undefined;
  }

  get whenStarted(): Promise<void> {
    return this.began.promise;
  }

  /** The page's summary gets each node's actions and the next node's name and port. */
  attach(feed: LiveFeed): void {
    this.feed = feed;
    feed.decorate = (summary) => this.decorate(summary);
  }

  useRuntime(runtime: Runtime): void {
    this.runtime = runtime;
    this.states = new NodeStates(this.available);
  }

  /** The run's interactive phase: actions apply until end() (or the run is interrupted). */
  readonly interactive = async (target: FaultTarget): Promise<void> => {
    this.target = target;
    target.run.note("playground.ready", "the cluster is up: the live page's actions apply from now on");
    this.feed?.summaryChanged();
    this.began.resolve();
    const aborted = new Promise<void>((resolve) =>
      target.run.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    await Promise.race([this.ended.promise, aborted]);
    this.stopping = true;
    await this.queue;
    // Nodes still coming up settle on their own (readiness timeout, interrupt).
    await Promise.all(this.adds);
  };

  /** Ends the session: the action in progress finishes, later requests are refused. */
  end(): void {
    this.stopping = true;
    this.ended.resolve();
  }

  perform(body: Record<string, unknown>): Promise<{ status: number; reply: ActionReply }> {
    const result = this.queue.then(() => this.performNow(body));
    this.queue = result;
    return result;
  }

  private async performNow(body: Record<string, unknown>): Promise<{ status: number; reply: ActionReply }> {
    try {
      const request = parseActionRequest(body);
      const target = this.ready(request.action);
      const started = performance.now();
      const { node, message } = await this.apply(target, request);
      const appliedMs = Math.round((performance.now() - started) * 10) / 10;
      this.feed?.summaryChanged();
      return { status: 200, reply: { ok: true, action: request.action, node, message, appliedMs } };
    } catch (err) {
      if (err instanceof ActionError) return { status: err.status, reply: { ok: false, error: err.message } };
      this.feed?.summaryChanged();
      const why = (err as Error).message;
      return { status: 500, reply: { ok: false, error: `the runtime failed to apply it: ${why}` } };
    }
  }

  /** The cluster to act on: up, still running, and able to do this action. */
  private ready(action: ActionKind): FaultTarget {
    if (this.stopping) throw new ActionError(409, "the playground is stopping: no more actions");
    if (!this.target)
      throw new ActionError(409, "the cluster is still coming up: actions apply once every node has started");
    if (!this.available.includes(action))
      throw new ActionError(
        400,
        `the ${this.runtime!.kind} runtime cannot ${action} a node${action === "cut" || action === "heal" ? " (local processes share the machine's loopback: nothing cuts one off); start the playground with --runtime docker" : ""}; it offers ${this.available.join(", ")}`,
      );
    return this.target;
  }

  private apply(target: FaultTarget, request: ActionRequest): Promise<{ node: string; message: string }> {
    return request.action === "add" ? this.add(target, request) : this.fault(target, request);
  }

  private async fault(
    target: FaultTarget,
    request: { action: NodeAction; node: string },
  ): Promise<{ node: string; message: string }> {
    const { action, node: name } = request;
    const node = this.nodeNamed(target, name);
    if (!this.states.actionsFor(node).includes(action)) {
      const applies = this.states.actionsFor(node);
      throw new ActionError(
        409,
        `cannot ${action} ${name}: it is ${this.states.describe(node)}${applies.length ? `; what applies to it now: ${applies.join(", ")}` : "; nothing applies to it now"}`,
      );
    }
    const fault = FAULT_OF[action];
    await FAULT_APPLIERS[fault]({ afterMs: 0, fault, nodes: [name] }, target);
    this.states.applied(action, name);
    return { node: name, message: DONE[action](name) };
  }

  private async add(
    target: FaultTarget,
    request: Extract<ActionRequest, { action: "add" }>,
  ): Promise<{ node: string; message: string }> {
    const via = this.nodeNamed(target, request.via);
    if (!this.states.actionsFor(via).includes("add"))
      throw new ActionError(
        409,
        `a node cannot join through ${via.name}: it is ${this.states.describe(via)}; join through a running member (${this.upNodes(target).join(", ") || "none is up"})`,
      );
    const proposal = this.proposal(target);
    const name = request.name ?? proposal.name;
    const port = request.port ?? proposal.port;
    const specs = target.run.scenario.nodes;
    if (specs.some((n) => n.name === name))
      throw new ActionError(409, `the name ${name} is taken; choose another (${proposal.name} is free)`);
    const holder = specs.find((n) => n.port === port);
    if (holder)
      throw new ActionError(
        409,
        `port ${port} is in use by ${holder.name}; choose another (${proposal.port} is free)`,
      );
    const added = await addNode(target, { name, port, clusterip: via.name, expect: { role: "member" } });
    this.adds.push(added.done);
    await added.launched;
    return {
      node: name,
      message: `started ${name} at ${target.nodes.get(name).address}, joining through ${via.name}`,
    };
  }

  private nodeNamed(target: FaultTarget, name: string): NodeBringUp {
    const node = target.nodes.all().find((n) => n.name === name);
    if (!node)
      throw new ActionError(
        404,
        `no node named ${name}; the nodes are ${target.nodes
          .all()
          .map((n) => n.name)
          .join(", ")}`,
      );
    return node;
  }

  private upNodes(target: FaultTarget): string[] {
    return target.nodes
      .all()
      .filter((n) => this.states.stateOf(n) === "up")
      .map((n) => n.name);
  }

  /** The next free nodeK (K after the node count) and the first free port from 8000+K. */
  private proposal(target: FaultTarget): { name: string; port: number } {
    const specs = target.run.scenario.nodes;
    const names = new Set(specs.map((n) => n.name));
    const ports = new Set(specs.map((n) => n.port));
    let k = specs.length + 1;
    while (names.has(nodeName(k))) k++;
    let port = portOf(k);
    while (ports.has(port)) port++;
    return { name: nodeName(k), port };
  }

  private decorate(summary: ClusterSummary): ClusterSummary {
    const target = this.target;
    if (!target || this.stopping) return summary;
    const nodes = summary.nodes.map((n) => {
      const node = target.nodes.all().find((b) => b.name === n.name);
      return node ? { ...n, actions: this.states.actionsFor(node) } : n;
    });
    return { ...summary, nodes, proposal: this.proposal(target) };
  }
}
