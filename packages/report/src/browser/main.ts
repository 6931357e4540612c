// The page's script: reads the embedded model and draws the diagram, the membership view and the
// merged log, kept in step through one PageState. No library: nothing small draws a space-time
// diagram (d3 would bring selections and scales for what is here a few string templates, and a
// charting bundle draws series, not lanes and intervals), so the page is plain DOM, SVG and canvas.
//
// For a live page: window.joinlabReport.append(entries) adds timeline entries (the orchestrator's
// TimelineEntry shape) after load; setChecks(checks, verdict) replaces the checks; load(model)
// replaces the whole model (a live page's window moving on, or the finished run's model).
import type { ModelBuilder } from "../model/model-builder.js";
import { resumeBuilder } from "../model/resume.js";
import { hydrateModel, type StoredModel } from "../model/stored-model.js";
import type { ReportCheck, ReportEntry, ReportModel, Validity } from "../model/types.js";
import {
  checksTable,
  figuresTables,
  nodesTable,
  problemsList,
  verdictStrip,
} from "../page/static-sections.js";
import { Diagram } from "./diagram.js";
import { LogView } from "./log-view.js";
import { MembershipView } from "./membership-view.js";
import { PageState } from "./page-state.js";
import { hideTooltip } from "./tooltip.js";

function readModel(): ReportModel {
  const script = document.getElementById("joinlab-model");
  return hydrateModel(JSON.parse(script?.textContent ?? "null") as StoredModel);
}

/**
 * The diagram first, then (after it is on screen) the views below it. performance marks:
 * joinlab:model (the model read and hydrated), joinlab:first-screen (the diagram drawn),
 * joinlab:complete (every view built; body[data-ready] is set then).
 */
function start(): void {
  const state = new PageState(readModel());
  performance.mark("joinlab:model");
  const diagram = new Diagram(
    state,
    document.getElementById("diagram")!,
    document.getElementById("diagram-controls")!,
  );
  const pick = (i: number) => {
    state.select(i);
    diagram.reveal(i);
  };
  followLinks(pick);
  document.addEventListener("keydown", (e) => e.key === "Escape" && hideTooltip(true));
  exposeApi(state);
  requestAnimationFrame(() => {
    performance.mark("joinlab:first-screen");
    setTimeout(() => {
      new MembershipView(state, document.getElementById("membership-view")!);
      new LogView(state, document.getElementById("log-view")!, pick);
      performance.mark("joinlab:complete");
      document.body.dataset.ready = "true";
    }, 0);
  });
}

/** Links to #event-N (a check's error, a figure) show that moment in the diagram. */
function followLinks(pick: (i: number) => void): void {
  document.addEventListener("click", (e) => {
    const a = (e.target as Element).closest("a[data-event]");
    if (!a) return;
    e.preventDefault();
    pick(Number(a.getAttribute("data-event")));
    document.getElementById("diagram-section")?.scrollIntoView({ block: "start" });
  });
}

export interface ReportApi {
  model(): ReportModel;
  append(entries: ReportEntry[]): void;
  setChecks(checks: ReportCheck[], verdict?: Validity): void;
  load(model: ReportModel): void;
  /** The moment the membership view shows (an event index); the diagram keeps it in view. */
  cursor(): number;
  setCursor(event: number): void;
}

function exposeApi(state: PageState): void {
  let builder: ModelBuilder | undefined;
  const replace = sectionReplacer();
  const refreshStatic = () => {
    const model = state.model;
    replace("header.verdict", verdictStrip(model));
    replace("#checks", checksTable(model));
    replace("#problems", problemsList(model), "#checks");
    replace("#membership .figures", figuresTables(model, state.table));
    replace("#nodes", nodesTable(model));
  };
  const api: ReportApi = {
    model: () => state.model,
    append(entries) {
      builder ??= resumeBuilder(state.model);
      builder.addAll(entries);
      state.setModel(builder.model());
      refreshStatic();
    },
    setChecks(checks, verdict) {
      builder ??= resumeBuilder(state.model);
      builder.setChecks(checks);
      if (verdict !== undefined) builder.setMeta({ verdict });
      state.setModelSameEvents(builder.model());
      refreshStatic();
    },
    load(model) {
      builder = undefined;
      state.setModel(model);
      refreshStatic();
    },
    cursor: () => state.cursor,
    setCursor: (event) => state.setCursor(event),
  };
  (window as unknown as { joinlabReport: ReportApi }).joinlabReport = api;
}

/**
 * Replaces the element `selector` finds with `html` (removed when `html` is empty); an absent one
 * is inserted after `after`. A section whose html has not changed is left alone: a live page
 * refreshes them with every batch, and most batches change one of them at most.
 */
function sectionReplacer(): (selector: string, html: string, after?: string) => void {
  const shown = new Map<string, string>();
  return (selector, html, after) => {
    if (shown.get(selector) === html) return;
    shown.set(selector, html);
    replaceSection(selector, html, after);
  };
}

function replaceSection(selector: string, html: string, after?: string): void {
  const old = document.querySelector(selector);
  const t = document.createElement("template");
  t.innerHTML = html;
  const next = t.content.firstElementChild;
  if (old && next) old.replaceWith(next);
  else if (old) old.remove();
  else if (next && after) document.querySelector(after)?.after(next);
}

start();
