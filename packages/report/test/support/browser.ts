// Opens a report in Debian's Chromium through playwright-core (its own browser download cannot
// work offline): a fresh profile, no network features, and a record of every page error and
// every request that is not the report's own file:// URL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.JOINLAB_CHROMIUM ?? "/usr/bin/chromium";

export interface OpenReport {
  page: Page;
  /** Uncaught exceptions and console errors (a CSP violation is one). */
  errors: string[];
  /** Every request the page made that left file:// (there must be none). */
  requests: string[];
  /** Milliseconds from navigation until the page marked itself ready (first screen drawn). */
  readyMs: number;
  close(): Promise<void>;
}

export async function openReport(
  path: string,
  viewport = { width: 1400, height: 1000 },
): Promise<OpenReport> {
  const profile = mkdtempSync(join(tmpdir(), "joinlab-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  context.on("request", (r) => {
    if (!r.url().startsWith("file://")) requests.push(r.url());
  });
  const started = performance.now();
  await page.goto(`file://${resolve(path)}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const readyMs = performance.now() - started;
  return {
    page,
    errors,
    requests,
    readyMs,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
