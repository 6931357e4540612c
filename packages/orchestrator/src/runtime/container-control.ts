// What a runtime does to one running node container through the engine that runs it: stop, kill,
// freeze, cut off its network and reconnect it, read its memory. The Docker runtime and the swarm
// runtime (through the task's host engine) share it.
import { statusCode, type DockerClient } from "./docker-client.js";

export interface ContainerRef {
  id: string;
  name: string;
}

export interface NetworkRef {
  id: string;
  name: string;
  /** The node's name on it: peers dial it. */
  alias: string;
}

export class ContainerControl {
  /** Set when the engine cannot freeze cgroups and the pause was a SIGSTOP instead. */
  private stoppedBySignal = false;
  /** The address the node had before its first cut: a reconnect asks for it again. */
  private address: string | undefined;

  constructor(
    readonly client: DockerClient,
    readonly container: ContainerRef,
    private readonly network: NetworkRef,
  ) {}

  stop(timeoutMs: number): Promise<void> {
    return this.client.stopContainer(this.container.id, this.container.name, Math.ceil(timeoutMs / 1000));
  }

  kill(): Promise<void> {
    return this.client.killContainer(this.container.id, this.container.name);
  }

  /**
   * docker pause (cgroup freezer). Engines without a usable freezer (rootless, nested) answer
   * 500 "unable to freeze": then SIGSTOP through the same API, which reaches the node (PID 1)
   * since the kernel never lets PID 1 ignore SIGSTOP from outside its namespace.
   */
  async pause(): Promise<void> {
    const { id, name } = this.container;
    try {
      await this.client.pauseContainer(id, name, true);
    } catch (err) {
      if (statusCode(err) !== 500) throw err;
      await this.client.killContainer(id, name, "SIGSTOP");
      this.stoppedBySignal = true;
    }
  }

  async unpause(): Promise<void> {
    const { id, name } = this.container;
    if (this.stoppedBySignal) {
      this.stoppedBySignal = false;
      await this.client.killContainer(id, name, "SIGCONT");
      return;
    }
    await this.client.pauseContainer(id, name, false);
  }

  async disconnect(): Promise<void> {
    const { id, name } = this.container;
    this.address ??= await this.client.addressOn(id, name, this.network.name).catch(() => undefined);
    await this.client.disconnectNetwork(this.network.id, id, name);
  }

  async connect(): Promise<void> {
    const { id, name } = this.container;
    const { id: networkId, alias } = this.network;
    try {
      await this.client.connectNetwork(networkId, id, name, alias, this.address);
    } catch (err) {
      // An engine-chosen subnet takes no fixed address: reconnect at whatever it gives.
      if (!this.address) throw err;
      await this.client.connectNetwork(networkId, id, name, alias);
    }
  }

  async rssBytes(): Promise<number | undefined> {
    const memory = await this.client.memoryStats(this.container.id, this.container.name);
    // cgroup v1: rss (anonymous memory) is what the process holds; usage includes page cache.
    const stats = memory.stats ?? {};
    return stats.total_rss ?? stats.rss ?? stats.anon ?? memory.usage;
  }

  async cpuSeconds(): Promise<number | undefined> {
    const nanos = await this.client.cpuUsageNanos(this.container.id, this.container.name);
    return nanos === undefined ? undefined : nanos / 1e9;
  }
}
