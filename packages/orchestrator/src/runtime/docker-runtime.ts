// The Docker runtime: one labelled internal bridge network per run, one labelled container per node
// (named after the run, reachable by its node name), output followed from the start with
// timestamps and demultiplexed, exit codes from the engine.
import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import type { Logger } from "winston";
import { NodeLog } from "../logs/node-log.js";
import type { RecordOrder } from "../logs/records.js";
import type { Capability } from "../scenarios/types.js";
import { ROGUE_PROGRAM } from "../image/node-image.js";
import { ContainerControl } from "./container-control.js";
import { ProcessExit } from "./process-exit.js";
import { ContainerOutput, containerSource } from "./container-output.js";
import {
  DockerClient,
  NODE_LABEL,
  OWNER_LABEL,
  RUN_LABEL,
  SCENARIO_LABEL,
  STALE_NETWORK_RELEASE_MS,
  SWARM_TASK_LABEL,
  type ResourceSummary,
} from "./docker-client.js";
import { gateArguments, gateCommand, gateEntrypoint, GATE_RELEASE } from "./gate.js";
import { ensureHelperImage } from "../netfaults/helper-image.js";
import { netemMissing } from "../netfaults/netem-probe.js";
import { NetworkFaults } from "../netfaults/network-faults.js";
import { mapLimited } from "./limiter.js";
import { ContainerEnvironment } from "./container-environment.js";
import { isStale, ownerTag, runLabels, sweepLabel, sweepReport } from "./run-labels.js";
import { largeRunPlacement } from "./large-run-cgroup.js";
import type {
  CreatedNode,
  ExitInfo,
  NodeLaunch,
  RunIdentity,
  Runtime,
  StartedEnvironment,
  NetworkFaultApplier,
  StartedNode,
  SweepOptions,
} from "./types.js";

export interface DockerRuntimeOptions {
  logger: Logger;
  image: string;
  /** Docker calls in flight during cleanup. */
  inFlight?: number;
  /**
   * Start containers ahead of their turn with the node program held at a gate (gate.ts), and
   * release it when the node it dials is ready (default true). A container start costs ~0.2–1 s
   * of daemon time; a release is one line on an open stdin, so a chain of joins no longer pays
   * one container start per hop.
   */
  gate?: boolean;
  /** Progress lines (the network-fault helper's image build). */
  progress?: (line: string) => void;
}

/** Faults made by rules in the nodes' namespaces: they need the helper image. */
const RULE_CAPABILITIES: ReadonlySet<Capability> = new Set(["partition", "one-way", "loss", "latency"]);

export { ownerTag };

export class DockerRuntime implements Runtime {
  readonly kind = "docker" as const;
  readonly unit = "container";
  // latency joins once the kernel is known to have netem (checkCapabilities).
  private readonly capabilitySet = new Set<Capability>([
    "kill",
    "stop",
    "pause",
    "network-cut",
    "restart",
    "partition",
    "one-way",
    "loss",
    // The image holds joinlab-rogue beside the node: a container can run it instead.
    "rogue",
  ]);
  readonly capabilities: ReadonlySet<Capability> = this.capabilitySet;
  readonly client: DockerClient;
  private helperImage: string | undefined;
  private netem: Promise<string | undefined> | undefined;

  constructor(
    docker: Dockerode,
    private readonly options: DockerRuntimeOptions,
    private readonly engineVersion = "",
  ) {
    this.client = new DockerClient(docker, options.logger);
  }

  get image(): string {
    return this.options.image;
  }

  /** The helper image, found or made once; and the kernel's netem, probed once, when latency is needed. */
  async checkCapabilities(needed: readonly Capability[]): Promise<Map<Capability, string>> {
    const why = new Map<Capability, string>();
    const rules = needed.filter((c) => RULE_CAPABILITIES.has(c));
    if (rules.length === 0) return why;
    try {
      this.helperImage ??= await ensureHelperImage(this.client.docker, {
        log: this.options.progress ?? (() => {}),
      });
    } catch (err) {
      for (const c of rules) why.set(c, (err as Error).message);
      return why;
    }
    if (needed.includes("latency")) {
      const labels = {
        [RUN_LABEL]: "netfaults-probe",
        [SCENARIO_LABEL]: "netfaults-probe",
        [OWNER_LABEL]: ownerTag(),
      };
      const missing = await (this.netem ??= netemMissing(this.client, this.helperImage, labels).catch(
        (err: Error) => `the netem probe could not run: ${err.message}`,
      ));
      if (missing) why.set("latency", missing);
      else this.capabilitySet.add("latency");
    }
    return why;
  }

  describe(): string {
    return `docker ${this.engineVersion}, image ${this.options.image}`.replace("docker ,", "docker,");
  }

  private entrypoint: Promise<string[]> | undefined;
  private cgroupParent: Promise<string | undefined> | undefined;

  /** Where a large run's containers go (large-run-cgroup.ts), asked once; undefined: the engine's default. */
  largeRunCgroupParent(): Promise<string | undefined> {
    return (this.cgroupParent ??= this.askLargeRunPlacement());
  }

  private async askLargeRunPlacement(): Promise<string | undefined> {
    const labels = {
      [RUN_LABEL]: "cgroup-probe",
      [SCENARIO_LABEL]: "cgroup-probe",
      [OWNER_LABEL]: ownerTag(),
    };
    const placement = await largeRunPlacement(this.client, this.options.image, labels).catch(
      (err: Error) => ({
        parent: undefined,
        refused: err.message,
      }),
    );
    if (placement.refused) {
      this.options.logger.warn(
        `the engine would not start a container in the weighed cgroup for large runs (${placement.refused}); ` +
          "this run's containers stay in the engine's default cgroup and may stall while it starts them. " +
          "Run 'bash scripts/container-cpu-weight.sh' as root to make the cgroup again.",
      );
    }
    return placement.parent;
  }

  async createEnvironment(run: RunIdentity): Promise<StartedEnvironment> {
    const labels = runLabels(run);
    const name = `jl-${run.runId}`;
    const gate =
      this.options.gate !== false
        ? await (this.entrypoint ??= this.client.imageEntrypoint(this.options.image))
        : [];
    const usable = gateEntrypoint(gate);
    // Asked beside the network's creation: the probe container costs the engine a start.
    const cgroupParent = run.largeRun ? this.largeRunCgroupParent() : undefined;
    const id = run.stableAddresses
      ? await this.createPinnedNetwork(name, labels)
      : await this.client.createNetwork(name, labels);
    const placement = {
      gateEntrypoint: usable,
      helperImage: this.helperImage,
      cgroupParent: await cgroupParent,
    };
    return new DockerEnvironment(run, this.client, this.options, name, id, labels, placement);
  }

  /**
   * A network on a subnet of our choosing (10.213.x.0/24, one no other network uses), so a node
   * cut off and reconnected can ask for its old address. Falls back to the engine's choice.
   */
  private async createPinnedNetwork(name: string, labels: Record<string, string>): Promise<string> {
    const used = new Set(await this.client.usedSubnets().catch(() => [] as string[]));
    const start = Math.floor(Math.random() * 256);
    let tries = 0;
    for (let i = 0; i < 256 && tries < 8; i++) {
      const subnet = `10.213.${(start + i) % 256}.0/24`;
      if (used.has(subnet)) continue;
      tries++;
      try {
        return await this.client.createNetwork(name, labels, subnet);
      } catch (err) {
        // Overlaps a pool we could not see (another engine user raced us): try the next one.
        this.options.logger.debug(`subnet ${subnet} refused: ${(err as Error).message}`);
      }
    }
    return this.client.createNetwork(name, labels);
  }

  /** Removes what runs whose orchestrator is gone left (run-labels.ts says which runs those are). */
  async sweep(options: SweepOptions = {}): Promise<string[]> {
    const label = sweepLabel(options);
    const stale = (r: ResourceSummary) => isStale(r, options) && !r.labels[SWARM_TASK_LABEL];
    const containers = (await this.client.listContainers(label)).filter(stale);
    const removedContainers = await mapLimited(containers, this.options.inFlight ?? 8, (c) =>
      this.client.removeContainer(c.id, c.name),
    );
    // Overlay networks are the swarm runtime's: it removes them after their services.
    const networks = (await this.client.listNetworks(label)).filter((n) => stale(n) && !n.swarm);
    // A run's own network (by id, or all) may have lost its containers a moment ago; a dead
    // owner's lost them long before.
    const releaseMs = options.runId || options.all ? undefined : STALE_NETWORK_RELEASE_MS;
    const removedNetworks = await mapLimited(networks, 4, (n) => this.client.removeNetwork(n.id, releaseMs));
    return [
      ...sweepReport("container", containers, removedContainers),
      ...sweepReport("network", networks, removedNetworks),
    ];
  }

  async close(): Promise<void> {}
}

/** Turns off the image's HEALTHCHECK for containers whose readiness the orchestrator reads from logs. */
export const NO_HEALTHCHECK = { Test: ["NONE"] };

interface EnvironmentPlacement {
  /** The image's entrypoint when nodes start behind the gate. */
  gateEntrypoint: string[] | undefined;
  /** The network-fault helper's image, when the run needs rule-based faults. */
  helperImage: string | undefined;
  /** The containers' cgroup parent (a large run's, large-run-cgroup.ts); undefined: the engine's. */
  cgroupParent: string | undefined;
}

class DockerEnvironment extends ContainerEnvironment implements StartedEnvironment {
  readonly summary = "labelled internal network created";
  private readonly nodes = new Map<string, DockerNode>();

  constructor(
    run: RunIdentity,
    private readonly client: DockerClient,
    private readonly options: DockerRuntimeOptions,
    readonly networkName: string,
    readonly networkId: string,
    private readonly labels: Record<string, string>,
    private readonly placement: EnvironmentPlacement,
  ) {
    super(run);
    const { helperImage } = placement;
    if (helperImage)
      this.networkFaults = new NetworkFaults({
        client,
        image: helperImage,
        runId: run.runId,
        labels,
        networkName,
        targetOf: (node) => {
          const n = this.nodes.get(node);
          return n ? { node, containerId: n.id, containerName: n.containerName } : undefined;
        },
        logger: options.logger,
      });
  }

  readonly networkFaults?: NetworkFaultApplier;

  async reserve(): Promise<void> {}

  /** What the container runs: the image's node program (behind the gate when there is one), or the rogue. */
  private program(launch: NodeLaunch): Partial<Dockerode.ContainerCreateOptions> {
    const gate = this.placement.gateEntrypoint;
    const rogue = launch.program === "rogue";
    if (!gate)
      return rogue ? { Entrypoint: ["node", ROGUE_PROGRAM], Cmd: launch.args } : { Cmd: launch.args };
    // The rogue waits at the gate as the node does, run by the image's node without its options.
    const entrypoint = rogue ? [gate[0]!, ROGUE_PROGRAM] : gate;
    return {
      Entrypoint: gateCommand(entrypoint),
      Cmd: gateArguments(entrypoint, launch.args),
      OpenStdin: true,
      StdinOnce: true,
    };
  }

  protected async create(launch: NodeLaunch): Promise<CreatedNode> {
    const name = `jl-${this.run.runId}-${launch.name}`;
    const id = await this.client.createContainer({
      name,
      Image: this.options.image,
      ...this.program(launch),
      Hostname: launch.name,
      Labels: { ...this.labels, [NODE_LABEL]: launch.name },
      Tty: false,
      AttachStdout: false,
      AttachStderr: false,
      StopTimeout: 2,
      // Readiness comes from the node's log events, so the image's HEALTHCHECK only costs CPU here:
      // it starts a `node` process every second per container, which starves 64 nodes on 2 cores.
      Healthcheck: NO_HEALTHCHECK,
      HostConfig: {
        NetworkMode: this.networkName,
        AutoRemove: false,
        ...(this.placement.cgroupParent ? { CgroupParent: this.placement.cgroupParent } : {}),
      },
      NetworkingConfig: { EndpointsConfig: { [this.networkName]: { Aliases: [launch.name] } } },
    });
    const node = new DockerNode(
      this.client,
      launch.name,
      name,
      id,
      this.placement.gateEntrypoint !== undefined,
      this.networkId,
      this.networkName,
    );
    this.nodes.set(launch.name, node);
    return node;
  }

  detach(): void {
    for (const node of this.nodes.values()) node.detach();
  }

  protected async removeAll(): Promise<void> {
    const limit = this.options.inFlight ?? 8;
    await mapLimited([...this.nodes.values()], limit, (n) => n.remove());
    // A gone container's streams have nothing more to give, and may never end: the engine keeps a
    // gated node's stdin attach open after its container is removed unstarted (`joinlab clean`
    // mid-run, or a failed start), and a removal the engine never answered leaves every stream
    // open. Either kept the process alive after the verdict.
    this.detach();
    // Anything created behind our back (a create that outlived the wait) is found by its label.
    const left = await this.client.listContainers(`${RUN_LABEL}=${this.run.runId}`);
    await mapLimited(left, limit, (c) => this.client.removeContainer(c.id, c.name));
    await this.client.removeNetwork(this.networkId);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

class DockerNode implements CreatedNode, StartedNode {
  readonly log: NodeLog;
  logError: string | undefined;
  private readonly exit = new ProcessExit();
  private readonly order: RecordOrder = { next: 0, gen: 0 };
  private output: ContainerOutput | undefined;
  private started = false;
  private prepared: Promise<void> | undefined;
  private stdin: Duplex | undefined;
  private removed = false;
  private readonly control: ContainerControl;

  constructor(
    private readonly client: DockerClient,
    readonly name: string,
    readonly containerName: string,
    readonly id: string,
    private readonly gated: boolean,
    networkId: string,
    networkName: string,
  ) {
    this.log = new NodeLog(name);
    this.control = new ContainerControl(
      client,
      { id, name: containerName },
      { id: networkId, name: networkName, alias: name },
    );
  }

  /** Resolves when the node program has exited; never rejects. */
  get exited(): Promise<ExitInfo> {
    return this.exit.promise;
  }

  get exitInfo(): ExitInfo | undefined {
    return this.exit.info;
  }

  /** Starts the container and follows its output; behind the gate the node program waits. */
  prepare(): Promise<void> {
    return (this.prepared ??= (async () => {
      // Attached before the start, so the release can be written whenever the turn comes.
      if (this.gated) this.stdin = (await this.client.attachStdin(this.id, this.containerName)) as Duplex;
      await this.client.startContainer(this.id, this.containerName);
      await this.follow();
    })());
  }

  async start(): Promise<StartedNode> {
    if (this.started) return this;
    this.started = true;
    await this.prepare();
    if (this.stdin) {
      if (this.exitInfo)
        throw new Error(`${this.name}'s container exited (code ${this.exitInfo.code}) before its turn`);
      const stdin = this.stdin;
      this.stdin = undefined;
      stdin.end(GATE_RELEASE);
    }
    return this;
  }

  /** Follows the output since the start (or `since` a restart); the stream's end means the container stopped. */
  private async follow(since?: number): Promise<void> {
    const previous = this.output;
    const output = await ContainerOutput.follow(
      this.client,
      containerSource(this.client, { id: this.id, name: this.containerName }, since),
      this.log,
      this.order,
      {
        ...(since !== undefined ? { after: previous?.lastT ?? 0 } : {}),
        onError: (message) => (this.logError ??= message),
      },
    );
    this.output = output;
    void output.exit.then((info) => {
      this.log.end();
      this.stdin?.destroy();
      this.exit.settle(info);
    });
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.prepared || this.exitInfo || this.removed) return;
    await this.control.stop(options.timeoutMs ?? 2000);
    await this.exited;
  }

  async kill(): Promise<void> {
    if (!this.prepared || this.exitInfo || this.removed) return;
    await this.control.kill();
  }

  /**
   * Crash and restart: SIGKILL, wait for the output to end, then start the same container again
   * (behind the gate, released at once) and follow its output from the restart on.
   */
  async restart(): Promise<void> {
    if (!this.prepared || this.removed) return;
    await this.control.kill();
    await this.exited;
    this.order.gen++;
    this.exit.renew();
    this.log.reopen();
    const lastT = this.output?.lastT ?? 0;
    const since = Math.floor(lastT / 1000) / 1000; // seconds, to the millisecond
    if (this.gated) this.stdin = (await this.client.attachStdin(this.id, this.containerName)) as Duplex;
    await this.client.startContainer(this.id, this.containerName);
    await this.follow(since);
    const stdin = this.stdin;
    this.stdin = undefined;
    stdin?.end(GATE_RELEASE);
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await this.client.removeContainer(this.id, this.containerName);
  }

  /** Closes our streams to the container without touching it. */
  detach(): void {
    this.stdin?.destroy();
    this.output?.destroy();
  }

  pause(): Promise<void> {
    return this.control.pause();
  }

  unpause(): Promise<void> {
    return this.control.unpause();
  }

  disconnect(): Promise<void> {
    return this.control.disconnect();
  }

  connect(): Promise<void> {
    return this.control.connect();
  }

  async rssBytes(): Promise<number | undefined> {
    if (!this.started || this.exitInfo) return undefined;
    return this.control.rssBytes();
  }

  async cpuSeconds(): Promise<number | undefined> {
    if (!this.started || this.exitInfo) return undefined;
    return this.control.cpuSeconds();
  }
}
