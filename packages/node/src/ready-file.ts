// The readiness file (--readyFile): present exactly while the node serves. The image's HEALTHCHECK
// tests it, which is what Compose waits on; the orchestrator turns that check off and reads
// readiness from the node.ready log line instead.
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
