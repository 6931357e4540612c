// The run directory: runs/<scenario>/<runId>/ with scenario.json at the start, one live log per node
// (Docker's `--timestamps` line shape), the orchestrator's events and trace, and at the end
// results.json and merged.log; runs/latest points at the newest run.
import {
  createWriteStream,
  mkdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
  type WriteStream,
} from "node:fs";
import { once } from "node:events";
import { join, relative } from "node:path";
import type { LogRecord } from "../logs/records.js";
import { recordToFileLine } from "../logs/records.js";
import type { OrchestratorEvent } from "../logs/timeline.js";

export const EVENTS_FILE = "orchestrator.events.log";
export const TRACE_FILE = "orchestrator.log";
export const MERGED_FILE = "merged.log";
export const RESULTS_FILE = "results.json";
export const SCENARIO_FILE = "scenario.json";

export class RunDir {
  private readonly streams = new Map<string, WriteStream>();
  /** Set by close(): late lines (a kept node's, a stream's tail) are not written any more. */
  private closed = false;
  readonly trace: WriteStream;

  private constructor(
    readonly runsDir: string,
    readonly path: string,
  ) {
    this.trace = createWriteStream(join(path, TRACE_FILE));
  }

  static create(runsDir: string, scenario: string, runId: string, spec: unknown): RunDir {
    const path = join(runsDir, scenario, runId);
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, SCENARIO_FILE), JSON.stringify(spec, null, 2) + "\n");
    const dir = new RunDir(runsDir, path);
    dir.pointLatest();
    return dir;
  }

  nodeLogPath(node: string): string {
    return join(this.path, `${node}.log`);
  }

  /** Appends a node's record to its log as it arrives, so `logs` can show a running run. */
  writeRecord(record: LogRecord): void {
    if (this.closed) return;
    let stream = this.streams.get(record.node);
    if (!stream) {
      stream = createWriteStream(this.nodeLogPath(record.node), { flags: "a" });
      this.streams.set(record.node, stream);
    }
    stream.write(recordToFileLine(record));
  }

  writeEvent(event: OrchestratorEvent): void {
    if (this.closed) return;
    let stream = this.streams.get(EVENTS_FILE);
    if (!stream) {
      stream = createWriteStream(join(this.path, EVENTS_FILE), { flags: "a" });
      this.streams.set(EVENTS_FILE, stream);
    }
    const { t: _t, time, ...rest } = event;
    stream.write(`${time} ${JSON.stringify(rest)}\n`);
  }

  writeFile(name: string, text: string): string {
    const path = join(this.path, name);
    writeFileSync(path, text);
    return path;
  }

  /** runs/latest → <scenario>/<runId>, replaced atomically. */
  pointLatest(): void {
    const link = join(this.runsDir, "latest");
    const tmp = `${link}.${process.pid}.tmp`;
    try {
      symlinkSync(relative(this.runsDir, this.path), tmp);
      renameSync(tmp, link);
    } catch {
      // A file system without symlinks: the newest run is still findable by its id.
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.streams.values(), this.trace];
    await Promise.all(
      all.map(async (s) => {
        if (s.closed) return;
        s.end();
        await once(s, "close");
      }),
    );
  }

  static readResults(path: string): unknown {
    return JSON.parse(readFileSync(join(path, RESULTS_FILE), "utf8"));
  }
}
