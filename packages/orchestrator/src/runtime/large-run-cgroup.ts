// Where a large run's containers sit in the engine's cgroups. On a machine whose engine
// scripts/ensure-docker.sh started, scripts/container-cpu-weight.sh makes one parent cgroup and
// weighs it ten times above each of the engine's own processes: a large run's nodes, packed onto
// two cores, then get the CPU when they need it and do not stall while the engine starts the rest.
// A small run's containers stay under the engine's default parent, so the orchestrator and a
// browser showing the live page are not pushed behind them.
import { existsSync } from "node:fs";
import type { DockerClient } from "./docker-client.js";

/** The parent's path as the engine takes it (cgroupfs driver) and its directory on this machine. */
export const LARGE_RUN_CGROUP_PARENT = "/joinlab-large";
const WEIGHED_PARENT_DIR = "/sys/fs/cgroup/cpu/joinlab-large";

/** Longest the probe container may take to start and exit before the parent is judged unusable. */
const PROBE_BOUND_MS = 15_000;

export interface LargeRunPlacement {
  /** The cgroup parent to give a large run's containers; undefined: the engine's default. */
  parent: string | undefined;
  /** Why a weighed parent that exists here is not used (the engine would not start a container in it). */
  refused?: string;
}

/**
 * The cgroup parent for a large run's containers: only when the weighed parent exists here, the
 * engine uses the cgroupfs driver (the systemd driver takes a slice name, not a path), and the
 * engine starts a container in it (`image`'s node, which exits at once). Otherwise the containers
 * go where the engine puts them by default: a parent that some kernel or engine refuses must cost
 * the run its weight, never the run itself.
 */
export async function largeRunPlacement(
  client: DockerClient,
  image: string,
  labels: Record<string, string>,
): Promise<LargeRunPlacement> {
  if (!existsSync(WEIGHED_PARENT_DIR)) return { parent: undefined };
  const info = (await client.docker.info()) as { CgroupDriver?: string };
  if (info.CgroupDriver !== "cgroupfs") return { parent: undefined };
  const refused = await engineRefusesParent(client, image, labels);
  return refused ? { parent: undefined, refused } : { parent: LARGE_RUN_CGROUP_PARENT };
}

/** undefined when a container in the parent starts and exits 0; otherwise what went wrong. */
async function engineRefusesParent(
  client: DockerClient,
  image: string,
  labels: Record<string, string>,
): Promise<string | undefined> {
  const name = `jl-cgroup-probe-${process.pid}-${Date.now().toString(36)}`;
  let id: string | undefined;
  let bound: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    bound = setTimeout(() => resolve(`no exit within ${PROBE_BOUND_MS} ms`), PROBE_BOUND_MS);
  });
  const probe = async (): Promise<string | undefined> => {
    id = await client.createContainer({
      name,
      Image: image,
      Entrypoint: ["node", "-e", ""],
      Labels: labels,
      HostConfig: { NetworkMode: "none", CgroupParent: LARGE_RUN_CGROUP_PARENT, AutoRemove: false },
    });
    await client.startContainer(id, name);
    const { StatusCode } = (await client.docker.getContainer(id).wait()) as { StatusCode: number };
    return StatusCode === 0 ? undefined : `the probe container exited with code ${StatusCode}`;
  };
  try {
    return await Promise.race([probe(), timedOut]);
  } catch (err) {
    return (err as Error).message.trim();
  } finally {
    clearTimeout(bound);
    if (id) await client.removeContainer(id, name).catch(() => {});
  }
}
