// The readiness file the Docker HEALTHCHECK tests: present exactly while the node serves.
import { rename, rm, writeFile } from "node:fs/promises";

export async function writeReadyFile(path: string, content: Record<string, unknown>): Promise<void> {
  // Write then rename, so a health check never sees a half-written file.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(content)}\n`);
  await rename(temporary, path);
}

export async function removeReadyFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
