// Names and paths the node image is built from: one place for the tag, labels and repo layout.
import { fileURLToPath } from "node:url";
import path from "node:path";

export const NODE_IMAGE_TAG = "joinlab/node:latest";
/** The conventional base: used whenever it is present locally or can be pulled. */
export const OFFICIAL_BASE_IMAGE = "node:22-slim";
/** Made from the host's own node binary when no registry answers (scripts/make-local-base.sh). */
export const LOCAL_BASE_IMAGE = "joinlab/node-base:local";

/** Image label holding the sha256 of the image's inputs: equal hash means the image is current. */
export const INPUTS_HASH_LABEL = "joinlab.inputs-hash";
export const BASE_IMAGE_LABEL = "joinlab.base-image";

// src/image/ and dist/image/ both sit four levels below the repo root.
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Paths relative to the build context (the repo root), as the Dockerfile's COPY expects them. */
export const DOCKERFILE = "docker/Dockerfile";
export const BUNDLE = "packages/node/bundle/joinlab-node.mjs";
/** The rogue-peer scenario's attacker, shipped beside the node (docs/scenarios.md). */
export const ROGUE_BUNDLE = "packages/node/bundle/joinlab-rogue.mjs";
/** Every bundle the image holds. */
export const IMAGE_BUNDLES = [BUNDLE, ROGUE_BUNDLE] as const;
/** What the image is built from: the build context and what its inputs hash covers. */
export const IMAGE_INPUTS = [DOCKERFILE, ...IMAGE_BUNDLES] as const;
/** Where the rogue program sits inside the image. */
export const ROGUE_PROGRAM = "/app/joinlab-rogue.mjs";
export const MAKE_LOCAL_BASE_SCRIPT = path.join("scripts", "make-local-base.sh");
