// Picks the runtime: Docker whenever an engine answers (and the node image is current), local
// processes otherwise; `--runtime docker|process|swarm` chooses explicitly (swarm only so).
import Dockerode from "dockerode";
import { join } from "node:path";
import type { Logger } from "winston";
import { ensureNodeImage } from "../image/ensure-node-image.js";
import { DockerClient } from "./docker-client.js";
import { DockerRuntime } from "./docker-runtime.js";
import type { EngineSpec } from "./engine-url.js";
import { ProcessRuntime } from "./process-runtime.js";
import { connectSwarm, isSwarmManager } from "./swarm-connect.js";
import { RuntimeUnavailable } from "./runtime-unavailable.js";
import type { Runtime, RuntimeKind } from "./types.js";

export interface ChooseRuntimeOptions {
  kind?: RuntimeKind | "auto";
  logger: Logger;
  /** Progress lines (image build). */
  log: (line: string) => void;
  rebuild?: boolean;
  /** Where the process runtime records pids (default .joinlab under the working directory). */
  stateDir?: string;
  /** Skip the image step (clean and sweep need none). */
  withoutImage?: boolean;
  /** The swarm runtime: engines of swarm hosts other than this one (--engine). */
  engines?: readonly EngineSpec[];
}

export { RuntimeUnavailable };

export async function dockerAnswers(logger: Logger, docker = new Dockerode()): Promise<boolean> {
  return new DockerClient(docker, logger).ping(1500);
}

export async function chooseRuntime(options: ChooseRuntimeOptions): Promise<Runtime> {
  const kind = options.kind ?? "auto";
  const stateDir = options.stateDir ?? join(process.cwd(), ".joinlab");
  if (kind === "process") return new ProcessRuntime({ logger: options.logger, stateDir });
  const docker = new Dockerode();
  if (kind === "swarm") return connectSwarm(docker, { ...options, engines: options.engines ?? [] });
  if (!(await dockerAnswers(options.logger, docker))) {
    if (kind === "docker") {
      throw new RuntimeUnavailable(
        "no Docker engine answers (is dockerd running? `bash scripts/ensure-docker.sh` starts one); --runtime process runs the nodes as local processes",
      );
    }
    options.log("no Docker engine answers: using local processes (--runtime process)");
    return new ProcessRuntime({ logger: options.logger, stateDir });
  }
  const client = new DockerClient(docker, options.logger);
  const version = await client.version().catch(() => "");
  if (options.withoutImage) return new DockerRuntime(docker, { logger: options.logger, image: "" }, version);
  const image = await ensureNodeImage(docker, { log: options.log, rebuild: options.rebuild });
  options.log(
    image.built
      ? `built ${image.tag} on ${image.baseImage} in ${image.seconds.toFixed(2)}s`
      : `reusing ${image.tag}`,
  );
  return new DockerRuntime(
    docker,
    { logger: options.logger, image: image.tag, progress: options.log },
    version,
  );
}

/** Every runtime that could hold leftovers: Docker when it answers, and local processes always. */
export async function sweepRuntimes(options: { logger: Logger; stateDir?: string }): Promise<Runtime[]> {
  const stateDir = options.stateDir ?? join(process.cwd(), ".joinlab");
  const list: Runtime[] = [new ProcessRuntime({ logger: options.logger, stateDir, nodeBin: "joinlab" })];
  const docker = new Dockerode();
  if (await dockerAnswers(options.logger, docker)) {
    list.unshift(new DockerRuntime(docker, { logger: options.logger, image: "" }));
    // Services first: removing one stops its tasks, whose containers the Docker sweep leaves alone.
    if (await isSwarmManager(docker, options.logger))
      list.unshift(
        await connectSwarm(docker, {
          logger: options.logger,
          log: () => {},
          engines: [],
          withoutImage: true,
        }),
      );
  }
  return list;
}
