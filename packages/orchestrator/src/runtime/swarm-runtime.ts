// The swarm runtime: a run's nodes as swarm services on an overlay network, so one cluster spans
// several machines. What it can do to a node depends on the hosts: kill, stop, pause, restart and
// network cuts go through the engine of the host that runs the task, so every host a node may
// land on needs one (the manager's own, or --engine); without, the capability is reported missing.
import type { Logger } from "winston";
import type { Capability } from "../scenarios/types.js";
import { mapLimited } from "./limiter.js";
import { isStale, runLabels, sweepLabel, sweepReport } from "./run-labels.js";
import { gateEntrypoint } from "./gate.js";
import type { SwarmClient } from "./swarm-client.js";
import { SwarmClocks } from "./swarm-clocks.js";
import { SwarmEnvironment } from "./swarm-environment.js";
import type { SwarmHosts } from "./swarm-hosts.js";
import { TaskWatch } from "./task-watch.js";
import type { RunIdentity, Runtime, StartedEnvironment, SweepOptions } from "./types.js";
import { RUN_LABEL, SWARM_TASK_LABEL } from "./docker-client.js";

export interface SwarmRuntimeOptions {
  logger: Logger;
  /** The node image as its tag (for messages) and its full id (what services run). */
  image: { tag: string; id: string };
  engineVersion: string;
  /** Swarm calls in flight during cleanup. */
  inFlight?: number;
  /** From a service's creation until its task runs (ms). */
  taskTimeoutMs?: number;
}

/** Faults done to a task's container through its host's engine. */
const ENGINE_FAULTS: readonly Capability[] = ["kill", "stop", "pause", "restart", "network-cut"];

export class SwarmRuntime implements Runtime {
  readonly kind = "swarm" as const;
  readonly unit = "service";
  // The rogue is a program of the node image: any task can run it.
  readonly capabilities: ReadonlySet<Capability> = new Set([...ENGINE_FAULTS, "rogue"]);
  private entrypoint: Promise<string[]> | undefined;

  constructor(
    readonly manager: SwarmClient,
    readonly hosts: SwarmHosts,
    private readonly options: SwarmRuntimeOptions,
  ) {}

  describe(): string {
    const names = this.hosts.eligible().map((h) => h.host.hostname);
    return `swarm of ${names.length} host(s) (${names.join(", ")}), docker ${this.options.engineVersion}, image ${this.options.image.tag}`;
  }

  /** A fault needs an engine on every host a node may land on. */
  async checkCapabilities(needed: readonly Capability[]): Promise<Map<Capability, string>> {
    const why = new Map<Capability, string>();
    const missing = this.hosts.withoutEngine().map((h) => h.host.hostname);
    if (missing.length === 0) return why;
    const reason =
      `no engine reachable for swarm node(s) ${missing.join(", ")}, where nodes may run ` +
      `(give each with --engine <host>=ssh://user@<host>; docs/swarm.md)`;
    for (const c of needed) if (ENGINE_FAULTS.includes(c)) why.set(c, reason);
    return why;
  }

  async createEnvironment(run: RunIdentity): Promise<StartedEnvironment> {
    if (this.hosts.eligible().length === 0)
      throw new Error("no swarm node takes tasks (every one is down, drained or paused): `docker node ls`");
    const labels = runLabels(run);
    const name = `jl-${run.runId}`;
    const entrypoint = await (this.entrypoint ??= this.manager.imageEntrypoint(this.options.image.tag));
    const clocks = await SwarmClocks.measure(this.hosts);
    const networkId = await this.manager.createOverlayNetwork(name, labels);
    const watch = new TaskWatch(this.manager, `${RUN_LABEL}=${run.runId}`, (task) => this.explainTask(task));
    const parts = {
      manager: this.manager,
      hosts: this.hosts,
      watch,
      clocks,
      network: { id: networkId, name },
      taskTimeoutMs: this.options.taskTimeoutMs ?? 30_000,
    };
    const summary = `labelled overlay network created; ${clocks.summary()}`;
    return new SwarmEnvironment(
      run,
      parts,
      {
        imageId: this.options.image.id,
        labels,
        gateEntrypoint: gateEntrypoint(entrypoint),
        inFlight: this.options.inFlight ?? 8,
        logger: this.options.logger,
      },
      summary,
    );
  }

  /** Why a task never ran, with what to do when the host lacks the image. */
  private explainTask(task: { nodeId: string; state: string; err?: string }): string {
    const host = this.hosts.nameOf(task.nodeId);
    const err = task.err ?? "no reason given";
    if (/no such image/i.test(err)) {
      const via = this.hosts.byId(task.nodeId)?.via;
      const target = via && via.includes("://") ? `docker -H ${via} load` : `ssh ${host} docker load`;
      return `swarm node ${host} lacks the node image ${this.options.image.tag} (${err}): load it there with \`docker save ${this.options.image.tag} | ${target}\``;
    }
    return `its task on ${host} was ${task.state}: ${err}`;
  }

  /** Services of dead runs first (the swarm stops their tasks), their containers here, then networks. */
  async sweep(options: SweepOptions = {}): Promise<string[]> {
    const label = sweepLabel(options);
    const limit = this.options.inFlight ?? 8;
    const services = (await this.manager.listServices(label)).filter((s) => isStale(s, options));
    const removedServices = await mapLimited(services, limit, (s) =>
      this.manager.removeService(s.id, s.name),
    );
    const tasks = (await this.manager.listContainers(label)).filter(
      (c) => c.labels[SWARM_TASK_LABEL] && isStale(c, options),
    );
    await mapLimited(tasks, limit, (c) => this.manager.removeContainer(c.id, c.name));
    const networks = (await this.manager.listNetworks(label)).filter((n) => n.swarm && isStale(n, options));
    const removedNetworks = await mapLimited(networks, 4, (n) =>
      this.manager.removeOverlayNetwork(n.id, n.name),
    );
    return [
      ...sweepReport("service", services, removedServices),
      ...sweepReport("network", networks, removedNetworks),
    ];
  }

  async close(): Promise<void> {}
}
