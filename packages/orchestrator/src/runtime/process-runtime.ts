// The local-process runtime: nodes as child processes on 127.0.0.1 with distinct free ports,
// exactly the seed article's own demo. Used when no Docker engine answers, or with --runtime process.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "winston";
import type { Capability } from "../scenarios/types.js";
import { freePort } from "@joinlab/node";
import { pidAlive } from "../shared/pid-alive.js";
import { nodeBinPath } from "./node-bin.js";
import { ProcessNode } from "./process-node.js";
import type {
  CreatedNode,
  NodeLaunch,
  RunIdentity,
  Runtime,
  StartedEnvironment,
  SweepOptions,
} from "./types.js";

export interface ProcessRuntimeOptions {
  logger: Logger;
  /** Where live pids are recorded, so a later sweep can end what a crashed run left. */
  stateDir: string;
  nodeBin?: string;
}

export class ProcessRuntime implements Runtime {
  readonly kind = "process" as const;
  readonly unit = "process";
  // Stop, kill, pause (SIGSTOP/SIGCONT) and restart (the same flags again) are real here; network
  // faults need Docker.
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(["kill", "stop", "pause", "restart"]);
  private readonly bin: string;

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.bin = options.nodeBin ?? nodeBinPath();
  }

  describe(): string {
    return `local processes (${this.bin})`;
  }

  async createEnvironment(run: RunIdentity): Promise<StartedEnvironment> {
    return new ProcessEnvironment(run, this.bin, this.options);
  }

  async sweep(options: SweepOptions = {}): Promise<string[]> {
    const dir = join(this.options.stateDir, "pids");
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const file of files) {
      const path = join(dir, file);
      let state: PidFile;
      try {
        state = JSON.parse(readFileSync(path, "utf8")) as PidFile;
      } catch {
        continue;
      }
      if (options.runId && state.runId !== options.runId) continue;
      if (options.mine && state.owner !== process.pid) continue;
      const ownerAlive = pidAlive(state.owner) && state.owner !== process.pid;
      const chosen = options.all || options.runId || options.mine;
      if (ownerAlive && !chosen) continue;
      if (state.keep && !chosen && !options.kept) continue;
      for (const [name, pid] of Object.entries(state.pids)) {
        // Only end a pid that still runs the node program: pids get reused.
        if (pidAlive(pid) && cmdline(pid).includes(state.bin)) {
          process.kill(pid, "SIGKILL");
          removed.push(`removed process ${pid} (${state.runId} ${name})`);
        }
      }
      rmSync(path, { force: true });
    }
    return removed;
  }

  async close(): Promise<void> {}
}

interface PidFile {
  runId: string;
  owner: number;
  keep: boolean;
  /** The node program: a pid is ours only while its command line still names it. */
  bin: string;
  pids: Record<string, number>;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

class ProcessEnvironment implements StartedEnvironment {
  readonly summary = "loopback ports reserved";
  private readonly ports = new Map<string, number>();
  private readonly literalPorts = new Map<string, number>();
  private readonly nodes = new Map<string, ProcessNode>();
  private readonly pidFile: string;
  private readonly pids: Record<string, number> = {};

  constructor(
    readonly run: RunIdentity,
    private readonly bin: string,
    private readonly options: ProcessRuntimeOptions,
  ) {
    const dir = join(options.stateDir, "pids");
    mkdirSync(dir, { recursive: true });
    this.pidFile = join(dir, `${run.runId}.json`);
  }

  advertiseHost(): string {
    return "127.0.0.1";
  }

  portOf(node: string): number {
    const port = this.ports.get(node);
    if (port === undefined) throw new Error(`no port reserved for ${node}: call reserve first`);
    return port;
  }

  /** Every node gets a free port up front, so a joiner's --clusterip can name its target's port. */
  async reserve(
    nodes: readonly { name: string }[],
    literals: readonly { host: string; port: number }[],
  ): Promise<void> {
    for (const node of nodes) if (!this.ports.has(node.name)) this.ports.set(node.name, await freePort());
    for (const { host, port } of literals) {
      const key = `${host}:${port}`;
      if (!this.literalPorts.has(key)) this.literalPorts.set(key, await freePort());
    }
  }

  /**
   * The network safety rule: the process runtime never dials a real host. A literal address
   * becomes a loopback port nothing listens on, which fails the same way an absent host does.
   */
  literalAddress(host: string, port: number): string {
    const key = `${host}:${port}`;
    const mapped = this.literalPorts.get(key);
    if (mapped === undefined) throw new Error(`no loopback port reserved for literal address ${key}`);
    return `127.0.0.1:${mapped}`;
  }

  async createNode(launch: NodeLaunch): Promise<CreatedNode> {
    const node = new ProcessNode(launch, this.bin, this.options.logger, (pid) => {
      this.pids[launch.name] = pid;
      this.savePids();
    });
    this.nodes.set(launch.name, node);
    return node;
  }

  private savePids(): void {
    const state: PidFile = {
      runId: this.run.runId,
      owner: process.pid,
      keep: !!this.run.keep,
      bin: this.bin,
      pids: this.pids,
    };
    writeFileSync(this.pidFile, JSON.stringify(state));
  }

  detach(): void {
    // Kept processes live on after we exit: unref them and stop reading their output.
    for (const node of this.nodes.values()) node.detach();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.kill()));
    rmSync(this.pidFile, { force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
