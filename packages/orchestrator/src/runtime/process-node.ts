// One node as a child process of the orchestrator: its output read line by line as it arrives,
// stop as SIGTERM then SIGKILL, pause as SIGSTOP/SIGCONT, restart as SIGKILL and the same program
// with the same flags again (same port, a new pid and node id; the log goes on).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { NODE_RUNTIME_OPTIONS } from "@joinlab/node";
import type { Logger } from "winston";
import { LineSplitter } from "../logs/line-splitter.js";
import { NodeLog } from "../logs/node-log.js";
import { nowMicros, RecordBuilder, type RecordOrder } from "../logs/records.js";
import { CLOCK_TICKS_PER_SECOND, procStat } from "./proc-stat.js";
import type { CreatedNode, ExitInfo, NodeLaunch, StartedNode } from "./types.js";

export class ProcessNode implements CreatedNode, StartedNode {
  readonly log: NodeLog;
  exitInfo: ExitInfo | undefined;
  private child: ChildProcess | undefined;
  private exitPromise!: Promise<ExitInfo>;
  private resolveExit!: (info: ExitInfo) => void;
  private readonly order: RecordOrder = { next: 0, gen: 0 };

  constructor(
    private readonly launch: NodeLaunch,
    private readonly bin: string,
    private readonly logger: Logger,
    private readonly onPid: (pid: number) => void,
  ) {
    this.log = new NodeLog(launch.name);
    this.renewExit();
  }

  /** Resolves when the current process has exited; never rejects. */
  get exited(): Promise<ExitInfo> {
    return this.exitPromise;
  }

  private renewExit(): void {
    this.exitInfo = undefined;
    this.exitPromise = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get name(): string {
    return this.launch.name;
  }

  get id(): string {
    return this.child?.pid !== undefined ? `pid ${this.child.pid}` : "(not started)";
  }

  async start(): Promise<StartedNode> {
    if (this.child) return this;
    this.logger.debug(`Starting process ${this.name}...`);
    // Loopback only (the network safety rule), ahead of the run's flags so a scenario can override it.
    const args = [...NODE_RUNTIME_OPTIONS, this.bin, "--listenHost", "127.0.0.1", ...this.launch.args];
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let open = 2;
    const closeOne = (): void => {
      if (--open === 0) this.log.end();
    };
    for (const stream of ["stdout", "stderr"] as const) {
      const builder = new RecordBuilder(this.name, stream, this.order);
      const splitter = new LineSplitter((line) => {
        const record = builder.fromText(line, nowMicros());
        this.log.add(record);
      });
      child[stream].on("data", (chunk: Buffer) => splitter.push(chunk));
      child[stream].on("end", () => {
        splitter.end();
        closeOne();
      });
    }
    child.on("exit", (code, signal) => {
      this.exitInfo = { code, signal };
      this.logger.debug(`Process ${this.name} exited (code ${code}, signal ${signal})`);
      this.resolveExit(this.exitInfo);
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (err) => {
        this.logger.error(`Failed to start process ${this.name}: ${err.message}`);
        this.exitInfo = { code: null, signal: null };
        this.resolveExit(this.exitInfo);
        this.log.end();
        reject(err);
      });
    });
    if (child.pid !== undefined) this.onPid(child.pid);
    this.logger.debug(`Started process ${this.name} (pid ${child.pid})`);
    return this;
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    const child = this.child;
    if (!child || this.exitInfo) return;
    this.logger.debug(`Stopping process ${this.name}...`);
    child.kill("SIGCONT"); // a paused node cannot handle SIGTERM
    child.kill("SIGTERM");
    // Escalate like execa: SIGTERM, then SIGKILL when the node ignores it.
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 2000);
    await this.exited;
    clearTimeout(timer);
    this.logger.debug(`Stopped process ${this.name}`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.exitInfo) return;
    child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGKILL, the old output read to its end, then the same program and flags again. */
  async restart(): Promise<void> {
    if (!this.child) return;
    await this.kill();
    await this.log.whenEnded();
    this.renewExit();
    this.log.reopen();
    this.order.gen++;
    this.child = undefined;
    await this.start();
  }

  async remove(): Promise<void> {
    await this.kill();
  }

  async pause(): Promise<void> {
    if (this.child && !this.exitInfo) this.child.kill("SIGSTOP");
  }

  async unpause(): Promise<void> {
    if (this.child && !this.exitInfo) this.child.kill("SIGCONT");
  }

  detach(): void {
    this.child?.stdout?.destroy();
    this.child?.stderr?.destroy();
    this.child?.unref();
  }

  async cpuSeconds(): Promise<number | undefined> {
    const pid = this.child?.pid;
    if (pid === undefined || this.exitInfo) return undefined;
    const stat = procStat(pid, (path) => readFileSync(path, "utf8"));
    return stat === undefined ? undefined : stat.ticks / CLOCK_TICKS_PER_SECOND;
  }

  async rssBytes(): Promise<number | undefined> {
    const pid = this.child?.pid;
    if (pid === undefined || this.exitInfo) return undefined;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
}
