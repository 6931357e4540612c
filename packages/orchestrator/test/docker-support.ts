// Shared by the real-Docker test files: run the built CLI, find what a run left behind, and fail
// with a way out when no engine answers.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import type { RunResult } from "../src/run/run-scenario.js";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = join(REPO, "packages/orchestrator/dist/cli.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Longest a CLI run may take in a test: past it the run is killed and the test fails, rather than hang. */
const CLI_BOUND_MS = 10 * 60_000;

/**
 * Runs `joinlab <args>` from the repo root; onStdout sees the output so far (to interrupt it). A run
 * still going after `boundMs` is killed; its result then has code null and says so in stderr.
 */
export function cli(
  args: string[],
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
  boundMs = CLI_BOUND_MS,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const bound = setTimeout(() => {
      stderr += `\n[test] joinlab ${args[0]} still running after ${boundMs} ms: killed\n`;
      child.kill("SIGKILL");
    }, boundMs);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => {
      clearTimeout(bound);
      reject(err);
    });
    child.on("exit", (code) => {
      clearTimeout(bound);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Names of the containers and networks labelled with this run id (a clean run leaves none). */
export async function leftovers(docker: Dockerode, runId: string): Promise<string[]> {
  const filters = { label: [`joinlab.run=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => c.Names[0] ?? c.Id), ...networks.map((n) => n.Name)];
}

/** Fails with a way out when no engine answers, instead of a bare ENOENT on the socket. */
export async function requireEngine(docker: Dockerode): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(
      `no Docker engine answers (${(err as Error).message}): run 'bash scripts/ensure-docker.sh' ` +
        "(installs and starts one as root on Debian), or skip the Docker tests: JOINLAB_SKIP_DOCKER=1 npm test",
      { cause: err },
    );
  }
}

/** `joinlab run <args> --json` on the Docker runtime under `runId`: the exit code and results.json's content. */
export async function runJson(
  args: string[],
  runsDir: string,
  runId: string,
): Promise<{ code: number | null; result: Omit<RunResult, "timeline">; output: string }> {
  const out = await cli([
    ...["run", ...args],
    "--json",
    "--runsDir",
    runsDir,
    "--runId",
    runId,
    "--runtime",
    "docker",
  ]);
  try {
    return {
      code: out.code,
      result: JSON.parse(out.stdout) as Omit<RunResult, "timeline">,
      output: out.stdout + out.stderr,
    };
  } catch {
    throw new Error(`no JSON from the CLI (exit ${out.code}): ${out.stdout}${out.stderr}`);
  }
}

/** Each failing check of a run, with its first errors: what an assertion message should show. */
export function failingChecks(result: Omit<RunResult, "timeline">, errors = 10): string {
  return result.checks
    .filter((c) => c.valid !== true)
    .map((c) => `${c.name}: ${c.summary}\n  ${c.errors.slice(0, errors).join("\n  ")}`)
    .join("\n");
}
