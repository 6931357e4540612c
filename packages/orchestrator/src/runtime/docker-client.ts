// The narrow Docker client: the only file that calls dockerode for containers and networks. Every
// call is logged when it starts and when it finishes (or fails, then rethrown), and bounded in time
// (engine-call-bound.ts); idempotent outcomes are recognised by status code (304 already done, 404
// gone), never by message text.
import { PassThrough, type Duplex } from "node:stream";
import type Dockerode from "dockerode";
import type { Logger } from "winston";
import { EngineCallBound } from "./engine-call-bound.js";

export const RUN_LABEL = "joinlab.run";
export const SCENARIO_LABEL = "joinlab.scenario";
export const NODE_LABEL = "joinlab.node";
/** Which orchestrator process owns the resource: the start-up sweep leaves live owners' runs alone. */
export const OWNER_LABEL = "joinlab.owner";
export const KEEP_LABEL = "joinlab.keep";
/** Set by the engine on a swarm task's container: the swarm runtime removes those with their service. */
export const SWARM_TASK_LABEL = "com.docker.swarm.task.id";

export function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number } | undefined)?.statusCode;
}

export interface ExecResult {
  /** null when the engine could not tell (the process was still running when inspected). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface ResourceSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** A swarm-scoped network (an overlay): the swarm runtime's to remove. */
  swarm?: boolean;
}

/** The parts of the engine's container stats that joinlab reads. */
interface ContainerStatsSample {
  memory_stats?: { usage?: number; stats?: Record<string, number> };
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
}

/** How long a network's removal is retried while the engine still holds its endpoints. */
const NETWORK_RELEASE_MS = 30_000;

/**
 * The same for an earlier run's network, whose containers are long gone: an endpoint the engine
 * still holds then is one it lost track of (only an engine restart frees it), and every run's
 * start-up sweep would wait for it.
 */
export const STALE_NETWORK_RELEASE_MS = 1_000;

export class DockerClient {
  constructor(
    /** The engine, for the image builders (their build and pull streams); nothing else calls it past this client. */
    readonly docker: Dockerode,
    private readonly logger: Logger,
    private readonly bound = new EngineCallBound(),
  ) {}

  /** `extraMs`: time the call takes on purpose (a stop's grace period), on top of the bound. */
  protected async call<T>(
    what: string,
    done: string,
    fn: (abortSignal: AbortSignal) => Promise<T>,
    extraMs = 0,
  ): Promise<T> {
    this.logger.debug(`${what}...`);
    try {
      const result = await this.bound.run(what, fn, extraMs);
      this.logger.debug(done);
      return result;
    } catch (err) {
      this.logger.debug(`${what} failed: ${(err as Error).message}`);
      throw err;
    }
  }

  async ping(timeoutMs: number): Promise<boolean> {
    try {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer after ${timeoutMs}ms`)), timeoutMs);
      });
      await this.call("Pinging the Docker engine", "Docker engine answered", () =>
        Promise.race([this.docker.ping(), deadline]).finally(() => clearTimeout(timer)),
      );
      return true;
    } catch {
      return false;
    }
  }

  async version(): Promise<string> {
    const v = await this.call("Reading the Docker version", "Read the Docker version", () =>
      this.docker.version(),
    );
    return v.Version;
  }

  /** `subnet` pins the address range, so a reconnected node can get its old address back. */
  async createNetwork(name: string, labels: Record<string, string>, subnet?: string): Promise<string> {
    return this.call(`Creating network ${name}`, `Created network ${name}`, async (abortSignal) => {
      const network = await this.docker.createNetwork({
        abortSignal,
        Name: name,
        Driver: "bridge",
        // Nodes need no way out: the network safety rule keeps traffic among our own containers.
        Internal: true,
        CheckDuplicate: true,
        Labels: labels,
        ...(subnet ? { IPAM: { Driver: "default", Config: [{ Subnet: subnet }] } } : {}),
      });
      return network.id;
    });
  }

  /**
   * `releaseMs`: how long to retry while the engine still holds endpoints (right after its
   * containers were removed); a sweep of old runs' networks passes less.
   */
  async removeNetwork(id: string, releaseMs = NETWORK_RELEASE_MS): Promise<void> {
    const removal = async (abortSignal: AbortSignal) => {
      // Just after its containers are removed, a loaded daemon may still hold their endpoints
      // (403) for seconds (3 s of retries once left a bench's network behind): try again.
      const deadline = performance.now() + releaseMs;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.docker.getNetwork(id).remove({ abortSignal });
          return;
        } catch (err) {
          const code = statusCode(err);
          if (code === 404) return;
          if (code !== 403) throw err;
          if (performance.now() > deadline) throw await this.networkHeld(id, releaseMs);
          this.logger.debug(`Network ${id} still has endpoints: retrying (attempt ${attempt})`);
          // A timer that holds the process: in the start-up sweep nothing else keeps it alive, and
          // an unref'd pause let the CLI exit 0 mid-sweep, before the run had even begun.
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * attempt)));
        }
      }
    };
    await this.call(`Removing network ${id}`, `Removed network ${id}`, removal, releaseMs);
  }

  /** Why a network's removal is still refused and what to do, by the containers the engine lists on it. */
  private async networkHeld(id: string, releaseMs: number): Promise<Error> {
    // The engine has just answered the removal; dockerode's network inspect takes no abort signal.
    const info = (await this.docker
      .getNetwork(id)
      .inspect()
      .catch(() => undefined)) as
      { Name?: string; Containers?: Record<string, { Name?: string }> } | undefined;
    const name = info?.Name ?? id;
    const attached = Object.values(info?.Containers ?? {}).map((c) => c.Name ?? "?");
    const waited = releaseMs >= 1000 ? `${Math.round(releaseMs / 1000)} s` : `${releaseMs} ms`;
    return new Error(
      attached.length > 0
        ? `network ${name} is still in use by ${attached.join(", ")} after ${waited}: remove ` +
            "those containers, then run `npm run clean`"
        : `network ${name} still has endpoints after ${waited}, though no container is on it: the ` +
            "Docker engine lost track of them, and only its restart frees them. Restart it (`pkill " +
            "dockerd`; `bash scripts/ensure-docker.sh`), then run `npm run clean`",
    );
  }

  async createContainer(options: Dockerode.ContainerCreateOptions): Promise<string> {
    return this.call(
      `Creating container ${options.name}`,
      `Created container ${options.name}`,
      async (abortSignal) => {
        const container = await this.docker.createContainer({ ...options, abortSignal });
        return container.id;
      },
    );
  }

  async startContainer(id: string, name: string): Promise<void> {
    await this.call(`Starting container ${name}`, `Started container ${name}`, async (abortSignal) => {
      try {
        await this.docker.getContainer(id).start({ abortSignal });
      } catch (err) {
        if (statusCode(err) !== 304) throw err; // already started
      }
    });
  }

  async stopContainer(id: string, name: string, timeoutSeconds: number): Promise<void> {
    const stop = async (abortSignal: AbortSignal) => {
      try {
        await this.docker.getContainer(id).stop({ t: timeoutSeconds, abortSignal });
      } catch (err) {
        const code = statusCode(err);
        if (code !== 304 && code !== 404) throw err; // already stopped, or gone
      }
    };
    await this.call(`Stopping container ${name}`, `Stopped container ${name}`, stop, timeoutSeconds * 1000);
  }

  async killContainer(id: string, name: string, signal = "SIGKILL"): Promise<void> {
    await this.call(
      `Sending ${signal} to container ${name}`,
      `Sent ${signal} to container ${name}`,
      async (abortSignal) => {
        try {
          await this.docker.getContainer(id).kill({ signal, abortSignal });
        } catch (err) {
          const code = statusCode(err);
          if (code !== 404 && code !== 409) throw err; // gone, or not running
        }
      },
    );
  }

  async pauseContainer(id: string, name: string, pause: boolean): Promise<void> {
    const verb = pause ? "Pausing" : "Unpausing";
    await this.call(
      `${verb} container ${name}`,
      `${pause ? "Paused" : "Unpaused"} container ${name}`,
      async (abortSignal) => {
        try {
          const container = this.docker.getContainer(id);
          await (pause ? container.pause({ abortSignal }) : container.unpause({ abortSignal }));
        } catch (err) {
          if (statusCode(err) !== 409) throw err; // already in that state
        }
      },
    );
  }

  async disconnectNetwork(networkId: string, id: string, name: string): Promise<void> {
    await this.call(`Disconnecting ${name} from its network`, `Disconnected ${name}`, async (abortSignal) => {
      try {
        await this.docker.getNetwork(networkId).disconnect({ Container: id, Force: true, abortSignal });
      } catch (err) {
        const code = statusCode(err);
        if (code !== 404 && code !== 409) throw err; // gone, or not connected
      }
    });
  }

  /** Every subnet the engine's networks use (to pick one that does not overlap). */
  async usedSubnets(): Promise<string[]> {
    return this.call("Listing network subnets", "Listed network subnets", async (abortSignal) => {
      const list = await this.docker.listNetworks({ abortSignal });
      return list.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? "")).filter(Boolean);
    });
  }

  /** A container's IPv4 address on a network, when it has one. */
  async addressOn(id: string, name: string, network: string): Promise<string | undefined> {
    const info = await this.inspectContainer(id, name);
    return info?.NetworkSettings?.Networks?.[network]?.IPAddress || undefined;
  }

  async connectNetwork(
    networkId: string,
    id: string,
    name: string,
    alias: string,
    ipv4?: string,
  ): Promise<void> {
    await this.call(`Connecting ${name} to its network`, `Connected ${name}`, async (abortSignal) => {
      try {
        // dockerode reads abortSignal here too; its types leave it out.
        await this.docker.getNetwork(networkId).connect({
          abortSignal,
          Container: id,
          EndpointConfig: { Aliases: [alias], ...(ipv4 ? { IPAMConfig: { IPv4Address: ipv4 } } : {}) },
        } as Dockerode.NetworkConnectOptions);
      } catch (err) {
        if (statusCode(err) !== 409 && statusCode(err) !== 403) throw err; // already connected
      }
    });
  }

  async removeContainer(id: string, name: string): Promise<void> {
    await this.call(`Removing container ${name}`, `Removed container ${name}`, async (abortSignal) => {
      try {
        await this.docker.getContainer(id).remove({ force: true, v: true, abortSignal });
      } catch (err) {
        const code = statusCode(err);
        if (code !== 404 && code !== 409) throw err; // gone, or removal already in progress
      }
    });
  }

  /** A hijacked stdin stream (for the start gate's release line); attach before the start. */
  async attachStdin(id: string, name: string): Promise<NodeJS.ReadWriteStream> {
    return this.call(`Attaching to stdin of ${name}`, `Attached to stdin of ${name}`, (abortSignal) =>
      this.docker
        .getContainer(id)
        .attach({ stream: true, stdin: true, stdout: false, stderr: false, hijack: true, abortSignal }),
    );
  }

  /**
   * Runs `cmd` in a running container with `input` on its stdin, and waits (at most `timeoutMs`)
   * for it to end: its exit code and demultiplexed output.
   */
  async exec(id: string, name: string, cmd: string[], input = "", timeoutMs = 10_000): Promise<ExecResult> {
    const run = async (abortSignal: AbortSignal) => {
      const exec = await this.docker.getContainer(id).exec({
        abortSignal,
        Cmd: cmd,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const text = { stdout: "", stderr: "" };
      stdout.on("data", (d: Buffer) => (text.stdout += d.toString()));
      stderr.on("data", (d: Buffer) => (text.stderr += d.toString()));
      this.docker.modem.demuxStream(stream, stdout, stderr);
      const ended = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          stream.destroy();
          reject(new Error(`${cmd[0]} in ${name} did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => (clearTimeout(timer), resolve());
        stream.once("end", done);
        stream.once("close", done);
        stream.once("error", (e) => (clearTimeout(timer), reject(e)));
      });
      stream.end(input);
      await ended;
      const info = await exec.inspect({ abortSignal });
      return { exitCode: info.ExitCode, ...text };
    };
    return this.call(`Running ${cmd[0]} in ${name}`, `Ran ${cmd[0]} in ${name}`, run, timeoutMs);
  }

  /** Follows a container's output from its start: multiplexed (Tty false), with timestamps. */
  async followLogs(id: string, name: string, since?: number): Promise<NodeJS.ReadableStream> {
    return this.call(`Following logs of ${name}`, `Following logs of ${name}`, (abortSignal) =>
      this.docker.getContainer(id).logs({
        abortSignal,
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        ...(since !== undefined ? { since } : {}),
      }),
    );
  }

  /**
   * Splits a followed log stream (multiplexed: Tty false) into its stdout and stderr: the 8-byte
   * frame headers are dockerode's modem's to read.
   */
  demuxLogs(
    stream: NodeJS.ReadableStream,
    stdout: NodeJS.WritableStream,
    stderr: NodeJS.WritableStream,
  ): void {
    this.docker.modem.demuxStream(stream, stdout, stderr);
  }

  async inspectContainer(id: string, name: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    return this.call(`Inspecting container ${name}`, `Inspected container ${name}`, async (abortSignal) => {
      try {
        return await this.docker.getContainer(id).inspect({ abortSignal });
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    });
  }

  /** One-shot memory sample (API 1.41 `one-shot`: no two-sample wait). */
  async memoryStats(id: string, name: string): Promise<{ usage?: number; stats?: Record<string, number> }> {
    return (await this.oneShotStats(id, name)).memory_stats ?? {};
  }

  /** CPU time the container's processes have used so far, in nanoseconds (its cgroup's counter). */
  async cpuUsageNanos(id: string, name: string): Promise<number | undefined> {
    return (await this.oneShotStats(id, name)).cpu_stats?.cpu_usage?.total_usage;
  }

  private oneShotStats(id: string, name: string): Promise<ContainerStatsSample> {
    return this.call(`Reading stats of ${name}`, `Read stats of ${name}`, async (abortSignal) => {
      return (await this.docker.getContainer(id).stats({ stream: false, "one-shot": true, abortSignal } as {
        stream: false;
      })) as unknown as ContainerStatsSample;
    });
  }

  async imageEntrypoint(tag: string): Promise<string[]> {
    return this.call(`Inspecting image ${tag}`, `Inspected image ${tag}`, async () => {
      const info = await this.docker.getImage(tag).inspect();
      const entry = info.Config?.Entrypoint;
      return Array.isArray(entry) ? entry : typeof entry === "string" ? [entry] : [];
    });
  }

  async listContainers(label: string): Promise<ResourceSummary[]> {
    return this.call(
      `Listing containers labelled ${label}`,
      `Listed containers labelled ${label}`,
      async (abortSignal) => {
        const list = await this.docker.listContainers({
          all: true,
          filters: { label: [label] },
          abortSignal,
        });
        return list.map((c) => ({
          id: c.Id,
          name: (c.Names[0] ?? c.Id).replace(/^\//, ""),
          labels: c.Labels ?? {},
        }));
      },
    );
  }

  async listNetworks(label: string): Promise<ResourceSummary[]> {
    return this.call(
      `Listing networks labelled ${label}`,
      `Listed networks labelled ${label}`,
      async (abortSignal) => {
        const list = await this.docker.listNetworks({ filters: { label: [label] }, abortSignal });
        return list.map((n) => ({
          id: n.Id,
          name: n.Name,
          labels: n.Labels ?? {},
          ...(n.Scope === "swarm" ? { swarm: true } : {}),
        }));
      },
    );
  }
}
