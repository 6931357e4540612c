// The sha256 of the host-built bundles, in order: what decides whether joinlab/node:latest is current.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

export async function bundleHash(contextDir: string, bundles: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const bundle of bundles) hash.update(await readBundle(path.join(contextDir, bundle)));
  return hash.digest("hex");
}

async function readBundle(file: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`node bundle ${file} is missing: run 'npm run build' at the repo root first`, {
        cause: err,
      });
    }
    throw err;
  }
  return bytes;
}
