// Docker tests of the node image on the real engine: the offline path (no base image present),
// the cached path (base present, image current), and what an app change costs to rebuild.
import assert from "node:assert/strict";
import { cp, mkdtemp, appendFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { NODE_RUNTIME_OPTIONS } from "@joinlab/node";
import Docker from "dockerode";
import { requireEngine } from "./docker-support.js";
import { buildNodeImage } from "../src/image/build-node-image.js";
import { imageInputsHash } from "../src/image/inputs-hash.js";
import { ensureNodeImage } from "../src/image/ensure-node-image.js";
import { inspectImageIfPresent } from "../src/image/image-exists.js";
import {
  BASE_IMAGE_LABEL,
  BUNDLE,
  INPUTS_HASH_LABEL,
  IMAGE_INPUTS,
  LOCAL_BASE_IMAGE,
  NODE_IMAGE_TAG,
  OFFICIAL_BASE_IMAGE,
  REPO_ROOT,
} from "../src/image/node-image.js";

const docker = new Docker();
const output: string[] = [];
const log = (line: string) => output.push(line);
const MB = 1e6;

async function removeImage(name: string): Promise<void> {
  try {
    // force: untag even when a stopped container still refers to it; running ones keep their copy.
    await docker.getImage(name).remove({ force: true });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}

/** Size of the layers this project adds on top of the base (the COPY of the bundles into /app). */
async function appLayerBytes(tag: string): Promise<number> {
  const history = (await docker.getImage(tag).history()) as { CreatedBy: string; Size: number }[];
  // Docker names a one-file COPY "COPY file:<hash> in /app/x", a several-file one "COPY multi:<hash> in /app/".
  return history.filter((h) => h.CreatedBy.includes(" in /app/")).reduce((sum, h) => sum + h.Size, 0);
}

describe("node image (real engine)", () => {
  before(() => requireEngine(docker));

  const scratchTag = `joinlab/node:test-${process.pid}-${Date.now()}`;
  let scratchDir: string | undefined;

  after(async () => {
    await removeImage(scratchTag);
    if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
    if (process.env.JOINLAB_TEST_VERBOSE) console.error(output.join("\n"));
  });

  test("offline path: with no base image present, it makes the local base and builds", async (t) => {
    await removeImage(NODE_IMAGE_TAG);
    await removeImage(LOCAL_BASE_IMAGE);
    // Never ask a registry here: the offline path must not depend on what this machine can reach.
    // If the official base happens to be cached locally, insist on the local one instead.
    const officialHere = await inspectImageIfPresent(docker, OFFICIAL_BASE_IMAGE);
    const saved = process.env.JOINLAB_BASE_IMAGE;
    if (officialHere) process.env.JOINLAB_BASE_IMAGE = LOCAL_BASE_IMAGE;
    else delete process.env.JOINLAB_BASE_IMAGE;
    try {
      const result = await ensureNodeImage(docker, { log, pull: false });
      assert.equal(result.built, true);
      assert.equal(result.baseImage, LOCAL_BASE_IMAGE);
      assert.equal(result.tag, NODE_IMAGE_TAG);
      t.diagnostic(`cold build (local base made + image built): ${result.seconds} s`);
    } finally {
      if (saved === undefined) delete process.env.JOINLAB_BASE_IMAGE;
      else process.env.JOINLAB_BASE_IMAGE = saved;
    }

    const image = await inspectImageIfPresent(docker, NODE_IMAGE_TAG);
    assert.ok(image, `${NODE_IMAGE_TAG} should exist after the build`);
    assert.equal(image.Config.Labels?.[INPUTS_HASH_LABEL], await imageInputsHash(REPO_ROOT, IMAGE_INPUTS));
    assert.equal(image.Config.Labels?.[BASE_IMAGE_LABEL], LOCAL_BASE_IMAGE);
    assert.ok(await inspectImageIfPresent(docker, LOCAL_BASE_IMAGE), "the local base should have been made");
    assert.ok(image.Config.Healthcheck?.Test?.length, "the image should carry a healthcheck");
    assert.deepEqual(
      image.Config.Entrypoint?.slice(0, 1 + NODE_RUNTIME_OPTIONS.length),
      ["node", ...NODE_RUNTIME_OPTIONS],
      "the entrypoint should run node with the options every joinlab node runs with",
    );
    assert.equal((image.Config as { StopSignal?: string }).StopSignal, "SIGTERM");

    const app = await appLayerBytes(NODE_IMAGE_TAG);
    t.diagnostic(`image ${(image.Size / MB).toFixed(1)} MB, app layer ${(app / 1e3).toFixed(0)} kB`);
    assert.ok(app > 0 && app < 1 * MB, `app layer should be under 1 MB, is ${app} bytes`);
  });

  test("cached path: a current image is reused without a build", async (t) => {
    const result = await ensureNodeImage(docker, { log, pull: false });
    assert.equal(result.built, false);
    assert.equal(result.baseImage, LOCAL_BASE_IMAGE);
    t.diagnostic(`current-image check: ${result.seconds} s`);
  });

  test("cached path: a rebuild with the base present reuses every layer", async (t) => {
    const before = await docker.getImage(NODE_IMAGE_TAG).inspect();
    const result = await ensureNodeImage(docker, { log, pull: false, rebuild: true });
    assert.equal(result.built, true);
    const afterBuild = await docker.getImage(NODE_IMAGE_TAG).inspect();
    // Same inputs through the layer cache give the very same image.
    assert.equal(afterBuild.Id, before.Id);
    t.diagnostic(`fully cached rebuild: ${result.seconds} s`);
  });

  test("an app change rebuilds only the app layer on top of the cached runtime", async (t) => {
    // A copy of the context with a changed bundle, built under a scratch tag: the shared tag and
    // the real bundle stay untouched.
    scratchDir = await mkdtemp(path.join(tmpdir(), "joinlab-image-test-"));
    for (const file of IMAGE_INPUTS) {
      await cp(path.join(REPO_ROOT, file), path.join(scratchDir, file), { recursive: true });
    }
    await appendFile(path.join(scratchDir, BUNDLE), `\n// app change ${Date.now()}\n`);
    const hash = await imageInputsHash(scratchDir, IMAGE_INPUTS);

    const started = performance.now();
    const image = await buildNodeImage(docker, {
      contextDir: scratchDir,
      tag: scratchTag,
      baseImage: LOCAL_BASE_IMAGE,
      inputsHash: hash,
      log,
    });
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`warm build after an app change: ${seconds.toFixed(2)} s`);

    const current = await docker.getImage(NODE_IMAGE_TAG).inspect();
    const base = await docker.getImage(LOCAL_BASE_IMAGE).inspect();
    assert.notEqual(image.Id, current.Id);
    // Both images share the base's layers; only what came after the base differs.
    const baseLayers = base.RootFS.Layers ?? [];
    assert.deepEqual(image.RootFS.Layers?.slice(0, baseLayers.length), baseLayers);
    assert.equal(image.RootFS.Layers?.length, baseLayers.length + 1, "exactly one app layer on the base");
  });
});
