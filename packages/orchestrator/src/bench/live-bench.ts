// The live page's latency: a star-join run served live (as `--ui` does) to headless Chromium, and
// the page's own figures read at the end: for each node line, its timestamp → drawn on the page
// (window.joinlabLive.stats(); the page samples every entry it draws), and the page's JS heap.
import { openHeadlessChromium, type HeadlessChromium } from "@joinlab/report";
import type { Logger } from "winston";
import { LiveFeed } from "../live/live-feed.js";
import { LiveServer } from "../live/live-server.js";
import { runScenario } from "../run/run-scenario.js";
import type { Runtime } from "../runtime/types.js";
import { buildScenario } from "../scenarios/registry.js";
import { round } from "./stats.js";

export interface LiveLatency {
  nodes: number;
  verdict: true | false | "unknown";
  /** Node line written → drawn on the live page (ms). */
  drawnMs: { p50?: number; p99?: number; max?: number; samples: number };
  /** The page's JS heap at the end (MiB). */
  heapMiB?: number;
}

interface PageStats {
  samples: number;
  p50?: number;
  p99?: number;
  max?: number;
  heap?: number;
}

export async function liveLatency(
  runtime: Runtime,
  nodes: number,
  options: { logger: Logger; runsDir: string; inFlight: number },
): Promise<LiveLatency> {
  const feed = new LiveFeed();
  const server = await LiveServer.start({ feed });
  const browser = await openHeadlessChromium({});
  try {
    await browser.page.goto(server.url);
    await browser.page.waitForSelector("body[data-live=true]", { timeout: 30_000 });
    const spec = buildScenario("star-join", { nodes });
    const result = await runScenario(spec, { runtime, ...options, onEvent: feed.listener, liveChecks: true });
    const stats = await pageStats(browser.page);
    return {
      nodes,
      verdict: result.verdict,
      // The page's clock has sub-millisecond steps: whole milliseconds are what the table shows.
      drawnMs: {
        p50: round(stats.p50, 0),
        p99: round(stats.p99, 0),
        max: round(stats.max, 0),
        samples: stats.samples,
      },
      ...(stats.heap !== undefined ? { heapMiB: round(stats.heap / 2 ** 20) } : {}),
    };
  } finally {
    await browser.close();
    await server.close("bench over");
  }
}

function pageStats(page: HeadlessChromium["page"]): Promise<PageStats> {
  // Evaluated in the page (no DOM types here): globalThis is its window.
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      joinlabLive: { stats(): PageStats };
      performance: { memory?: { usedJSHeapSize: number } };
    };
    const memory = g.performance.memory;
    return { ...g.joinlabLive.stats(), ...(memory ? { heap: memory.usedJSHeapSize } : {}) };
  });
}
