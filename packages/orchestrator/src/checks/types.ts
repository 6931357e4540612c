// Checks return results instead of throwing (Maelstrom-style `{valid: true|false|"unknown"}`), and a
// failure says who, what was expected and what happened.
import type { LogLineOf, NodeEvent, NodeLogLine } from "@joinlab/protocol";
import type { FaultKind, NodeSpec, ScenarioSpec } from "../scenarios/types.js";
import type { TimelineEntry } from "../logs/timeline.js";

export type Validity = true | false | "unknown";

export interface CheckResult {
  name: string;
  valid: Validity;
  /** One line: what was checked and how it came out. */
  summary: string;
  /** One per problem: who, what was expected, what happened. */
  errors: string[];
}

/** What the orchestrator observed about one node, in runtime terms. */
export interface ObservedNode {
  name: string;
  spec: NodeSpec;
  /** How peers dial this node: "node2:8002" in Docker, "127.0.0.1:41234" as processes. */
  address: string;
  /** The --clusterip it was given, in the same terms. */
  clusterip: string;
  started: boolean;
  /** Why it was never started (a dependency failed, the run was interrupted). */
  notStarted?: string;
  /** Set once it exited; undefined while it still runs. */
  exit?: { code: number | null; signal?: string | null };
  /** Set when its output could not be read completely (e.g. the Docker stream failed). */
  logError?: string;
  /** Faults the orchestrator applied to it, in order (an exit after kill or stop is expected). */
  faults?: FaultKind[];
}

export interface CheckContext {
  scenario: ScenarioSpec;
  nodes: readonly ObservedNode[];
  timeline: readonly TimelineEntry[];
}

export type Check = (ctx: CheckContext) => CheckResult;

export type EventEntry = Extract<TimelineEntry, { kind: "event" }>;

/** A timeline entry holding a line of one event, its fields typed. */
export type EventEntryOf<E extends NodeEvent> = EventEntry & { line: LogLineOf<E> };

/** The entries of `event`, in timeline order. */
export function entriesOf<E extends NodeEvent>(
  timeline: readonly TimelineEntry[],
  event: E,
): EventEntryOf<E>[] {
  return timeline.filter((e): e is EventEntryOf<E> => e.kind === "event" && e.line.event === event);
}

/** Node log lines of one node, in timeline order. */
export function eventsOf(ctx: CheckContext, node: string): EventEntry[] {
  return ctx.timeline.filter((e): e is EventEntry => e.kind === "event" && e.node === node);
}

export function firstEvent(ctx: CheckContext, node: string, event: NodeEvent): EventEntry | undefined {
  return ctx.timeline.find(
    (e): e is EventEntry => e.kind === "event" && e.node === node && e.line.event === event,
  );
}

/** "exited with code 1" / "is still running" / "was never started (why)". */
export function describeFate(node: ObservedNode): string {
  if (!node.started) return `was never started${node.notStarted ? ` (${node.notStarted})` : ""}`;
  if (!node.exit) return "is still running";
  if (node.exit.signal) return `was killed by ${node.exit.signal}`;
  return `exited with code ${node.exit.code}`;
}

/** What a node's log says happened, briefly: "logged join.failed (reason: ECONNREFUSED), node.quitting". */
export function describeEvents(ctx: CheckContext, node: string): string {
  const notable = new Set<NodeEvent>([
    "join.failed",
    "node.quitting",
    "node.fatal",
    "master.started",
    "node.joined",
    "node.ready",
    "protocol.error",
  ]);
  const parts = eventsOf(ctx, node)
    .filter((e) => notable.has(e.line.event))
    .map((e) => {
      // The reason matters where the trouble started; node.quitting repeats join.failed's.
      const { line } = e;
      const why =
        line.event === "join.failed" || line.event === "node.fatal" || line.event === "protocol.error";
      const reason = why ? line.reason : undefined;
      return reason ? `${line.event} (${reason})` : line.event;
    });
  return parts.length ? `logged ${parts.join(", ")}` : "logged none of the expected events";
}

export function combine(results: readonly CheckResult[]): Validity {
  if (results.some((r) => r.valid === false)) return false;
  if (results.some((r) => r.valid === "unknown")) return "unknown";
  return true;
}

export function lineOf(entry: EventEntry | undefined): NodeLogLine | undefined {
  return entry?.line;
}
