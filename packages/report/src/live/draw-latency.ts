// How long an entry takes from being written to being drawn on the live page: for a node's line,
// from its own timestamp; for the orchestrator's events (a fault), from the moment it noted them.
// And, per action clicked on the page, from the click to its answer and to its fault event drawn.
// Samples go into fixed-size rings: the bench reads them (window.joinlabLive.stats()).
import type { ReportEntry } from "../model/types.js";

const SAMPLES = 4096;
const ACTIONS = 256;

export interface ActionTiming {
  action: string;
  node: string;
  /** Click → the server's answer (the fault applied). */
  answeredMs?: number;
  /** Click → the fault's event drawn on the page. */
  shownMs?: number;
}

export interface LatencyStats {
  samples: number;
  p50?: number;
  p99?: number;
  max?: number;
  actions: ActionTiming[];
}

/** The events each action notes in the timeline (a network cut by rules names no node). */
const NOTED_AS: Record<string, readonly string[]> = {
  kill: ["fault.kill"],
  stop: ["fault.stop"],
  pause: ["fault.pause"],
  resume: ["fault.unpause"],
  restart: ["fault.restart"],
  cut: ["fault.partition", "fault.disconnect"],
  heal: ["fault.heal", "fault.connect"],
  add: ["launched"],
};

export class DrawLatency {
  private readonly ring = new Float64Array(SAMPLES);
  private count = 0;
  private readonly actions: (ActionTiming & { clickedAt: number })[] = [];

  drawn(entries: readonly ReportEntry[]): void {
    const now = Date.now();
    for (const e of entries) {
      const written = writtenAt(e);
      if (written !== undefined) this.ring[this.count++ % SAMPLES] = Math.max(0, now - written);
      if (e.kind === "orchestrator") this.faultShown(e.event.event, e.event.node, now);
    }
  }

  clicked(action: string, node: string): ActionTiming & { clickedAt: number } {
    const timing = { action, node, clickedAt: Date.now() };
    this.actions.push(timing);
    if (this.actions.length > ACTIONS) this.actions.shift();
    return timing;
  }

  answered(timing: ActionTiming & { clickedAt: number }): void {
    timing.answeredMs = Date.now() - timing.clickedAt;
  }

  stats(): LatencyStats {
    const n = Math.min(this.count, SAMPLES);
    const sorted = Array.from(this.ring.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))];
    return {
      samples: n,
      ...(n ? { p50: at(0.5), p99: at(0.99), max: sorted[n - 1] } : {}),
      actions: this.actions.map(({ clickedAt: _c, ...rest }) => rest),
    };
  }

  private faultShown(event: string, node: string | undefined, now: number): void {
    const pending = this.actions.find(
      (a) =>
        a.shownMs === undefined &&
        (node === undefined || a.node === node) &&
        (NOTED_AS[a.action] ?? []).includes(event),
    );
    if (pending) pending.shownMs = now - pending.clickedAt;
  }
}

function writtenAt(e: ReportEntry): number | undefined {
  if (e.kind === "event" && typeof e.line.time === "string") {
    const t = Date.parse(e.line.time);
    return Number.isNaN(t) ? undefined : t;
  }
  return e.kind === "orchestrator" ? e.t / 1000 : undefined;
}
