// The sha256 of the host-built node bundle: what decides whether joinlab/node:latest is current.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

export async function bundleHash(contextDir: string, bundle: string): Promise<string> {
  const file = path.join(contextDir, bundle);
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
  return createHash("sha256").update(bytes).digest("hex");
}
