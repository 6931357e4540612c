// Newline-delimited framing: splits a TCP byte stream into lines under a size cap, and frames values.

/** The cap the protocol documents: a line longer than this (excluding its `\n`) is refused. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

export type LineEvent = { kind: "line"; bytes: Buffer } | { kind: "overflow"; maxLineBytes: number };

/**
 * Incremental line splitter. Lines are returned as bytes (not text) so a multi-byte UTF-8
 * character split across TCP chunks is never decoded half-way. Once a line crosses the cap the
 * decoder reports one overflow and ignores everything after it: the caller closes the connection,
 * and buffered memory never exceeds the cap plus one chunk.
 */
export class LineDecoder {
  readonly #maxLineBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #overflowed = false;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    this.#maxLineBytes = maxLineBytes;
  }

  get overflowed(): boolean {
    return this.#overflowed;
  }

  push(chunk: Uint8Array): LineEvent[] {
    const events: LineEvent[] = [];
    if (this.#overflowed) return events;
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE)) {
      const lineBytes = this.#pendingBytes + nl;
      if (lineBytes > this.#maxLineBytes) return this.#overflow(events);
      events.push({ kind: "line", bytes: this.#take(data.subarray(0, nl)) });
      data = data.subarray(nl + 1);
    }
    if (this.#pendingBytes + data.length > this.#maxLineBytes) return this.#overflow(events);
    if (data.length > 0) {
      // Copy: the caller's chunk may be a reused buffer.
      this.#pending.push(Buffer.from(data));
      this.#pendingBytes += data.length;
    }
    return events;
  }

  /** End of stream: a final line without `\n` still counts (Go's decoder accepts one too). */
  end(): LineEvent[] {
    if (this.#overflowed || this.#pendingBytes === 0) return [];
    return [{ kind: "line", bytes: this.#take(Buffer.alloc(0)) }];
  }

  #take(tail: Buffer): Buffer {
    const line = this.#pending.length === 0 ? Buffer.from(tail) : Buffer.concat([...this.#pending, tail]);
    this.#pending = [];
    this.#pendingBytes = 0;
    return line;
  }

  #overflow(events: LineEvent[]): LineEvent[] {
    this.#overflowed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    events.push({ kind: "overflow", maxLineBytes: this.#maxLineBytes });
    return events;
  }
}

/** Frames one value the way Go's json.Encoder does: compact JSON, then `\n`. */
export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
