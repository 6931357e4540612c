// For a test file on local processes: a scratch directory, and a process runtime that records its
// pids there; after the file's tests, whatever it left is swept and the directory removed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { createLogger } from "../../src/progress/logger.js";
import { ProcessRuntime } from "../../src/runtime/process-runtime.js";

export function processScratch(prefix: string) {
  const logger = createLogger("error");
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const runtime = new ProcessRuntime({ logger, stateDir: join(scratch, "state") });
  after(async () => {
    await runtime.sweep({ all: true });
    rmSync(scratch, { recursive: true, force: true });
  });
  return { logger, scratch, runtime };
}
