// The benchmarks' node processes: where the program is, waiting for ready, stopping for sure, and
// never outliving the benchmark.
import { spawn, type ChildProcess } from "node:child_process";
import { KEY_ENV } from "../auth/key-sources.js";
import { NODE_RUNTIME_OPTIONS } from "../runtime-options.js";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Bound on any single handshake or start-up wait; a benchmark must not hang. */
export const STEP_TIMEOUT_MS = 10_000;

export function defaultNodeBin(): string {
  // From dist/bench/ the program is ../main.js; from src/bench/ (run through tsx) use the build.
  const besideUs = fileURLToPath(new URL("../main.js", import.meta.url));
  return existsSync(besideUs) ? besideUs : fileURLToPath(new URL("../../dist/main.js", import.meta.url));
}

/** A master on loopback at `port` (it dials itself, as the seed's demo does); the key by environment. */
export async function startBenchMaster(
  nodeBin: string,
  port: number,
  clusterKey?: string,
): Promise<ChildProcess> {
  const args = ["--makeMasterOnError", "--myport", String(port), "--clusterip", `127.0.0.1:${port}`];
  const loopback = ["--listenHost", "127.0.0.1", "--advertise", "127.0.0.1", "--name", "bench"];
  const child = spawn(process.execPath, [...NODE_RUNTIME_OPTIONS, nodeBin, ...args, ...loopback], {
    stdio: ["ignore", "pipe", "inherit"],
    // The key goes by environment, as a deployment would pass it (not visible in ps).
    ...(clusterKey !== undefined ? { env: { ...process.env, [KEY_ENV]: clusterKey } } : {}),
  });
  endWithParent(child);
  try {
    await waitForReady(child);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return child;
}

export function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    let ready = false;
    const timer = setTimeout(
      () => reject(new Error(`node not ready within ${STEP_TIMEOUT_MS} ms`)),
      STEP_TIMEOUT_MS,
    );
    // Keep draining stdout for the whole run: a full pipe would stall the node being measured.
    child.stdout?.on("data", (chunk: Buffer) => {
      if (ready) return;
      seen += chunk.toString();
      if (seen.includes('"event":"node.ready"')) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited (${code}) before it was ready`));
    });
  });
}

/** The children to signal if this process exits first, and with what. */
const endWithUs = new Map<ChildProcess, NodeJS.Signals>();

/**
 * Signals `child` if this process exits before it (an interrupted benchmark exits at once): a node
 * on loopback would otherwise serve on, orphaned. An exit handler may only do synchronous work,
 * and sending a signal is.
 */
export function endWithParent(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (endWithUs.size === 0) process.once("exit", signalChildren);
  endWithUs.set(child, signal);
  child.once("exit", () => {
    endWithUs.delete(child);
    if (endWithUs.size === 0) process.off("exit", signalChildren);
  });
}

function signalChildren(): void {
  for (const [child, signal] of endWithUs) child.kill(signal);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}
