// Makes sure joinlab/node:latest is built from the current Dockerfile and node bundle: reuses the
// image when its inputs-hash label matches, otherwise picks a base (official, else local) and
// builds it.
import type Dockerode from "dockerode";
import { performance } from "node:perf_hooks";
import { buildNodeImage } from "./build-node-image.js";
import { imageInputsHash } from "./inputs-hash.js";
import { inspectImageIfPresent } from "./image-exists.js";
import {
  BASE_IMAGE_LABEL,
  IMAGE_INPUTS,
  INPUTS_HASH_LABEL,
  NODE_IMAGE_TAG,
  REPO_ROOT,
} from "./node-image.js";
import { pickBaseImage } from "./pick-base-image.js";

export interface EnsureNodeImageOptions {
  log: (line: string) => void;
  /** Build even when the image is current (the layer cache still applies). */
  rebuild?: boolean;
  /** false: do not try a registry for the official base (default true). */
  pull?: boolean;
}

export interface EnsuredNodeImage {
  tag: string;
  /** false when the existing image was current and reused. */
  built: boolean;
  baseImage: string;
  seconds: number;
}

export async function ensureNodeImage(
  docker: Dockerode,
  options: EnsureNodeImageOptions,
): Promise<EnsuredNodeImage> {
  const { log } = options;
  const started = performance.now();
  const seconds = () => Math.round(performance.now() - started) / 1000;
  const tag = NODE_IMAGE_TAG;

  const hash = await imageInputsHash(REPO_ROOT, IMAGE_INPUTS);
  const existing = await inspectImageIfPresent(docker, tag);
  const labels = existing?.Config?.Labels ?? {};
  if (existing && !options.rebuild && labels[INPUTS_HASH_LABEL] === hash) {
    log(`${tag} is current (inputs ${hash.slice(0, 12)})`);
    return { tag, built: false, baseImage: labels[BASE_IMAGE_LABEL] ?? "unknown", seconds: seconds() };
  }
  log(
    !existing
      ? `${tag} does not exist yet: building it`
      : options.rebuild
        ? `Rebuilding ${tag} as asked`
        : `${tag} was built from other inputs (${String(labels[INPUTS_HASH_LABEL]).slice(0, 12)}): rebuilding`,
  );

  const baseImage = await pickBaseImage(docker, {
    log,
    pull: options.pull ?? true,
    override: process.env.JOINLAB_BASE_IMAGE,
  });
  log(`Building ${tag} on ${baseImage}...`);
  const image = await buildNodeImage(docker, {
    contextDir: REPO_ROOT,
    tag,
    baseImage,
    inputsHash: hash,
    log,
  });

  // The replaced image is now an untagged leftover; drop it unless a container still uses it.
  if (existing && existing.Id !== image.Id) {
    await docker
      .getImage(existing.Id)
      .remove()
      .catch(() => undefined);
  }
  log(`Built ${tag} (${(image.Size / 1e6).toFixed(1)} MB, base ${baseImage}) in ${seconds()} s`);
  return { tag, built: true, baseImage, seconds: seconds() };
}
