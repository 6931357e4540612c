// The live view of one run, fed by the run's event stream: timeline entries batched into stream
// messages (the lines read in one turn of the event loop become one message, sent before the
// next turn reads more), checks as they are
// evaluated, the cluster summary (folded over every entry, sent at most a few times a second),
// and at the end the written report's own model. A page that opens now gets a snapshot: the
// model of the newest window of entries and the id of the last message it holds.
import { relative } from "node:path";
import {
  LIVE_WINDOW,
  ModelBuilder,
  storedModel,
  type ClusterSummary,
  type ReportCheck,
  type ReportEntry,
  type ReportModel,
  type RunEnded,
} from "@joinlab/report";
import type { CheckResult } from "../checks/types.js";
import type { TimelineEntry } from "../logs/timeline.js";
import { reportSources } from "../results/report-artifact.js";
import { runReportModel } from "../results/run-report.js";
import type { RunEvent, RunEventListener } from "../run/run-events.js";
import type { RunResult } from "../run/run-result.js";
import type { ScenarioSpec } from "../scenarios/types.js";
import { ClusterFold } from "./cluster-summary.js";
import { StreamLog } from "./stream-log.js";

/** The cluster summary goes out at most this often (more rarely for large clusters: it grows with n²). */
const SUMMARY_MIN_MS = 100;
const SUMMARY_MS_PER_NODE = 4;
/** A reconnecting page can be sent this many entries it missed; further behind, it reloads. */
const RETAIN_ENTRIES = 50_000;

export interface LiveSnapshot {
  model: ReportModel;
  lastEventId: number;
  dropped: number;
}

export class LiveFeed {
  readonly stream = new StreamLog(RETAIN_ENTRIES);
  private readonly cluster = new ClusterFold();
  private scenario: ScenarioSpec | undefined;
  private meta: { runId?: string; runtime?: string } = {};
  private pending: ReportEntry[] = [];
  private batchTimer: NodeJS.Immediate | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private lastSummaryAt = 0;
  private checks: ReportCheck[] = [];
  private entryCount = 0;
  private endedWith: RunEnded | undefined;
  /** Adds what the session knows to the summary (the playground's actions and proposal). */
  decorate: (summary: ClusterSummary) => ClusterSummary = (s) => s;

  /** The run's event stream subscriber. */
  readonly listener: RunEventListener = (event: RunEvent): void => {
    switch (event.kind) {
      case "run":
        this.scenario = event.scenario;
        this.meta = { runId: event.runId, runtime: event.runtime };
        break;
      case "entry":
        this.entry(event.entry);
        break;
      case "checks":
        this.flush();
        this.checks = event.results.map(reportCheck);
        this.stream.publish("checks", { checks: this.checks });
        break;
      case "done":
        this.finish(event.result);
        break;
    }
  };

  get ended(): RunEnded | undefined {
    return this.endedWith;
  }

  /** The scenario's node names, in order (a playground's grows as nodes are added). */
  private order(): string[] {
    return this.scenario?.nodes.map((n) => n.name) ?? [];
  }

  summary(): ClusterSummary {
    return this.decorate(this.cluster.summary(this.order()));
  }

  /** Tells every page the summary soon (the session changed what it offers, say). */
  summaryChanged(): void {
    this.scheduleSummary();
  }

  /** What a page opening now is given: the newest window of entries as a model. */
  snapshot(): LiveSnapshot {
    this.flush();
    const kept = this.stream.retained();
    const window: ReportEntry[][] = [];
    let count = 0;
    for (let i = kept.length - 1; i >= 0; i--) {
      const m = kept[i]!;
      if (m.event !== "entries") continue;
      const entries = (m.data as { entries: ReportEntry[] }).entries;
      if (count + entries.length > LIVE_WINDOW.keep && count > 0) break;
      window.unshift(entries);
      count += entries.length;
    }
    const builder = new ModelBuilder({
      scenario: this.scenario?.name ?? "(starting)",
      ...(this.scenario?.description ? { description: this.scenario.description } : {}),
      ...this.meta,
      verdict: "unknown",
      problems: [],
    });
    for (const entries of window) builder.addAll(entries);
    builder.setNodes((this.scenario?.nodes ?? []).map((n) => ({ name: n.name, port: n.port })));
    builder.setChecks(this.checks);
    return { model: builder.model(), lastEventId: this.stream.lastId, dropped: this.entryCount - count };
  }

  private entry(entry: TimelineEntry): void {
    this.cluster.add(entry);
    this.entryCount++;
    this.pending.push(reportEntry(entry));
    // Not a timer: the page applies what it received at most once a frame anyway, so waiting here
    // for more lines only added the wait to every line (8 ms each, and more on a busy machine).
    this.batchTimer ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.batchTimer) clearImmediate(this.batchTimer);
    this.batchTimer = undefined;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    this.stream.publish("entries", { entries }, entries.length);
    this.scheduleSummary();
  }

  private scheduleSummary(): void {
    if (this.summaryTimer) return;
    const every = Math.max(SUMMARY_MIN_MS, this.order().length * SUMMARY_MS_PER_NODE);
    const wait = Math.max(0, this.lastSummaryAt + every - performance.now());
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      this.lastSummaryAt = performance.now();
      this.stream.announce("cluster", this.summary());
    }, wait);
  }

  /** The written report's model goes to the pages when it fits their window; its path always. */
  private finish(result: RunResult): void {
    this.flush();
    const fits = result.timeline.length <= LIVE_WINDOW.max;
    const model =
      fits && this.scenario
        ? runReportModel(result.runDir, reportSources({ scenario: this.scenario, result }))
        : undefined;
    const report = result.artifacts.report ?? `${result.runDir}/report.html`;
    this.endedWith = {
      report: relative(process.cwd(), report) || report,
      verdict: result.verdict,
      eventCount: result.timeline.length,
    };
    this.stream.publish("final", { ...this.endedWith, ...(model ? { model: storedModel(model) } : {}) });
  }

  /** Stops the timers (the server is closing). */
  close(): void {
    this.flush();
    clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
  }
}

function reportCheck(c: CheckResult): ReportCheck {
  return { name: c.name, valid: c.valid, summary: c.summary, errors: c.errors };
}

/** The entry as the report model takes it: the parsed line (its text and arrival index stay behind). */
function reportEntry(entry: TimelineEntry): ReportEntry {
  switch (entry.kind) {
    case "event":
      return { kind: "event", node: entry.node, t: entry.t, line: entry.line };
    case "raw":
      return { kind: "raw", node: entry.node, t: entry.t, stream: entry.stream, text: entry.text };
    case "orchestrator":
      return { kind: "orchestrator", t: entry.t, event: entry.event };
  }
}
