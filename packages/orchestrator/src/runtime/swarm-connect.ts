// Connecting the swarm runtime, in the order that fails fastest: an engine answers, it is a swarm
// manager, each --engine answers and is the host it was given for, the node image exists (built
// here when not current), and every host we reach holds it. Nothing is made before all of that
// holds, so a refusal (exit 2) leaves nothing behind.
import type Dockerode from "dockerode";
import type { Logger } from "winston";
import { ensureNodeImage } from "../image/ensure-node-image.js";
import { statusCode } from "./docker-client.js";
import type { EngineSpec } from "./engine-url.js";
import { RuntimeUnavailable } from "./runtime-unavailable.js";
import { SwarmClient, type SwarmMembership } from "./swarm-client.js";
import { connectHosts, type SwarmHosts } from "./swarm-hosts.js";
import { SwarmRuntime } from "./swarm-runtime.js";

export interface ConnectSwarmOptions {
  logger: Logger;
  /** Progress lines (image build). */
  log: (line: string) => void;
  engines: readonly EngineSpec[];
  rebuild?: boolean;
  /** Skip the image step (clean and sweep need none). */
  withoutImage?: boolean;
}

export async function connectSwarm(docker: Dockerode, options: ConnectSwarmOptions): Promise<SwarmRuntime> {
  const manager = new SwarmClient(docker, options.logger);
  if (!(await manager.ping(1500)))
    throw new RuntimeUnavailable(
      "no Docker engine answers (is dockerd running? `bash scripts/ensure-docker.sh` starts one)",
    );
  const membership = await manager.membership();
  if (!membership.manager) throw new RuntimeUnavailable(notAManager(membership));
  const hosts = await connectHosts(manager, membership.nodeId, options.engines, options.logger);
  const engineVersion = await manager.version().catch(() => "");
  if (options.withoutImage)
    return new SwarmRuntime(manager, hosts, {
      logger: options.logger,
      image: { tag: "", id: "" },
      engineVersion,
    });
  const ensured = await ensureNodeImage(docker, { log: options.log, rebuild: options.rebuild });
  options.log(
    ensured.built
      ? `built ${ensured.tag} on ${ensured.baseImage} in ${ensured.seconds.toFixed(2)}s`
      : `reusing ${ensured.tag}`,
  );
  const image = {
    tag: ensured.tag,
    id: ((await docker.getImage(ensured.tag).inspect()) as { Id: string }).Id,
  };
  await requireImageOnHosts(hosts, image);
  return new SwarmRuntime(manager, hosts, { logger: options.logger, image, engineVersion });
}

/** Whether the engine the CLI talks to can run the swarm runtime, for `clean` (never throws). */
export async function isSwarmManager(docker: Dockerode, logger: Logger): Promise<boolean> {
  return new SwarmClient(docker, logger)
    .membership()
    .then((m) => m.manager)
    .catch(() => false);
}

function notAManager(m: SwarmMembership): string {
  const what =
    m.state === "active"
      ? "is a swarm worker, not a manager (run joinlab on a manager, or point DOCKER_HOST at one)"
      : m.state === "inactive"
        ? "is in no swarm"
        : `is in swarm state ${m.state}`;
  return (
    `--runtime swarm needs a swarm manager, and this Docker engine ${what}. ` +
    "To make this machine a one-node swarm: `docker swarm init --advertise-addr 127.0.0.1` " +
    "(undo with `docker swarm leave --force && docker network rm docker_gwbridge`); " +
    "for several machines see docs/swarm.md"
  );
}

/** Every host we reach holds the image by its id (the one the services run), or the run says how to load it. */
async function requireImageOnHosts(hosts: SwarmHosts, image: { tag: string; id: string }): Promise<void> {
  const lacking: string[] = [];
  for (const h of hosts.eligible()) {
    if (!h.client) continue;
    try {
      await h.client.docker.getImage(image.id).inspect();
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      lacking.push(`${h.host.hostname}: docker save ${image.tag} | docker -H ${h.via} load`);
    }
  }
  if (lacking.length) {
    throw new RuntimeUnavailable(
      `the node image ${image.tag} (${image.id.slice(7, 19)}) is missing on ${lacking.length} swarm host(s); ` +
        `with no registry, load it there from this machine:\n  ${lacking.join("\n  ")}`,
    );
  }
}
