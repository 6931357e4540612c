// Test helpers: free loopback ports, and joinlab-node child processes whose JSON log lines we can await.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decodeLogLine, type NodeLogLine } from "@joinlab/protocol";

/** The BUILT bin: tests exercise what ships. */
export const NODE_BIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** Upper bound for any single wait in these tests: a failure bound, never a performance assertion. */
export const WAIT_MS = 10_000;

import { freePort } from "../../src/ports.js";

export { freePort };

/**
 * A line as the test parsed it: typed by the log contract, and readable by any key (a test may
 * assert on a field before narrowing to its event).
 */
export type TestLogLine = NodeLogLine & Readonly<Record<string, unknown>>;

/** Parses one stdout line and holds it to the log contract: a line that breaks it fails the test. */
export function contractLine(text: string): TestLogLine {
  const decoded = decodeLogLine(JSON.parse(text));
  if (!decoded.ok)
    throw new Error(`the node wrote a line outside the log contract (${decoded.reason}): ${text}`);
  return decoded.line as TestLogLine;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class NodeProcess {
  readonly child: ChildProcess;
  readonly lines: TestLogLine[] = [];
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  #waiters: (() => void)[] = [];

  constructor(args: string[], env?: Record<string, string>) {
    if (!existsSync(NODE_BIN)) throw new Error(`${NODE_BIN} is missing: build first with "npx tsc -b"`);
    this.child = spawn(process.execPath, [NODE_BIN, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      ...(env !== undefined ? { env: { ...process.env, ...env } } : {}),
    });
    let partial = "";
    this.child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      this.stdout += text;
      const parts = (partial + text).split("\n");
      partial = parts.pop() ?? "";
      for (const part of parts) if (part.startsWith("{")) this.lines.push(contractLine(part));
      this.#wake();
    });
    this.child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.#wake();
        resolve({ code, signal });
      });
    });
  }

  /** Resolves with the first log line matching `match`; rejects after `timeoutMs` or if the process exits first. */
  async waitFor(
    match: (line: TestLogLine) => boolean,
    what: string,
    timeoutMs = WAIT_MS,
  ): Promise<TestLogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`node exited before ${what}.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} not logged within ${timeoutMs} ms.\nstdout:\n${this.stdout}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  event(event: string, what = event): Promise<TestLogLine> {
    return this.waitFor((line) => line.event === event, what);
  }

  /** Bounded wait for exit; kills the process if it overstays. */
  async exit(timeoutMs = WAIT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`node did not exit within ${timeoutMs} ms.\nstdout:\n${this.stdout}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, overdue]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Spawns nodes and kills whatever is still running at the end of a test file. */
export class NodeFleet {
  readonly #all: NodeProcess[] = [];

  spawn(args: string[], env?: Record<string, string>): NodeProcess {
    const node = new NodeProcess(["--listenHost", "127.0.0.1", "--advertise", "127.0.0.1", ...args], env);
    this.#all.push(node);
    return node;
  }

  /** Starts a master on `port` (a free one by default) and waits until it is ready. */
  async master(extra: string[] = [], port?: number): Promise<{ node: NodeProcess; port: number }> {
    port ??= await freePort();
    const node = this.spawn([
      "--makeMasterOnError",
      "--myport",
      String(port),
      "--clusterip",
      `127.0.0.1:${port}`,
      ...extra,
    ]);
    await node.event("node.ready", "master ready");
    return { node, port };
  }

  killAll(): void {
    for (const node of this.#all) node.kill();
  }
}
