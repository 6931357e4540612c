// The node's structured log: one JSON object per line on stdout (or human text), via winston.
import type { Writable } from "node:stream";
import winston from "winston";
import { LOG_LEVELS, type LogLevel, type NodeLogEvent, type NodeLogLine } from "@joinlab/protocol";

export { LOG_LEVELS, type LogLevel };
export const LOG_FORMATS = ["json", "text"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  /** Display name, repeated in every line as `name`. */
  name?: string;
  /** Where lines go; stdout by default. */
  stream?: Writable;
  /** No output at all (in-process benchmarks). */
  silent?: boolean;
}

/** Peer-controlled strings are cut to this, so no line comes near the orchestrator's 16 KiB limit. */
const MAX_FIELD_CHARS = 512;
const MAX_LINE_CHARS = 8192;

export class NodeLogger {
  readonly #winston: winston.Logger;
  readonly #name: string | undefined;
  #seq = 0;
  /** -1 until the node has an id; changes once if the cluster reassigns it. */
  nodeId = -1;

  constructor(options: LoggerOptions) {
    this.#name = options.name;
    const render = options.format === "json" ? renderJson : renderText;
    this.#winston = winston.createLogger({
      levels: { error: 0, warn: 1, info: 2, debug: 3 },
      level: options.level,
      silent: options.silent ?? false,
      format: winston.format.printf((info) => render(info[LINE] as NodeLogLine)),
      transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout, eol: "\n" })],
    });
  }

  error(entry: NodeLogEvent): void {
    this.log("error", entry);
  }
  warn(entry: NodeLogEvent): void {
    this.log("warn", entry);
  }
  info(entry: NodeLogEvent): void {
    this.log("info", entry);
  }
  debug(entry: NodeLogEvent): void {
    this.log("debug", entry);
  }

  /** Writes one line: time, level, seq, nodeId and name first, then the entry in its own order. */
  log(level: LogLevel, entry: NodeLogEvent): void {
    if (!this.#winston.isLevelEnabled(level)) return;
    const { event, message, ...fields } = entry;
    const text = clip(message);
    // Time and seq are taken now, not when winston gets round to writing, so they order correctly.
    const line: Record<string, unknown> = {
      time: isoTime(Date.now()),
      level,
      seq: ++this.#seq,
      nodeId: this.nodeId,
      ...(this.#name === undefined ? {} : { name: this.#name }),
      event,
      message: text,
    };
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && !(key in line)) line[key] = clipDeep(value);
    }
    this.#winston.log({ level, message: text, [LINE]: line as NodeLogLine });
  }

  /** Resolves once every line logged so far has been handed to the stream. */
  flush(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}

const LINE = Symbol("joinlab.line");

/**
 * `new Date(ms).toISOString()`, from the UTC fields: V8's toISOString pages in ~0.8 MiB more of the
 * node binary than the field getters do, and an idle node should not carry that.
 */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return date.toISOString();
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}` +
    `.${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function renderJson(line: NodeLogLine): string {
  const json = JSON.stringify(line);
  if (json.length <= MAX_LINE_CHARS) return json;
  const { time, level, seq, nodeId, event, message, peer, peerId, name } = line;
  return JSON.stringify({ time, level, seq, nodeId, name, event, message, peer, peerId, truncated: true });
}

function renderText(line: NodeLogLine): string {
  const { time, level, seq: _seq, nodeId, name, event, message, ...fields } = line;
  const who = name === undefined ? `node ${nodeId}` : `${String(name)} (${nodeId})`;
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  const text = `${time} ${level.toUpperCase().padEnd(5)} ${who} ${event}: ${message}${extra ? `  ${extra}` : ""}`;
  return text.length <= MAX_LINE_CHARS ? text : `${text.slice(0, MAX_LINE_CHARS)}...`;
}

function clip(text: string): string {
  return text.length <= MAX_FIELD_CHARS ? text : `${text.slice(0, MAX_FIELD_CHARS)}...`;
}

function clipDeep(value: unknown): unknown {
  if (typeof value === "string") return clip(value);
  if (Array.isArray(value)) return value.slice(0, 64).map(clipDeep);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipDeep(v)]));
  }
  return value;
}
