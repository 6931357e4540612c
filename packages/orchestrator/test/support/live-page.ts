// A live page in headless Chromium (the report's launcher): page errors recorded, the page's own
// figures and status read through window.joinlabLive, and its model decoded back into entries.
import { entriesOf, openHeadlessChromium, type ReportEntry, type ReportModel } from "@joinlab/report";
import type { Page } from "playwright-core";

export interface LivePage {
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export interface LiveStatus {
  status: string;
  /** The id of the last message the page received. */
  lastEventId: number;
  /** Entries received but not yet applied to the page's model (applied at the next frame). */
  pending: number;
  ended: boolean;
}

export async function openLivePage(url: string, viewport = { width: 1400, height: 1100 }): Promise<LivePage> {
  const browser = await openHeadlessChromium({ viewport });
  const errors: string[] = [];
  browser.page.on("pageerror", (e) => errors.push(`page error: ${e.message} ${e.stack}`));
  browser.page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  await browser.page.goto(url);
  await browser.page.waitForSelector("body[data-live=true]", { timeout: 30_000 });
  return { page: browser.page, errors, close: () => browser.close() };
}

export function liveStatus(page: Page): Promise<LiveStatus> {
  return page.evaluate(() =>
    (window as unknown as { joinlabLive: { status(): LiveStatus } }).joinlabLive.status(),
  );
}

/** The page's model, decoded back into the entries it was built from (in the order it got them). */
export async function pageEntries(page: Page): Promise<ReportEntry[]> {
  const model = await page.evaluate(() =>
    (window as unknown as { joinlabReport: { model(): ReportModel } }).joinlabReport.model(),
  );
  return entriesOf(model);
}

/** One line per entry, enough to tell two entries apart: kind, node, time, event and seq. */
export function entryKey(e: ReportEntry): string {
  if (e.kind === "event") return `${e.node} ${e.t} ${e.line.event} ${e.line.seq}`;
  if (e.kind === "raw") return `${e.node} ${e.t} raw ${e.text}`;
  return `joinlab ${e.t} ${e.event.event} ${e.event.node ?? ""}`;
}

/** Polls `probe` until it returns a value (bounded: at most `timeoutMs`). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
