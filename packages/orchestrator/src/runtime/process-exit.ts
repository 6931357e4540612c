// A node program's exit as a runtime tracks it: a promise that resolves once and never rejects,
// the exit once known, and a fresh one for the next process after a restart in place.
import type { ExitInfo } from "./types.js";

export class ProcessExit {
  promise!: Promise<ExitInfo>;
  info: ExitInfo | undefined;
  private resolve!: (info: ExitInfo) => void;

  constructor() {
    this.renew();
  }

  settle(info: ExitInfo): void {
    this.info = info;
    this.resolve(info);
  }

  /** The next process: not exited yet. */
  renew(): void {
    this.info = undefined;
    this.promise = new Promise((resolve) => (this.resolve = resolve));
  }
}
