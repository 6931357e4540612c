// Runs one of the scripts that make an image from this machine's own binaries
// (scripts/make-local-base.sh, scripts/make-netfaults-image.sh): the scripts stay the single
// recipe, usable by hand too. Each prints the tag it made as its last stdout line.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "./node-image.js";

export async function runImageScript(
  script: string,
  env: Record<string, string>,
  expectedTag: string,
  log: (line: string) => void,
): Promise<string> {
  const child = spawn("bash", [script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
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
  if (code !== 0) throw new Error(`${script} failed (exit ${code}); its output is above`);
  // The script prints the tag last; anything else means it and its caller disagree.
  if (lastStdoutLine !== expectedTag) {
    throw new Error(`${script} printed "${lastStdoutLine}", expected "${expectedTag}"`);
  }
  return expectedTag;
}
