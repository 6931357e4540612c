// One node as a swarm service: its task runs on whichever host the placement chose, and everything
// done to the node program goes through that host's engine — the start gate's release, its output,
// kill, stop, pause, network cuts. A restart kills the task's container and asks the swarm for a
// new task of the same service: same name, alias, port and flags, a new process (and container).
import type { Duplex } from "node:stream";
import { NodeLog } from "../logs/node-log.js";
import type { RecordOrder } from "../logs/records.js";
import { ContainerControl } from "./container-control.js";
import { ProcessExit } from "./process-exit.js";
import { ContainerOutput, containerSource } from "./container-output.js";
import { GATE_RELEASE } from "./gate.js";
import type { SwarmClient, TaskInfo } from "./swarm-client.js";
import type { SwarmClocks } from "./swarm-clocks.js";
import type { HostEngine, SwarmHosts } from "./swarm-hosts.js";
import { serviceSpec, type ServiceLaunch } from "./swarm-service-spec.js";
import { taskSource } from "./swarm-task-source.js";
import type { TaskWatch } from "./task-watch.js";
import type { CreatedNode, ExitInfo, StartedNode } from "./types.js";

/** What the nodes of one run share. */
export interface SwarmRunParts {
  manager: SwarmClient;
  hosts: SwarmHosts;
  watch: TaskWatch;
  clocks: SwarmClocks;
  network: { id: string; name: string };
  /** From a service's creation until its task runs (ms). */
  taskTimeoutMs: number;
}

interface RunningTask {
  info: TaskInfo;
  host: HostEngine | undefined;
  control: ContainerControl | undefined;
  output: ContainerOutput;
  stdin: Duplex | undefined;
}

export class SwarmNode implements CreatedNode, StartedNode {
  readonly log: NodeLog;
  logError: string | undefined;
  private readonly exit = new ProcessExit();
  private readonly order: RecordOrder = { next: 0, gen: 0 };
  private serviceId: string | undefined;
  private task: RunningTask | undefined;
  /** Every task this node has had, oldest first: a restart waits for one not in here. */
  private readonly tasks: TaskInfo[] = [];
  private started = false;
  private prepared: Promise<void> | undefined;
  private removed = false;

  constructor(
    private readonly parts: SwarmRunParts,
    private readonly launch: ServiceLaunch,
  ) {
    this.log = new NodeLog(launch.node);
  }

  get name(): string {
    return this.launch.node;
  }

  /** Resolves when the node program has exited; never rejects. */
  get exited(): Promise<ExitInfo> {
    return this.exit.promise;
  }

  get exitInfo(): ExitInfo | undefined {
    return this.exit.info;
  }

  get id(): string {
    return this.serviceId ?? this.launch.service;
  }

  /** The swarm host its current task runs on. */
  get host(): string | undefined {
    return this.task ? this.parts.hosts.nameOf(this.task.info.nodeId) : undefined;
  }

  private get gated(): boolean {
    return this.launch.gateEntrypoint !== undefined;
  }

  /** Behind the gate the service is made at once (its task starts while others come up). */
  async create(): Promise<this> {
    if (this.gated) await this.createService();
    return this;
  }

  /** Waits for the gated task to run, attaches to it and follows its output. */
  prepare(): Promise<void> {
    if (!this.gated) return Promise.resolve();
    return (this.prepared ??= this.runTask());
  }

  async start(): Promise<StartedNode> {
    if (this.started) return this;
    this.started = true;
    if (!this.gated) {
      await this.createService();
      this.prepared = this.runTask();
    }
    await this.prepared!;
    if (this.exitInfo)
      throw new Error(`${this.name}'s task exited (code ${this.exitInfo.code}) before its turn`);
    this.release();
    return this;
  }

  private async createService(): Promise<void> {
    this.serviceId = await this.parts.manager.createService(serviceSpec(this.launch));
  }

  /** The service's next task, once it runs: attached (behind the gate) and followed from its start. */
  private async runTask(): Promise<void> {
    const past = new Set(this.tasks.map((t) => t.id));
    const info = await this.parts.watch.running(this.serviceId!, this.parts.taskTimeoutMs, past);
    this.tasks.push(info);
    const host = this.parts.hosts.byId(info.nodeId);
    const client = host?.client;
    const container = { id: info.containerId!, name: this.launch.service };
    // Behind the gate the node program waits for this stdin; the bytes wait in the pipe until read.
    const stdin = this.gated
      ? ((await client!.attachStdin(container.id, container.name)) as Duplex)
      : undefined;
    const source = client
      ? containerSource(client, container)
      : taskSource(this.parts.manager, info, this.launch.service);
    const output = await ContainerOutput.follow(client ?? this.parts.manager, source, this.log, this.order, {
      toLocal: this.parts.clocks.toLocal(info.nodeId),
      onError: (message) => (this.logError ??= message),
    });
    const network = { ...this.parts.network, alias: this.name };
    const control = client ? new ContainerControl(client, container, network) : undefined;
    this.task = { info, host, control, output, stdin };
    void output.exit.then((exit) => {
      this.log.end();
      stdin?.destroy();
      this.exit.settle(exit);
    });
  }

  private release(): void {
    const stdin = this.task?.stdin;
    if (!stdin) return;
    this.task!.stdin = undefined;
    stdin.end(GATE_RELEASE);
  }

  /** The task's container through its host's engine; faults need one (capabilities say so). */
  private control(): ContainerControl {
    const control = this.task?.control;
    if (!control) {
      const host = this.task ? this.parts.hosts.nameOf(this.task.info.nodeId) : "its host";
      throw new Error(`${this.name} runs on ${host}, whose engine is not reachable from here (--engine)`);
    }
    return control;
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.task || this.exitInfo || this.removed) return;
    // Without an engine for its host, removing the service stops the task just as gracefully.
    if (this.task.control) await this.task.control.stop(options.timeoutMs ?? 2000);
    else await this.parts.manager.removeService(this.id, this.launch.service);
    await this.exited;
  }

  async kill(): Promise<void> {
    if (!this.task || this.exitInfo || this.removed) return;
    await this.control().kill();
  }

  /** Crash and restart in place: SIGKILL, then a new task of the same service, released at once. */
  async restart(): Promise<void> {
    if (!this.task || this.removed) return;
    await this.control().kill();
    await this.exited;
    this.order.gen++;
    this.exit.renew();
    this.log.reopen();
    await this.parts.manager.forceUpdate(this.id, this.launch.service);
    await this.runTask();
    this.release();
  }

  pause(): Promise<void> {
    return this.control().pause();
  }

  unpause(): Promise<void> {
    return this.control().unpause();
  }

  disconnect(): Promise<void> {
    return this.control().disconnect();
  }

  connect(): Promise<void> {
    return this.control().connect();
  }

  async rssBytes(): Promise<number | undefined> {
    if (!this.task?.control || this.exitInfo) return undefined;
    return this.task.control.rssBytes();
  }

  async cpuSeconds(): Promise<number | undefined> {
    if (!this.task?.control || this.exitInfo) return undefined;
    return this.task.control.cpuSeconds();
  }

  /** Removes the service, then its tasks' containers where we reach their engines (the swarm would, later). */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    if (this.serviceId) await this.parts.manager.removeService(this.serviceId, this.launch.service);
    await Promise.allSettled(
      this.tasks.map((t) => {
        const client = this.parts.hosts.byId(t.nodeId)?.client;
        return client?.removeContainer(t.containerId!, this.launch.service);
      }),
    );
  }

  /** Closes our streams to the task without touching it. */
  detach(): void {
    this.task?.stdin?.destroy();
    this.task?.output.destroy();
  }
}
