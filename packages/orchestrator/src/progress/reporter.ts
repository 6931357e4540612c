// Progress while a run goes: on a TTY a status line rewritten in place under the event lines;
// otherwise plain lines only (CI logs, pipes).
export type ProgressEvent =
  | { kind: "phase"; message: string }
  | {
      kind: "node";
      node: string;
      state: "created" | "started" | "ready" | "exited" | "failed" | "skipped";
      detail?: string;
    }
  | { kind: "done"; message: string };

export interface ProgressReporter {
  report(event: ProgressEvent): void;
  /** Restarts the elapsed-time clock (the run begins after the image step). */
  resetClock(): void;
  /** Writes a finished line (results, merged log) without the status line in the way. */
  print(text: string): void;
  close(): void;
}

export interface ReporterOptions {
  out?: NodeJS.WriteStream;
  /** Total nodes in the run, for "3/4 ready". */
  total: number;
  /** Per-node lines (default when ≤ 16 nodes). */
  verbose?: boolean;
  quiet?: boolean;
}

export function createReporter(options: ReporterOptions): ProgressReporter {
  const out = options.out ?? process.stdout;
  const tty = out.isTTY === true;
  let started = performance.now();
  const counts = { started: 0, ready: 0, exited: 0, failed: 0 };
  let statusShown = false;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)}s`;

  const clearStatus = (): void => {
    if (tty && statusShown) out.write("\r\x1b[2K");
    statusShown = false;
  };
  const drawStatus = (): void => {
    if (!tty || options.quiet) return;
    out.write(
      `\r\x1b[2K  ${elapsed()}  started ${counts.started}/${options.total}  ready ${counts.ready}  quit ${counts.exited}  failed ${counts.failed}`,
    );
    statusShown = true;
  };
  const line = (text: string): void => {
    if (options.quiet) return;
    clearStatus();
    out.write(`${text}\n`);
    drawStatus();
  };

  return {
    report(event) {
      if (event.kind === "node") {
        if (event.state === "started") counts.started++;
        if (event.state === "ready") counts.ready++;
        if (event.state === "exited") counts.exited++;
        if (event.state === "failed" || event.state === "skipped") counts.failed++;
        const verbose = options.verbose ?? options.total <= 16;
        const always = event.state === "failed" || event.state === "skipped";
        if ((verbose && event.state !== "created") || always) {
          line(
            `  ${elapsed().padStart(6)}  ${event.node.padEnd(8)} ${event.state}${event.detail ? `  ${event.detail}` : ""}`,
          );
        } else drawStatus();
      } else line(event.kind === "phase" ? `• ${event.message}` : event.message);
    },
    resetClock() {
      started = performance.now();
    },
    print(text) {
      clearStatus();
      out.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    close() {
      clearStatus();
    },
  };
}
