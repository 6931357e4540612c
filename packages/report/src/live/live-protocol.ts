// What the live server and the live page say to each other: the data the page boots from, the
// messages of the event stream, the cluster summary a teacher reads, and the actions a
// playground page may ask for. Plain JSON; the server (the orchestrator) and the page share it.
import type { ReportCheck, ReportEntry } from "../model/types.js";
import type { StoredModel } from "../model/stored-model.js";

/**
 * The page's window on the run: it holds at most `max` entries; past that it drops the oldest,
 * keeping `keep` (the diagram and the membership chart show the window; the cluster summary,
 * folded by the server over everything, stays exact). 64 nodes for 10 minutes stay bounded.
 */
export const LIVE_WINDOW = { max: 20_000, keep: 15_000 } as const;

/** Every action a playground may offer; the runtime decides which it does. */
export const ACTION_KINDS = ["add", "kill", "stop", "pause", "resume", "restart", "cut", "heal"] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** A state-changing request: POST /api/actions with the session's token. */
export type ActionRequest =
  | { action: "add"; via: string; name?: string; port?: number }
  | { action: Exclude<ActionKind, "add">; node: string };

/** The answer: what was done, or why nothing was (the cluster untouched). */
export type ActionReply =
  | { ok: true; action: ActionKind; node: string; message: string; appliedMs: number }
  | { ok: false; error: string };

export interface LiveBoot {
  /** This server's session; a page of another session is refused by the stream. */
  session: string;
  /** Carried by every state-changing request (X-Joinlab-Token). */
  token: string;
  mode: "run" | "playground";
  /** The last stream message the embedded model holds: the stream resumes after it. */
  lastEventId: number;
  /** Entries of the run before the embedded model's window. */
  dropped: number;
  window: { max: number; keep: number };
  cluster: ClusterSummary;
  /** What the playground's runtime can do (empty for a run). */
  actions: ActionKind[];
  /** How the playground cuts a node off: rules in its network namespace, or a network disconnect. */
  cutBy?: "rules" | "disconnect";
  /** Set once the run has ended (a page opened after the end). */
  ended?: RunEnded;
}

export interface RunEnded {
  /** The written report.html. */
  report: string;
  verdict: true | false | "unknown";
  eventCount: number;
}

/** A node as the cluster summary shows it: what it is now, and what it believes. */
export interface ClusterNode {
  name: string;
  /** Its current process: restarts so far, and the id it logs. */
  gen: number;
  id?: number;
  address?: string;
  /** The member it joined through (its --clusterip). */
  via?: string;
  state: "starting" | "up" | "paused" | "cut off" | "killed" | "stopped" | "exited";
  role?: "master" | "member" | "joining";
  /** Whom it takes for the master (a node name), when it knows one. */
  master?: string;
  /** What it believes about every other node it has heard of: node names by state. */
  view: Partial<Record<"alive" | "suspect" | "failed" | "left", string[]>>;
  /** Playground: the actions that apply to it now. */
  actions?: ActionKind[];
}

/** The cluster-wide answers a teacher wants, and every node. */
export interface ClusterSummary {
  nodes: ClusterNode[];
  /** Exactly one master? Among the live nodes (up, not paused or cut off). */
  masters: { ok: boolean; names: string[]; text: string };
  /** Have all live nodes converged on one view? */
  converged: { ok: boolean; live: number; text: string; disagreements: string[] };
  /** The last fault that took a node away, and how long its detection took. */
  detection?: {
    text: string;
    fault: string;
    node: string;
    survivors: number;
    noticed: number;
    declared: number;
    noticedMs?: number;
    declaredMs?: number;
  };
  /** Playground: the name and port a node added now would get. */
  proposal?: { name: string; port: number };
}

/** The stream's messages (server-sent events): the `event:` name and its JSON data. */
export interface StreamMessages {
  entries: { entries: ReportEntry[] };
  checks: { checks: ReportCheck[] };
  cluster: ClusterSummary;
  /** The run has ended; its model is the written report's when it fits the page's window. */
  final: RunEnded & { model?: StoredModel };
  /** The page is too far behind for the stream to resume it: it reloads. */
  reset: Record<string, never>;
  /** The server is going away: the page stops reconnecting. */
  bye: { reason: string };
}
export type StreamEvent = keyof StreamMessages;
