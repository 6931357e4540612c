// Builds the node image with dockerode from a context of exactly the files the Dockerfile needs,
// and trusts the result only after inspecting the image it was meant to produce.
import type Dockerode from "dockerode";
import { followProgress } from "./docker-progress.js";
import { inspectImageIfPresent } from "./image-exists.js";
import { DOCKERFILE, IMAGE_INPUTS, INPUTS_HASH_LABEL } from "./node-image.js";

export interface BuildNodeImageOptions {
  /** Directory holding DOCKERFILE and the bundles at their usual relative paths (normally the repo root). */
  contextDir: string;
  tag: string;
  baseImage: string;
  inputsHash: string;
  log: (line: string) => void;
}

export async function buildNodeImage(
  docker: Dockerode,
  options: BuildNodeImageOptions,
): Promise<Dockerode.ImageInspectInfo> {
  const { tag, log } = options;
  // Listing the files is .dockerignore's intent applied here: a three-file context whatever else
  // lies in the checkout (dockerode also filters the list through .dockerignore).
  const stream = await docker.buildImage(
    { context: options.contextDir, src: [...IMAGE_INPUTS] },
    {
      t: tag,
      dockerfile: DOCKERFILE,
      buildargs: { BASE_IMAGE: options.baseImage, INPUTS_HASH: options.inputsHash },
      rm: true,
      forcerm: true,
    },
  );
  try {
    await followProgress(docker, stream, (event) => {
      const line = event.stream?.trimEnd();
      // Keep the steps and anything unexpected; drop the builder's layer-id chatter.
      if (line && !line.startsWith(" --->") && !line.startsWith("Removing intermediate")) log(line);
    });
  } catch (err) {
    throw new Error(`building ${tag} on ${options.baseImage} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }

  const image = await inspectImageIfPresent(docker, tag);
  if (!image) throw new Error(`the build of ${tag} reported success, but no image ${tag} exists`);
  const labelled = image.Config?.Labels?.[INPUTS_HASH_LABEL];
  if (labelled !== options.inputsHash) {
    throw new Error(
      `${tag} was built but carries ${INPUTS_HASH_LABEL}=${labelled}, expected ${options.inputsHash}`,
    );
  }
  return image;
}
