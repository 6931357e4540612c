// `npm run report -- <run|latest> [--open]`: rebuilds report.html from the run directory and prints
// its path; exit 2 when the argument names no run directory.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { resolveRunDir } from "../logs/read-run.js";
import { SCENARIO_FILE } from "./run-dir.js";
import { rebuildRunReport } from "./run-report.js";

export async function reportCommand(argv: {
  run?: string;
  runsDir: string;
  open?: boolean;
}): Promise<number> {
  let dir: string;
  try {
    dir = resolveRunDir(resolve(argv.runsDir), argv.run);
  } catch (err) {
    const ref = argv.run ?? "latest";
    const hint = existsSync(ref)
      ? `${ref} is not a run directory: expected a directory holding ${SCENARIO_FILE} (runs/<scenario>/<run id>/)`
      : (err as Error).message;
    process.stderr.write(`joinlab: ${hint}\n`);
    return 2;
  }
  const path = rebuildRunReport(dir);
  process.stdout.write(`report: ${relative(process.cwd(), path) || path}\n`);
  if (argv.open) await openInBrowser(path);
  return 0;
}

/** Opens the file with the desktop's opener or a known browser, when one exists here. */
async function openInBrowser(path: string): Promise<void> {
  const candidates =
    process.platform === "darwin"
      ? ["open"]
      : process.platform === "win32"
        ? ["explorer"]
        : ["xdg-open", "sensible-browser", "chromium", "firefox"];
  const url = `file://${resolve(path)}`;
  for (const command of candidates) {
    const found = (process.env.PATH ?? "").split(":").some((d) => d && existsSync(join(d, command)));
    if (!found) continue;
    spawn(command, [url], { detached: true, stdio: "ignore" }).unref();
    process.stdout.write(`opened with ${command}\n`);
    return;
  }
  process.stdout.write(`no browser found to open it; open ${url} yourself\n`);
}
