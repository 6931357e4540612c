// The swarm's hosts and the engine that reaches each one: the manager's own engine for the host it
// runs on, `--engine <host>=<url>` for the others. Each engine given is checked before anything is
// made: it answers, and it is the engine of the swarm node it was given for.
import Dockerode from "dockerode";
import type { Logger } from "winston";
import { DockerClient } from "./docker-client.js";
import { dockerOptionsOf, type EngineSpec } from "./engine-url.js";
import { RuntimeUnavailable } from "./runtime-unavailable.js";
import type { SwarmClient, SwarmHost } from "./swarm-client.js";

/** How long an engine given with --engine has to answer (ms). */
export const ENGINE_ANSWER_MS = 5000;

export interface HostEngine {
  host: SwarmHost;
  /** The host's engine, when one is reachable from here. */
  client?: DockerClient;
  /** How it is reached, for messages: "the manager's engine" or the --engine URL. */
  via?: string;
}

export class SwarmHosts {
  constructor(private readonly list: readonly HostEngine[]) {}

  get all(): readonly HostEngine[] {
    return this.list;
  }

  /** Hosts the scheduler may place tasks on, the manager's own first, then by hostname. */
  eligible(): HostEngine[] {
    return this.list.filter((h) => h.host.eligible);
  }

  byId(nodeId: string): HostEngine | undefined {
    return this.list.find((h) => h.host.id === nodeId);
  }

  /** Eligible hosts whose engine we cannot reach: faults cannot be done there. */
  withoutEngine(): HostEngine[] {
    return this.eligible().filter((h) => !h.client);
  }

  /** A host's name for messages. */
  nameOf(nodeId: string): string {
    return this.byId(nodeId)?.host.hostname ?? `swarm node ${nodeId.slice(0, 12)}`;
  }
}

/** Lists the swarm's hosts and connects the engines: the manager's own, and each one given. */
export async function connectHosts(
  manager: SwarmClient,
  localNodeId: string,
  specs: readonly EngineSpec[],
  logger: Logger,
): Promise<SwarmHosts> {
  const hosts = await manager.hosts();
  const engines = new Map<string, { client: DockerClient; via: string }>();
  engines.set(localNodeId, { client: manager, via: "the manager's engine" });
  for (const spec of specs) {
    const host = findHost(hosts, spec.node);
    engines.set(host.id, { client: await connectEngine(host, spec, logger), via: spec.url });
  }
  const ordered = [...hosts].sort(
    (a, b) =>
      Number(b.id === localNodeId) - Number(a.id === localNodeId) || a.hostname.localeCompare(b.hostname),
  );
  return new SwarmHosts(ordered.map((host) => ({ host, ...engines.get(host.id) })));
}

function findHost(hosts: readonly SwarmHost[], name: string): SwarmHost {
  const exact = hosts.filter((h) => h.hostname === name || h.id === name);
  const matches = exact.length ? exact : hosts.filter((h) => h.id.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  const known = hosts.map((h) => `${h.hostname} (${h.id.slice(0, 12)})`).join(", ");
  throw new RuntimeUnavailable(
    matches.length === 0
      ? `--engine ${name}=...: the swarm has no node of that hostname or id; its nodes: ${known}`
      : `--engine ${name}=...: ${matches.length} swarm nodes match; give the full hostname or id (${known})`,
  );
}

async function connectEngine(host: SwarmHost, spec: EngineSpec, logger: Logger): Promise<DockerClient> {
  const options = dockerOptionsOf(spec.url);
  // A connection that never completes must not hold the run (nor the process) long.
  const bounded = {
    ...options,
    connectionTimeout: ENGINE_ANSWER_MS,
    ...(options.protocol === "ssh"
      ? { sshOptions: { ...options.sshOptions, readyTimeout: ENGINE_ANSWER_MS } }
      : {}),
  } as Dockerode.DockerOptions;
  const client = new DockerClient(new Dockerode(bounded), logger);
  if (!(await client.ping(ENGINE_ANSWER_MS))) {
    throw new RuntimeUnavailable(
      `--engine ${spec.node}=${spec.url}: no Docker engine answers there within ${ENGINE_ANSWER_MS} ms` +
        (options.protocol === "ssh"
          ? ` (check that \`ssh ${spec.url.replace(/^ssh:\/\//, "")} docker version\` works without a password prompt)`
          : " (check the address, and that the engine listens there)"),
    );
  }
  const info = (await client.docker.info()) as { Swarm?: { NodeID?: string } };
  const nodeId = info.Swarm?.NodeID ?? "";
  if (nodeId !== host.id) {
    throw new RuntimeUnavailable(
      `--engine ${spec.node}=${spec.url}: that engine is ${nodeId ? `swarm node ${nodeId.slice(0, 12)}` : "in no swarm"}, not ${host.hostname} (${host.id.slice(0, 12)})`,
    );
  }
  return client;
}
