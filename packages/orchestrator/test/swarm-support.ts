// A one-node swarm for a test file: this machine's engine made a swarm manager before the tests
// and returned to normal after, on every path (the file's end, a failed test, Ctrl-C, SIGTERM):
// the swarm left and the docker_gwbridge network it made removed. An engine that already was in
// a swarm is used as it is and left alone.
import { execFileSync } from "node:child_process";
import Dockerode from "dockerode";

const docker = (...args: string[]): string =>
  execFileSync("docker", args, {
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();

export function swarmState(): string {
  return docker("info", "--format", "{{.Swarm.LocalNodeState}}");
}

function gwbridgeExists(): boolean {
  return docker("network", "ls", "-q", "--filter", "name=^docker_gwbridge$") !== "";
}

/** Makes the swarm; returns the way back (idempotent, synchronous so that a signal handler can run it). */
export function oneNodeSwarm(): () => void {
  if (swarmState() !== "inactive") return () => {};
  const hadGwbridge = gwbridgeExists();
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", restore);
    try {
      docker("swarm", "leave", "--force");
    } catch {
      // Not in a swarm any more.
    }
    if (!hadGwbridge) removeGwbridge();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", restore);
  docker("swarm", "init", "--advertise-addr", "127.0.0.1");
  return restore;
}

/** The bridge's endpoints go a moment after the swarm does: retry, bounded (about 5 s). */
function removeGwbridge(): void {
  for (let attempt = 0; attempt < 20 && gwbridgeExists(); attempt++) {
    try {
      docker("network", "rm", "docker_gwbridge");
    } catch {
      execFileSync("sleep", ["0.25"]);
    }
  }
}

/** Everything labelled with this run id: services, containers, networks (a clean run leaves none). */
export async function swarmLeftovers(client: Dockerode, runId: string): Promise<string[]> {
  const filters = { label: [`joinlab.run=${runId}`] };
  const services = (await client.listServices({ filters }).catch(() => [])) as { Spec?: { Name?: string } }[];
  const containers = await client.listContainers({ all: true, filters });
  const networks = await client.listNetworks({ filters });
  return [
    ...services.map((s) => `service ${s.Spec?.Name}`),
    ...containers.map((c) => `container ${c.Names[0] ?? c.Id}`),
    ...networks.map((n) => `network ${n.Name}`),
  ];
}
