// Debian's Chromium, headless, through playwright-core (its own browser download cannot work
// offline): a fresh profile and no network features. The bench and the browser tests share it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

export interface HeadlessChromium {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openHeadlessChromium(options: {
  executablePath?: string;
  viewport?: { width: number; height: number };
}): Promise<HeadlessChromium> {
  // Loaded on demand: writing a report never needs a browser.
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "joinlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.executablePath ?? process.env.JOINLAB_CHROMIUM ?? DEFAULT_CHROMIUM,
    headless: true,
    viewport: options.viewport ?? { width: 1400, height: 1000 },
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
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
