// Opens a report in headless Chromium (the bench's launcher) and records every page error and
// every request that is not the report's own file:// URL.
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { openHeadlessChromium } from "../../src/bench/headless-chromium.js";

export interface OpenReport {
  page: Page;
  /** Uncaught exceptions and console errors (a CSP violation is one). */
  errors: string[];
  /** Every request the page made that left file:// (there must be none). */
  requests: string[];
  close(): Promise<void>;
}

export async function openReport(
  path: string,
  viewport = { width: 1400, height: 1200 },
): Promise<OpenReport> {
  const browser = await openHeadlessChromium({ viewport });
  const { page, context } = browser;
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  context.on("request", (r) => {
    if (!r.url().startsWith("file://")) requests.push(r.url());
  });
  await page.goto(`file://${resolve(path)}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  return { page, errors, requests, close: () => browser.close() };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The boxes of the first element each selector matches, measured together in one task of the
 * page, once all of them are there. The diagram replaces its marks on every redraw (a scroll asks
 * for one in the next frame), so boxes measured one call at a time can belong to marks that a
 * redraw has already removed.
 */
export async function drawnBoxes(page: Page, selectors: string[]): Promise<Box[]> {
  const handle = await page.waitForFunction((all) => {
    const elements = all.map((s) => document.querySelector(s));
    if (elements.some((e) => !e)) return undefined;
    return elements.map((e) => {
      const { x, y, width, height } = e!.getBoundingClientRect();
      return { x, y, width, height };
    });
  }, selectors);
  return (await handle.jsonValue()) as Box[];
}

/**
 * Scrolls the first mark matching `selector` (and containing `text`, when given) into view, in one
 * task of the page, once it is drawn, and returns its data attributes. Like drawnBoxes: a handle
 * to a mark held across calls may be a mark a redraw has already removed.
 */
export async function revealMark(page: Page, selector: string, text = ""): Promise<Record<string, string>> {
  const handle = await page.waitForFunction(
    ([sel, want]) => {
      const mark = [...document.querySelectorAll(sel)].find((e) => (e.textContent ?? "").includes(want));
      if (!mark) return undefined;
      mark.scrollIntoView({ block: "center" });
      return { ...(mark as HTMLElement | SVGElement).dataset };
    },
    [selector, text] as const,
  );
  return (await handle.jsonValue()) as Record<string, string>;
}
