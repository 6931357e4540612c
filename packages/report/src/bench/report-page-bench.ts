// The report page at scale, for `npm run bench`: a generated 128-node, 50,000-event run written
// as report.html, its size, how long building and writing it took, and how long headless
// Chromium takes from navigation to the first screen drawn (the page's joinlab:first-screen
// mark; the median of a few loads in one browser, a fresh profile).
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildReportModel } from "../build-model.js";
import { renderReport } from "../page/render-page.js";
import { syntheticRun } from "../synthetic/synthetic-run.js";
import { DEFAULT_CHROMIUM, openHeadlessChromium } from "./headless-chromium.js";

export interface ReportPageBench {
  nodes: number;
  events: number;
  bytes: number;
  writeMs: number;
  /** Navigation start → the diagram drawn, per load; median below. */
  firstScreenMs: number[];
  firstScreenMedianMs: number;
  /** Navigation start → every view built. */
  completeMedianMs: number;
  chromium: string;
  file: string;
}

export async function benchmarkReportPage(options: {
  outDir: string;
  nodes?: number;
  events?: number;
  loads?: number;
  chromium?: string;
}): Promise<ReportPageBench> {
  const nodes = options.nodes ?? 128;
  const run = syntheticRun({ nodes, events: options.events ?? 50_000 });
  const started = performance.now();
  const html = renderReport(buildReportModel({ scenario: run.scenario, entries: run.entries }));
  const file = join(options.outDir, `report-${nodes}-nodes.html`);
  writeFileSync(file, html);
  const writeMs = performance.now() - started;
  const chromium = options.chromium ?? process.env.JOINLAB_CHROMIUM ?? DEFAULT_CHROMIUM;
  const loads = await loadTimes(file, chromium, options.loads ?? 5);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    nodes,
    events: run.entries.length,
    bytes: statSync(file).size,
    writeMs: Math.round(writeMs),
    firstScreenMs: loads.map((l) => l.firstScreen),
    firstScreenMedianMs: median(loads.map((l) => l.firstScreen)),
    completeMedianMs: median(loads.map((l) => l.complete)),
    chromium,
    file,
  };
}

async function loadTimes(file: string, executablePath: string, loads: number) {
  const browser = await openHeadlessChromium({ executablePath, viewport: { width: 1400, height: 900 } });
  try {
    const out: { firstScreen: number; complete: number }[] = [];
    for (let k = 0; k < loads; k++) {
      await browser.page.goto(`file://${file}`);
      await browser.page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
      out.push(
        await browser.page.evaluate(() => {
          const at = (name: string) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
          return { firstScreen: at("joinlab:first-screen"), complete: at("joinlab:complete") };
        }),
      );
    }
    return out;
  } finally {
    await browser.close();
  }
}
