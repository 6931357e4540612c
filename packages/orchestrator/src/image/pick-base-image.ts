// Chooses the base the node image builds FROM: the official node image when it is here or can be
// pulled, otherwise the local base made from this machine's node (air-gapped machines, our CI).
import type Dockerode from "dockerode";
import { inspectImageIfPresent } from "./image-exists.js";
import { makeLocalBaseImage } from "./local-base-image.js";
import { LOCAL_BASE_IMAGE, OFFICIAL_BASE_IMAGE } from "./node-image.js";
import { tryPullImage, type PullBounds } from "./pull-image.js";

export interface PickBaseOptions {
  log: (line: string) => void;
  /** false: never try a registry (go straight to the local base when the official one is absent). */
  pull: boolean;
  /** A base the user insists on (JOINLAB_BASE_IMAGE, the same variable compose.yaml reads). */
  override?: string | undefined;
  pullBounds?: PullBounds;
}

// A registry that answers streams progress within seconds; one that does not is not worth waiting for.
const DEFAULT_PULL_BOUNDS: PullBounds = { idleMs: 10_000, totalMs: 180_000 };

export async function pickBaseImage(docker: Dockerode, options: PickBaseOptions): Promise<string> {
  const { log } = options;
  const bounds = options.pullBounds ?? DEFAULT_PULL_BOUNDS;
  const wanted = options.override || OFFICIAL_BASE_IMAGE;

  if (wanted === LOCAL_BASE_IMAGE) return makeLocalBaseImage(log);
  if (await inspectImageIfPresent(docker, wanted)) return wanted;
  if (options.pull && (await tryPullImage(docker, wanted, log, bounds))) return wanted;
  if (options.override) {
    throw new Error(
      `base image ${wanted} (from JOINLAB_BASE_IMAGE) is neither present nor pullable; ` +
        `unset it to fall back to ${LOCAL_BASE_IMAGE}`,
    );
  }
  log(`${wanted} is not available: using ${LOCAL_BASE_IMAGE}, made from this machine's node`);
  return makeLocalBaseImage(log);
}
