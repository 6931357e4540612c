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

/**
 * The cgroup parent for a large run's containers: only when the weighed parent exists here and the
 * engine uses the cgroupfs driver (the systemd driver takes a slice name, not a path). Otherwise
 * undefined: the containers go where the engine puts them by default.
 */
export async function largeRunCgroupParent(client: DockerClient): Promise<string | undefined> {
  if (!existsSync(WEIGHED_PARENT_DIR)) return undefined;
  const info = (await client.docker.info()) as { CgroupDriver?: string };
  return info.CgroupDriver === "cgroupfs" ? LARGE_RUN_CGROUP_PARENT : undefined;
}
