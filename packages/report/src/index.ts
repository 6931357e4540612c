// @joinlab/report: the run report's model (built in Node or in the page), and report.html.
export * from "./model/types.js";
export { ModelBuilder } from "./model/model-builder.js";
export { EventTable } from "./model/event-table.js";
export { compareNodeNames } from "./model/node-order.js";
export { hydrateModel, storedModel, type StoredModel } from "./model/stored-model.js";
export { resumeBuilder, entriesOf } from "./model/resume.js";
export { joinFigures, faultFigures, type JoinFigure, type FaultFigure } from "./model/figures.js";
export { buildReportModel, type RunReportInput } from "./build-model.js";
export { renderReport, type PageExtras } from "./page/render-page.js";
export { renderLivePage } from "./page/live-page.js";
export * from "./live/live-protocol.js";
export { escapeHtml, jsonForScript } from "./page/escape.js";
export { syntheticRun, type SyntheticOptions, type SyntheticRun } from "./synthetic/synthetic-run.js";
export { benchmarkReportPage, type ReportPageBench } from "./bench/report-page-bench.js";
export { openHeadlessChromium, DEFAULT_CHROMIUM, type HeadlessChromium } from "./bench/headless-chromium.js";
