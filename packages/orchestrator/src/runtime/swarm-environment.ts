// One run on a swarm: an attachable, internal overlay network, one service per node, placed in
// turn over the hosts that take tasks (or where the scenario's constraints say), and a teardown
// that removes the services, their containers where we reach them, and the network.
import type { Logger } from "winston";
import { RUN_LABEL } from "./docker-client.js";
import { mapLimited } from "./limiter.js";
import { ContainerEnvironment } from "./container-environment.js";
import { SwarmNode, type SwarmRunParts } from "./swarm-node.js";
import type { ClockReport, NodeLaunch, RunIdentity, StartedEnvironment } from "./types.js";

export interface SwarmEnvironmentOptions {
  imageId: string;
  labels: Record<string, string>;
  /** The image's entrypoint when nodes start behind the gate (gate.ts). */
  gateEntrypoint: string[] | undefined;
  inFlight: number;
  logger: Logger;
}

export class SwarmEnvironment extends ContainerEnvironment implements StartedEnvironment {
  private readonly nodes = new Map<string, SwarmNode>();
  /** Each node's placement constraint when the run spreads them (no constraint of its own). */
  private readonly spread = new Map<string, string>();

  constructor(
    run: RunIdentity,
    private readonly parts: SwarmRunParts,
    private readonly options: SwarmEnvironmentOptions,
    readonly summary: string,
  ) {
    super(run);
  }

  /** Spreads the nodes over the hosts that take tasks, in turn, in the scenario's order. */
  async reserve(nodes: readonly { name: string; port: number }[]): Promise<void> {
    const hosts = this.parts.hosts.eligible();
    nodes.forEach((n, i) => this.spread.set(n.name, hosts[i % hosts.length]!.host.id));
  }

  protected async create(launch: NodeLaunch): Promise<SwarmNode> {
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

  /** Removes every service, its containers where we reach them, and the network. */
  protected async removeAll(): Promise<void> {
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
