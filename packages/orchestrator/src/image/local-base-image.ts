// Makes (or confirms) the offline base image from the host's node binary by running
// scripts/make-local-base.sh; the script stays the single recipe, usable by hand too.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { LOCAL_BASE_IMAGE, MAKE_LOCAL_BASE_SCRIPT, REPO_ROOT } from "./node-image.js";

export async function makeLocalBaseImage(log: (line: string) => void): Promise<string> {
  const child = spawn("bash", [MAKE_LOCAL_BASE_SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, JOINLAB_LOCAL_BASE: LOCAL_BASE_IMAGE },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let lastStdoutLine = "";
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.trim()) lastStdoutLine = line.trim();
  });
  createInterface({ input: child.stderr }).on("line", (line) => log(line));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) {
    throw new Error(`${MAKE_LOCAL_BASE_SCRIPT} failed (exit ${code}); its output is above`);
  }
  // The script prints the tag last; anything else means it and this file disagree.
  if (lastStdoutLine !== LOCAL_BASE_IMAGE) {
    throw new Error(`${MAKE_LOCAL_BASE_SCRIPT} printed "${lastStdoutLine}", expected "${LOCAL_BASE_IMAGE}"`);
  }
  return LOCAL_BASE_IMAGE;
}
