// The sha256 of what the node image is built from (its Dockerfile and the host-built bundles, in
// order): what decides whether joinlab/node:latest is current.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

export async function imageInputsHash(contextDir: string, inputs: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const input of inputs) hash.update(await readInput(path.join(contextDir, input)));
  return hash.digest("hex");
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const why = "the node image is built from it";
    throw new Error(`${file} is missing (${why}): run 'npm run build' at the repo root first`, {
      cause: err,
    });
  }
}
