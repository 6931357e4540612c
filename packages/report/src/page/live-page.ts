// The live page: the report page for a model the live server holds now, plus the live panel's
// script and style and the data it boots from (the session's token among them).
import { readFileSync } from "node:fs";
import type { LiveBoot } from "../live/live-protocol.js";
import type { ReportModel } from "../model/types.js";
import { renderReport } from "./render-page.js";

const ASSET_DIR = new URL("../../bundle/", import.meta.url);
let assets: { script: string; style: string } | undefined;

function liveAssets(): { script: string; style: string } {
  try {
    assets ??= {
      script: readFileSync(new URL("live.js", ASSET_DIR), "utf8"),
      style: readFileSync(new URL("live.css", ASSET_DIR), "utf8"),
    };
  } catch (err) {
    throw new Error(`the live page's bundle is missing (run npm run build): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return assets;
}

export function renderLivePage(model: ReportModel, boot: LiveBoot): string {
  return renderReport(model, { ...liveAssets(), boot });
}
