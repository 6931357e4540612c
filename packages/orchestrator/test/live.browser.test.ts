// The live page of a real run (local processes), in a real Chromium: it follows the run through a
// dropped connection and a reload with no entry lost or shown twice, and once the run has ended
// it shows exactly what the written report.html shows.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { openHeadlessChromium, type ReportEntry } from "@joinlab/report";
import { LiveFeed } from "../src/live/live-feed.js";
import { LiveServer } from "../src/live/live-server.js";
import { runScenario } from "../src/run/run-scenario.js";
import { buildScenario } from "../src/scenarios/registry.js";
import { processScratch } from "./support/process-scratch.js";
import { entryKey, liveStatus, openLivePage, pageEntries, waitFor } from "./support/live-page.js";

const { logger, scratch, runtime } = processScratch("joinlab-live-browser-");

/** Every entry the server streamed, in the order it streamed them. */
function streamed(feed: LiveFeed): ReportEntry[] {
  return feed.stream
    .retained()
    .filter((m) => m.event === "entries")
    .flatMap((m) => (m.data as { entries: ReportEntry[] }).entries);
}

/** The parts of the page that read without the script, as HTML. */
const FIXED_PARTS = ["header.verdict", "#checks", "#problems", "#membership .figures", "#nodes"];

async function fixedParts(page: import("playwright-core").Page): Promise<Record<string, string | null>> {
  return page.evaluate(
    (selectors) =>
      Object.fromEntries(selectors.map((s) => [s, document.querySelector(s)?.outerHTML ?? null])),
    FIXED_PARTS,
  );
}

describe("live page of a run", () => {
  it("resumes after a dropped connection and a reload with no entry lost or twice; at the end it shows what report.html shows", async () => {
    const feed = new LiveFeed();
    const server = await LiveServer.start({ feed });
    const live = await openLivePage(server.url);
    const total = async () =>
      live.page.evaluate(
        () =>
          (window as unknown as { joinlabLive: { stats(): { total: number } } }).joinlabLive.stats().total,
      );
    let onPage: ReportEntry[] = [];
    let sent: ReportEntry[] = [];
    try {
      const running = runScenario(buildScenario("pause-resume"), {
        runtime,
        logger,
        runsDir: join(scratch, "runs"),
        onEvent: feed.listener,
        liveChecks: true,
        // The checks have run, the nodes still run: everything streamed must be on the page, once.
        beforeTeardown: async () => {
          await waitFor("the page to hold and apply every message", async () => {
            const { lastEventId, pending } = await liveStatus(live.page);
            return lastEventId === feed.stream.lastId && pending === 0 ? true : undefined;
          });
          onPage = await pageEntries(live.page);
          sent = streamed(feed);
        },
      });
      await waitFor("entries on the page", async () => ((await total()) >= 15 ? true : undefined));
      server.disconnectClients();
      await waitFor("the page to notice the drop", async () =>
        (await liveStatus(live.page)).status !== "live" ? true : undefined,
      );
      const before = await total();
      await waitFor("the stream back, and more entries", async () =>
        (await liveStatus(live.page)).status === "live" && (await total()) > before ? true : undefined,
      );
      await live.page.reload();
      await live.page.waitForSelector("body[data-live=true]");
      const result = await running;
      assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));

      const keys = onPage.map(entryKey);
      assert.equal(new Set(keys).size, keys.length, "no entry twice on the page");
      assert.deepEqual(keys, sent.map(entryKey), "every streamed entry on the page, in order");
      assert.ok(keys.length > 40, `a real run's worth of entries (${keys.length})`);

      await waitFor("the run's end on the page", async () =>
        (await liveStatus(live.page)).ended ? true : undefined,
      );
      const report = await openHeadlessChromium({ viewport: { width: 1400, height: 1100 } });
      try {
        await report.page.goto(`file://${resolve(result.artifacts.report!)}`);
        await report.page.waitForSelector("body[data-ready=true]");
        const written = await fixedParts(report.page);
        assert.ok(written["#checks"]?.includes("fault-fates"), "the written report has its checks");
        assert.deepEqual(
          await fixedParts(live.page),
          written,
          "the live page's fixed parts are the report's",
        );
        const counts = async (p: import("playwright-core").Page) =>
          p.evaluate(
            () =>
              (
                window as unknown as { joinlabReport: { model(): { eventCount: number } } }
              ).joinlabReport.model().eventCount,
          );
        assert.equal(await counts(live.page), await counts(report.page), "the same model: as many entries");
      } finally {
        await report.close();
      }
      assert.deepEqual(live.errors, [], "no page error");
    } finally {
      await live.close();
      await server.close("test over");
    }
  });
});
