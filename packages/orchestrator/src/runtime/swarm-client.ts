// The manager's side of the swarm runtime: services, their tasks, the swarm's nodes and overlay
// networks. Calls are logged like the Docker client's (it is one, with the swarm endpoints added);
// idempotent outcomes are recognised by status code (404 gone), never by message text.
import type Dockerode from "dockerode";
import { DockerClient, statusCode, type ResourceSummary } from "./docker-client.js";

/** One swarm node as the manager sees it. */
export interface SwarmHost {
  id: string;
  hostname: string;
  /** The address it advertises to the swarm. */
  addr: string;
  /** Ready and active: the scheduler may place tasks on it. */
  eligible: boolean;
  manager: boolean;
}

/** A service's task, as far as the runtime needs it. */
export interface TaskInfo {
  id: string;
  serviceId: string;
  nodeId: string;
  state: string;
  desiredState: string;
  /** Why the task failed or was rejected (the engine's words). */
  err?: string;
  containerId?: string;
  exitCode?: number;
  createdAt: string;
}

export interface SwarmMembership {
  state: string;
  nodeId: string;
  manager: boolean;
}

/** A wait that holds the process open: the teardown must finish before it exits. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long an overlay network may stay busy after its services are gone (ms). */
const OVERLAY_RELEASE_MS = 20_000;

export class SwarmClient extends DockerClient {
  async membership(): Promise<SwarmMembership> {
    return this.call("Reading the swarm state", "Read the swarm state", async () => {
      const info = (await this.docker.info()) as {
        Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean };
      };
      const swarm = info.Swarm ?? {};
      return {
        state: swarm.LocalNodeState ?? "inactive",
        nodeId: swarm.NodeID ?? "",
        manager: !!swarm.ControlAvailable,
      };
    });
  }

  async hosts(): Promise<SwarmHost[]> {
    return this.call("Listing the swarm's nodes", "Listed the swarm's nodes", async () => {
      const nodes = (await this.docker.listNodes()) as {
        ID: string;
        Description?: { Hostname?: string };
        Status?: { State?: string; Addr?: string };
        Spec?: { Availability?: string; Role?: string };
      }[];
      return nodes.map((n) => ({
        id: n.ID,
        hostname: n.Description?.Hostname ?? n.ID,
        addr: n.Status?.Addr ?? "",
        eligible: n.Status?.State === "ready" && n.Spec?.Availability === "active",
        manager: n.Spec?.Role === "manager",
      }));
    });
  }

  async createOverlayNetwork(name: string, labels: Record<string, string>): Promise<string> {
    return this.call(`Creating overlay network ${name}`, `Created overlay network ${name}`, async () => {
      const network = await this.docker.createNetwork({
        Name: name,
        Driver: "overlay",
        // Attachable: a plain container (a helper, a probe) may join the run's network too.
        Attachable: true,
        // Nodes need no way out: the network safety rule keeps traffic among our own containers.
        Internal: true,
        CheckDuplicate: true,
        Labels: labels,
      });
      return network.id;
    });
  }

  /**
   * Removes an overlay network, which stays in use until the swarm has let go of every task's
   * endpoint (a little after its services are gone): retried, bounded.
   */
  async removeOverlayNetwork(id: string, name: string): Promise<void> {
    await this.call(`Removing overlay network ${name}`, `Removed overlay network ${name}`, async () => {
      const deadline = performance.now() + OVERLAY_RELEASE_MS;
      for (;;) {
        try {
          await this.docker.getNetwork(id).remove();
          // The manager forgets it at once; this engine's copy goes a moment later.
          await this.docker.getNetwork(id).inspect();
          await pause(100);
        } catch (err) {
          if (statusCode(err) === 404) return;
          if (performance.now() > deadline) throw err;
          await pause(250);
        }
      }
    });
  }

  async createService(spec: Dockerode.CreateServiceOptions): Promise<string> {
    return this.call(`Creating service ${spec.Name}`, `Created service ${spec.Name}`, async () => {
      const service = await this.docker.createService(spec);
      return service.id as string;
    });
  }

  async removeService(id: string, name: string): Promise<void> {
    await this.call(`Removing service ${name}`, `Removed service ${name}`, async () => {
      try {
        await this.docker.getService(id).remove();
      } catch (err) {
        if (statusCode(err) !== 404) throw err; // gone
      }
    });
  }

  /** A new task for the service, with the same spec (`docker service update --force`). */
  async forceUpdate(id: string, name: string): Promise<void> {
    await this.call(`Replacing the task of ${name}`, `Replaced the task of ${name}`, async () => {
      const service = this.docker.getService(id);
      const current = (await service.inspect()) as {
        Version: { Index: number };
        Spec: Dockerode.ServiceSpec;
      };
      const template = current.Spec.TaskTemplate ?? {};
      await service.update({
        version: current.Version.Index,
        ...current.Spec,
        TaskTemplate: { ...template, ForceUpdate: (template.ForceUpdate ?? 0) + 1 },
      });
    });
  }

  async tasks(label: string): Promise<TaskInfo[]> {
    const list = (await this.docker.listTasks({ filters: { label: [label] } })) as RawTask[];
    return list.map(taskInfo);
  }

  /** One task as it is now; undefined once the swarm has forgotten it. */
  async task(id: string): Promise<TaskInfo | undefined> {
    try {
      return taskInfo((await this.docker.getTask(id).inspect()) as RawTask);
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  /** Follows a task's output through the swarm (for hosts whose engine we cannot reach). */
  async followTaskLogs(taskId: string, name: string): Promise<NodeJS.ReadableStream> {
    return this.call(`Following task logs of ${name}`, `Following task logs of ${name}`, async () => {
      const task = this.docker.getTask(taskId) as unknown as {
        logs(options: Record<string, unknown>): Promise<NodeJS.ReadableStream>;
      };
      return task.logs({ follow: true, stdout: true, stderr: true, timestamps: true });
    });
  }

  async listServices(label: string): Promise<ResourceSummary[]> {
    return this.call(`Listing services labelled ${label}`, `Listed services labelled ${label}`, async () => {
      const list = (await this.docker.listServices({ filters: { label: [label] } })) as {
        ID: string;
        Spec?: { Name?: string; Labels?: Record<string, string> };
      }[];
      return list.map((s) => ({ id: s.ID, name: s.Spec?.Name ?? s.ID, labels: s.Spec?.Labels ?? {} }));
    });
  }
}

interface RawTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  CreatedAt: string;
  DesiredState: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

function taskInfo(t: RawTask): TaskInfo {
  const container = t.Status.ContainerStatus;
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    nodeId: t.NodeID ?? "",
    state: t.Status.State,
    desiredState: t.DesiredState,
    createdAt: t.CreatedAt,
    ...(t.Status.Err ? { err: t.Status.Err } : {}),
    ...(container?.ContainerID ? { containerId: container.ContainerID } : {}),
    ...(container?.ExitCode !== undefined ? { exitCode: container.ExitCode } : {}),
  };
}
