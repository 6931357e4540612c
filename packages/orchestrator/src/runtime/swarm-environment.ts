// One run on a swarm: an attachable, internal overlay network, one service per node, placed in
// turn over the hosts that take tasks (or where the scenario's constraints say), and a teardown
// that removes the services, their containers where we reach them, and the network.
import type { Logger } from "winston";
import { delay } from "../shared/delay.js";
import { RUN_LABEL } from "./docker-client.js";
import { mapLimited } from "./limiter.js";
import { SwarmNode, type SwarmRunParts } from "./swarm-node.js";
import type { ClockReport, CreatedNode, NodeLaunch, RunIdentity, StartedEnvironment } from "./types.js";

export interface SwarmEnvironmentOptions {
  imageId: string;
  labels: Record<string, string>;
  /** The image's entrypoint when nodes start behind the gate (gate.ts). */
  gateEntrypoint: string[] | undefined;
  inFlight: number;
  logger: Logger;
}

export class SwarmEnvironment implements StartedEnvironment {
  private readonly nodes = new Map<string, SwarmNode>();
  /** Each node's placement constraint when the run spreads them (no constraint of its own). */
  private readonly spread = new Map<string, string>();
  private stopping: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly run: RunIdentity,
    private readonly parts: SwarmRunParts,
    private readonly options: SwarmEnvironmentOptions,
    readonly summary: string,
  ) {}

  /** Spreads the nodes over the hosts that take tasks, in turn, in the scenario's order. */
  async reserve(nodes: readonly { name: string; port: number }[]): Promise<void> {
    const hosts = this.parts.hosts.eligible();
    nodes.forEach((n, i) => this.spread.set(n.name, hosts[i % hosts.length]!.host.id));
  }

  advertiseHost(node: string): string {
    return node; // the service's alias on the run's overlay network
  }

  portOf(_node: string, scenarioPort: number): number {
    return scenarioPort;
  }

  literalAddress(host: string, port: number): string {
    return `${host}:${port}`;
  }

  async createNode(launch: NodeLaunch): Promise<CreatedNode> {
    if (this.stopping) throw new Error(`run ${this.run.runId} is stopping: ${launch.name} not created`);
    const op = this.create(launch);
    this.inFlight.add(op);
    const forget = () => this.inFlight.delete(op);
    op.then(forget, forget);
    return op;
  }

  private async create(launch: NodeLaunch): Promise<SwarmNode> {
    const own = launch.placement ?? [];
    const pinned = own.length ? undefined : this.spread.get(launch.name);
    const constraints = pinned ? [`node.id==${pinned}`] : own;
    // The gate needs the host's engine (to attach): known when pinned, else only if every host has one.
    const hosts = this.parts.hosts;
    const reachable = pinned ? !!hosts.byId(pinned)?.client : hosts.withoutEngine().length === 0;
    const gate = reachable ? this.options.gateEntrypoint : undefined;
    const node = new SwarmNode(this.parts, {
      service: `jl-${this.run.runId}-${launch.name}`,
      node: launch.name,
      imageId: this.options.imageId,
      args: launch.args,
      ...(gate ? { gateEntrypoint: gate } : {}),
      ...(launch.program ? { program: launch.program } : {}),
      labels: this.options.labels,
      networkId: this.parts.network.id,
      constraints,
    });
    this.nodes.set(launch.name, node);
    return node.create();
  }

  detach(): void {
    this.parts.watch.close();
    for (const node of this.nodes.values()) node.detach();
  }

  measureClocks(): Promise<ClockReport> {
    return this.parts.clocks.finish();
  }

  /** Removes every service, container and the network; a second call (Ctrl-C twice) joins the first. */
  stop(): Promise<void> {
    return (this.stopping ??= this.removeAll());
  }

  private async removeAll(): Promise<void> {
    // Let creates already sent to the manager land (bounded): their services are removed below.
    await Promise.race([Promise.allSettled([...this.inFlight]), delay(5000)]);
    this.parts.watch.close();
    const { manager } = this.parts;
    await mapLimited([...this.nodes.values()], this.options.inFlight, (n) => n.remove());
    // Anything created behind our back (a create that outlived the wait) is found by its label.
    const left = await manager.listServices(`${RUN_LABEL}=${this.run.runId}`);
    await mapLimited(left, this.options.inFlight, (s) => manager.removeService(s.id, s.name));
    await manager.removeOverlayNetwork(this.parts.network.id, this.parts.network.name);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
