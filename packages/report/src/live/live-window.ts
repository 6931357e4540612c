// The live page's model: entries from the stream are queued and applied to the report page at most
// once a frame (less often when applying is slow, so the page stays responsive), the view follows the
// newest moment unless a person moved it, and the model is a window: past `max` entries it is
// rebuilt from the newest `keep`, so a long session's page holds a bounded model.
import type { ReportApi } from "../browser/main.js";
import { ModelBuilder } from "../model/model-builder.js";
import { entriesOf } from "../model/resume.js";
import type { ReportCheck, ReportEntry, ReportModel } from "../model/types.js";
import { DrawLatency } from "./draw-latency.js";

/** How many applies' costs the wait before the next one looks at. */
const RECENT_APPLIES = 4;

export class LiveWindow {
  private queue: ReportEntry[] = [];
  private scheduled = false;
  /**
   * How long the last few applies took: the next one waits at least as long as the cheapest (half
   * the page stays free), as one that a busy machine slowed down says nothing about the page.
   */
  private readonly recentCostsMs: number[] = [];
  private lastApplied = 0;
  /** A frame has been drawn since the last apply (the next may then go on at once). */
  private framed = true;
  /** Entries of the run no longer on the page (before its window). */
  dropped: number;
  readonly latency = new DrawLatency();
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly api: ReportApi,
    private readonly limits: { max: number; keep: number },
    dropped: number,
  ) {
    this.dropped = dropped;
  }

  /** Told after each batch is on the page. */
  onApplied(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Entries of the run seen so far: those on the page and those dropped from its window. */
  get total(): number {
    return this.dropped + this.api.model().eventCount;
  }

  /** Entries received but not yet on the page (they go on at the next frame). */
  get pending(): number {
    return this.queue.length;
  }

  add(entries: ReportEntry[]): void {
    this.queue.push(...entries);
    this.schedule();
  }

  setChecks(checks: ReportCheck[]): void {
    this.api.setChecks(checks);
  }

  /** The finished run's model replaces the window (what report.html shows). */
  load(model: ReportModel): void {
    this.queue = [];
    this.dropped = 0;
    this.api.load(model);
    this.api.setCursor(model.eventCount - 1);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const cost = this.recentCostsMs.length ? Math.min(...this.recentCostsMs) : 0;
    const wait = Math.max(0, this.lastApplied + cost - performance.now());
    // Applied in a task, a batch is drawn in the very next frame (applied in a frame's callbacks,
    // it would be drawn in the one after); a second apply before that frame waits for it.
    setTimeout(() => (this.framed ? this.apply() : requestAnimationFrame(() => this.apply())), wait);
  }

  private apply(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const started = performance.now();
    const before = this.api.model().eventCount;
    const following = before === 0 || this.api.cursor() >= before - 1;
    this.api.append(batch);
    this.trim();
    if (following) this.api.setCursor(this.api.model().eventCount - 1);
    this.lastApplied = performance.now();
    this.recentCostsMs.push(this.lastApplied - started);
    if (this.recentCostsMs.length > RECENT_APPLIES) this.recentCostsMs.shift();
    this.framed = false;
    // The diagram draws in the next frame's callbacks, before this callback.
    requestAnimationFrame(() => {
      this.framed = true;
      this.latency.drawn(batch);
      for (const l of this.listeners) l();
    });
  }

  /** Past `max` entries, the model is rebuilt from the newest `keep`. */
  private trim(): void {
    const model = this.api.model();
    if (model.eventCount <= this.limits.max) return;
    const kept = entriesOf(model).slice(-this.limits.keep);
    const builder = new ModelBuilder({ ...model.meta, problems: [...model.meta.problems] });
    builder.addAll(kept);
    builder.setNodes(model.nodes);
    builder.setChecks(model.checks);
    this.dropped += model.eventCount - kept.length;
    this.api.load(builder.model());
  }
}
