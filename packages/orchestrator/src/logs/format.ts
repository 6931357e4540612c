// Human-readable merged log: `15:01:29.123456 [node2] join.request.sent → node1:8001  message`,
// one formatter per entry kind so the layout can change without touching callers.
import type { TimelineEntry } from "./timeline.js";

export interface FormatOptions {
  /** Width the `[node]` prefix is padded to (longest node name + 2). */
  prefixWidth?: number;
  color?: boolean;
}

const COLORS = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96];

function colorOf(node: string): number {
  let h = 0;
  for (const c of node) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

function clock(time: string): string {
  // "2026-11-24T15:01:29.123456789Z" → "15:01:29.123456"
  const m = /T(\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? "").padEnd(6, "0").slice(0, 6)}` : time;
}

function prefix(node: string, options: FormatOptions): string {
  const text = `[${node}]`.padEnd(options.prefixWidth ?? 0);
  return options.color ? `\x1b[${colorOf(node)}m${text}\x1b[0m` : text;
}

const formatters: {
  [K in TimelineEntry["kind"]]: (e: Extract<TimelineEntry, { kind: K }>, o: FormatOptions) => string;
} = {
  event: (e, o) => {
    const { line } = e;
    const arrow = line.event.endsWith(".sent")
      ? "→ "
      : line.event.endsWith(".received") || line.event === "join.request.received"
        ? "← "
        : "";
    const peer = line.peer ? ` ${arrow}${line.peer}` : "";
    const peerId = line.peerId !== undefined ? ` (id ${line.peerId})` : "";
    const level = line.level === "info" || line.level === undefined ? "" : ` ${line.level.toUpperCase()}`;
    return `${clock(e.time)} ${prefix(e.node, o)} ${line.event}${level}${peer}${peerId}  ${line.message ?? ""}`.trimEnd();
  },
  raw: (e, o) => `${clock(e.time)} ${prefix(e.node, o)} ${e.stream === "stderr" ? "(stderr) " : ""}${e.text}`,
  orchestrator: (e, o) =>
    `${clock(e.time)} ${prefix("joinlab", o)} ${e.event.event}${e.event.node ? ` ${e.event.node}` : ""}  ${e.event.message}`,
};

export function formatEntry(entry: TimelineEntry, options: FormatOptions = {}): string {
  return (formatters[entry.kind] as (e: TimelineEntry, o: FormatOptions) => string)(entry, options);
}

export function formatTimeline(entries: readonly TimelineEntry[], options: FormatOptions = {}): string {
  const width =
    options.prefixWidth ??
    entries.reduce((w, e) => Math.max(w, (e.kind === "orchestrator" ? "joinlab" : e.node).length + 2), 0);
  return entries.map((e) => formatEntry(e, { ...options, prefixWidth: width }) + "\n").join("");
}
