// Log records as the orchestrator sees them: one line of one node's output, with its timestamp,
// parsed as a node log line when it is one and kept raw when it is not.
import { parseLogLine, type NodeLogLine } from "@joinlab/protocol";

export type LogStream = "stdout" | "stderr";

export interface LogRecord {
  node: string;
  /** Microseconds since the epoch: Docker's timestamp, or the arrival time in the process runtime. */
  t: number;
  /** The timestamp as text (RFC 3339, nanoseconds under Docker). */
  time: string;
  stream: LogStream;
  /** Arrival position within this node's output: 0, 1, 2, ... */
  index: number;
  text: string;
  /** Set when the text is a node log line (its event and fields as the log contract declares). */
  line?: NodeLogLine;
  /** Which process of a restarted node wrote it (0, 1, ...): each process counts seq from 1. */
  gen?: number;
}

/**
 * A node's JSON log line, typed by the log contract; anything else (a stack trace, a warning, a
 * line the contract does not know) stays raw text.
 */
export function parseNodeLine(text: string): NodeLogLine | undefined {
  return parseLogLine(text);
}

/** RFC 3339 text with up to nanoseconds → microseconds since the epoch (exact in a double). */
export function parseTimestamp(time: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const micros = Number((m[2] ?? "").padEnd(6, "0").slice(0, 6));
  return seconds * 1000 + micros;
}

/** Microseconds since the epoch → RFC 3339 with microseconds. */
export function formatTimestamp(t: number): string {
  const ms = Math.floor(t / 1000);
  const iso = new Date(ms).toISOString(); // ...ss.mmmZ
  return `${iso.slice(0, 23)}${String(Math.floor(t) % 1000).padStart(3, "0")}Z`;
}

/** Microseconds since the epoch, now, with sub-millisecond resolution. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Splits a line of `docker logs --timestamps` ("<RFC 3339> <text>") into its parts. Our per-node
 * log files use the same shape, with "[stderr] " before stderr text.
 */
export function splitTimestamped(
  line: string,
): { time: string; t: number; text: string; stream: LogStream } | undefined {
  const space = line.indexOf(" ");
  if (space <= 0) return undefined;
  const time = line.slice(0, space);
  const t = parseTimestamp(time);
  if (t === undefined) return undefined;
  let text = line.slice(space + 1);
  let stream: LogStream = "stdout";
  if (text.startsWith(STDERR_MARK)) {
    stream = "stderr";
    text = text.slice(STDERR_MARK.length);
  }
  return { time, t, text, stream };
}

export const STDERR_MARK = "[stderr] ";

/** The per-node log file's line for a record (the inverse of splitTimestamped). */
export function recordToFileLine(record: LogRecord): string {
  return `${record.time} ${record.stream === "stderr" ? STDERR_MARK : ""}${record.text}\n`;
}

/**
 * A node's own order of its records, shared by its streams and its processes: the arrival counter,
 * and which process writes now (restarts so far). Each process counts its seq from 1, so the
 * generation keeps a restarted node's two processes apart.
 */
export interface RecordOrder {
  next: number;
  gen: number;
}

/** Builds records from one node's stream of timestamped lines, numbering them in arrival order. */
export class RecordBuilder {
  private index = 0;
  constructor(
    readonly node: string,
    private readonly stream: LogStream,
    private readonly order: RecordOrder = { next: 0, gen: 0 },
  ) {}

  /** A line with a leading Docker timestamp; a line without one gets `fallbackT`. */
  fromTimestamped(line: string, fallbackT: number): LogRecord {
    const parts = splitTimestamped(line);
    if (parts) return this.make(parts.t, parts.time, parts.text);
    return this.make(fallbackT, formatTimestamp(fallbackT), line);
  }

  fromText(text: string, t: number): LogRecord {
    return this.make(t, formatTimestamp(t), text);
  }

  private make(t: number, time: string, text: string): LogRecord {
    this.index = this.order.next++;
    const record: LogRecord = { node: this.node, t, time, stream: this.stream, index: this.index, text };
    if (this.order.gen > 0) record.gen = this.order.gen;
    const line = parseNodeLine(text);
    if (line) record.line = line;
    return record;
  }
}
