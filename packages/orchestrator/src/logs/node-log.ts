// One node's output as it arrives: every record kept in arrival order, listeners told of each new
// one, and an end marker once the stream closes (the process or container has stopped).
import type { LogRecord } from "./records.js";

export type RecordListener = (record: LogRecord) => void;

export class NodeLog {
  readonly records: LogRecord[] = [];
  private readonly listeners = new Set<RecordListener>();
  private readonly endListeners = new Set<() => void>();
  private endedFlag = false;

  constructor(readonly node: string) {}

  get ended(): boolean {
    return this.endedFlag;
  }

  add(record: LogRecord): void {
    this.records.push(record);
    for (const listener of [...this.listeners]) listener(record);
  }

  /** Marks the stream finished; idempotent. A restarted node gets a new stream via `reopen`. */
  end(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    for (const listener of [...this.endListeners]) listener();
  }

  /** A restarted container (the restart fault) streams again. */
  reopen(): void {
    this.endedFlag = false;
  }

  onRecord(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Resolves once the stream has ended (immediately if it has). */
  whenEnded(): Promise<void> {
    if (this.endedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onEnd(() => {
        off();
        resolve();
      });
    });
  }
}
