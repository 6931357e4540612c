// The physical floor the bench compares against: create and start N plain containers of the node
// image (each node on its own, --makeMasterOnError, so it idles as a master), the same number in
// flight as a scenario run, timed from the first create until the last start returned.
import { performance } from "node:perf_hooks";
import { DockerClient, OWNER_LABEL, RUN_LABEL, SCENARIO_LABEL } from "../runtime/docker-client.js";
import { NO_HEALTHCHECK, ownerTag } from "../runtime/docker-runtime.js";
import { Limiter, mapLimited } from "../runtime/limiter.js";

export interface BareStartOptions {
  client: DockerClient;
  image: string;
  nodes: number;
  inFlight: number;
  runId: string;
  /** The containers' cgroup parent: a large run's, as the scenario's containers get. */
  cgroupParent?: string;
}

export async function bareDockerStart(
  options: BareStartOptions,
): Promise<{ ms: number; teardownMs: number }> {
  const { client, runId } = options;
  const labels = { [RUN_LABEL]: runId, [SCENARIO_LABEL]: "bench-bare", [OWNER_LABEL]: ownerTag() };
  const network = `jl-${runId}`;
  const networkId = await client.createNetwork(network, labels);
  const ids: { id: string; name: string }[] = [];
  let ms: number | undefined;
  let teardownMs: number | undefined;
  try {
    const limiter = new Limiter(options.inFlight);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: options.nodes }, (_, i) =>
        limiter.run(async () => {
          const name = `jl-${runId}-bare${i + 1}`;
          const id = await client.createContainer({
            name,
            Image: options.image,
            Cmd: [
              "--makeMasterOnError",
              "--clusterip",
              `bare${i + 1}:8001`,
              "--myport",
              "8001",
              "--advertise",
              `bare${i + 1}`,
            ],
            Labels: { ...labels, "joinlab.node": `bare${i + 1}` },
            // As the scenario's containers: no per-second health-check process.
            Healthcheck: NO_HEALTHCHECK,
            HostConfig: {
              NetworkMode: network,
              ...(options.cgroupParent ? { CgroupParent: options.cgroupParent } : {}),
            },
            NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [`bare${i + 1}`] } } },
          });
          ids.push({ id, name });
          await client.startContainer(id, name);
        }),
      ),
    );
    ms = performance.now() - t0;
  } finally {
    const t1 = performance.now();
    await mapLimited(ids, 8, (c) => client.removeContainer(c.id, c.name));
    await client.removeNetwork(networkId);
    teardownMs = performance.now() - t1;
  }
  return { ms: ms ?? NaN, teardownMs: teardownMs ?? NaN };
}
