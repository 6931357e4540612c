// Finds or makes the network-fault helper image, chosen like the node image's base: built on a
// small official image (alpine, `apk add iptables`) when it is here or can be pulled, and otherwise
// made from this machine's own iptables (scripts/make-netfaults-image.sh), so it works with no
// registry. Once the host-made image exists it is kept (and refreshed when the host's binaries
// change) instead of asking a registry on every run: remove it to try the official path again.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type Dockerode from "dockerode";
import { followProgress } from "../image/docker-progress.js";
import { inspectImageIfPresent } from "../image/image-exists.js";
import { runImageScript } from "../image/image-script.js";
import { REPO_ROOT } from "../image/node-image.js";
import { tryPullImage } from "../image/pull-image.js";

/** Built from docker/netfaults.Dockerfile on the official base. */
export const HELPER_IMAGE = "joinlab/netfaults:latest";
/** Made from the host's binaries (scripts/make-netfaults-image.sh). */
export const LOCAL_HELPER_IMAGE = "joinlab/netfaults:local";
export const OFFICIAL_HELPER_BASE = "alpine:3.20";
export const HELPER_DOCKERFILE = path.join("docker", "netfaults.Dockerfile");
export const MAKE_HELPER_SCRIPT = path.join("scripts", "make-netfaults-image.sh");
const RECIPE_LABEL = "joinlab.netfaults-recipe";

export interface HelperImageOptions {
  log: (line: string) => void;
  /** false: never ask a registry (default true). */
  pull?: boolean;
}

export async function ensureHelperImage(docker: Dockerode, options: HelperImageOptions): Promise<string> {
  const { log } = options;
  const override = process.env.JOINLAB_NETFAULTS_IMAGE;
  if (override) {
    if (await inspectImageIfPresent(docker, override)) return override;
    throw new Error(`helper image ${override} (from JOINLAB_NETFAULTS_IMAGE) does not exist here`);
  }
  const recipe = await recipeHash();
  const built = await inspectImageIfPresent(docker, HELPER_IMAGE);
  if (built?.Config?.Labels?.[RECIPE_LABEL] === recipe) return HELPER_IMAGE;
  if (await inspectImageIfPresent(docker, LOCAL_HELPER_IMAGE)) return makeFromHost(log);
  const official = await officialBase(docker, options.pull ?? true, log);
  if (official) {
    try {
      return await buildOnOfficial(docker, official, recipe, log);
    } catch (err) {
      log(
        `could not build ${HELPER_IMAGE} on ${official} (${(err as Error).message}): using this machine's iptables`,
      );
    }
  }
  try {
    return await makeFromHost(log);
  } catch (err) {
    throw new Error(
      `no network-fault helper image: ${OFFICIAL_HELPER_BASE} is not available and this machine's iptables could not be used (${(err as Error).message})`,
      { cause: err },
    );
  }
}

async function officialBase(docker: Dockerode, pull: boolean, log: (line: string) => void) {
  if (await inspectImageIfPresent(docker, OFFICIAL_HELPER_BASE)) return OFFICIAL_HELPER_BASE;
  // A registry that answers streams progress within seconds; one that does not is not worth waiting for.
  if (pull && (await tryPullImage(docker, OFFICIAL_HELPER_BASE, log, { idleMs: 10_000, totalMs: 120_000 })))
    return OFFICIAL_HELPER_BASE;
  return undefined;
}

async function recipeHash(): Promise<string> {
  const text = await readFile(path.join(REPO_ROOT, HELPER_DOCKERFILE));
  return createHash("sha256").update(text).update(OFFICIAL_HELPER_BASE).digest("hex");
}

async function buildOnOfficial(
  docker: Dockerode,
  base: string,
  recipe: string,
  log: (line: string) => void,
): Promise<string> {
  log(`Building ${HELPER_IMAGE} on ${base}...`);
  const stream = await docker.buildImage(
    {
      context: path.join(REPO_ROOT, path.dirname(HELPER_DOCKERFILE)),
      src: [path.basename(HELPER_DOCKERFILE)],
    },
    {
      t: HELPER_IMAGE,
      dockerfile: path.basename(HELPER_DOCKERFILE),
      buildargs: { BASE_IMAGE: base, RECIPE_HASH: recipe },
      rm: true,
      forcerm: true,
    },
  );
  await followProgress(docker, stream, () => {});
  const image = await inspectImageIfPresent(docker, HELPER_IMAGE);
  if (image?.Config?.Labels?.[RECIPE_LABEL] !== recipe)
    throw new Error(`the build reported success, but ${HELPER_IMAGE} does not carry the recipe`);
  return HELPER_IMAGE;
}

function makeFromHost(log: (line: string) => void): Promise<string> {
  return runImageScript(
    MAKE_HELPER_SCRIPT,
    { JOINLAB_NETFAULTS_LOCAL: LOCAL_HELPER_IMAGE },
    LOCAL_HELPER_IMAGE,
    log,
  );
}
