// report.html: one file that opens from file:// with no network at all. The model is embedded as
// JSON, the page's script and style inline; the Content-Security-Policy allows exactly those two
// (by hash) and nothing else: no fetch, no image, no font, no frame, no form. A live page (served
// by the live server while a run goes) is the same page plus its own script, style and boot data,
// and may connect back to the server that served it.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { storedModel } from "../model/stored-model.js";
import type { ReportModel } from "../model/types.js";
import { escapeHtml, jsonForScript } from "./escape.js";
import { checksTable, figuresTables, nodesTable, problemsList, verdictStrip } from "./static-sections.js";

const ASSET_DIR = new URL("../../bundle/", import.meta.url);
let assets: { script: string; style: string } | undefined;

/** The page's bundled script and style (npm run build makes them). */
function pageAssets(): { script: string; style: string } {
  if (!assets) {
    try {
      assets = {
        script: readFileSync(new URL("page.js", ASSET_DIR), "utf8"),
        style: readFileSync(new URL("page.css", ASSET_DIR), "utf8"),
      };
    } catch (err) {
      throw new Error(`the report page's bundle is missing (run npm run build): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return assets;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** What a live page adds to the report: a second script and style, and the JSON they boot from. */
export interface PageExtras {
  script: string;
  style: string;
  /** Read by the extra script from <script type="application/json" id="joinlab-live">. */
  boot: unknown;
}

export function renderReport(model: ReportModel, extras?: PageExtras): string {
  const { script, style } = pageAssets();
  // A "</script" inside a bundle would end the element early; esbuild never emits one unescaped.
  for (const code of [script, extras?.script ?? ""])
    if (/<\/script/i.test(code)) throw new Error("a page bundle contains </script>");
  const scripts = [script, ...(extras ? [extras.script] : [])];
  const styles = [style, ...(extras ? [extras.style] : [])];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(" ")}`,
    `style-src ${styles.map(sha256).join(" ")}`,
    "img-src 'none'",
    // The live page reads its event stream from the server that served it; report.html connects nowhere.
    extras ? "connect-src 'self'" : "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const verdict =
    model.meta.verdict === true ? "VALID" : model.meta.verdict === false ? "INVALID" : "UNKNOWN";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${verdict} · ${model.meta.scenario}${model.meta.runId ? ` · ${model.meta.runId}` : ""} · joinlab`)}</title>
${styles.map((css) => `<style>${css}</style>`).join("\n")}
</head>
<body>
${verdictStrip(model)}
<main>
${extras ? `<section id="live" class="live"></section>` : ""}
${checksTable(model)}
${problemsList(model)}
<section id="diagram-section"><h2>Space-time diagram</h2>
<noscript><p class="missing">The diagram, the membership view and the merged log are drawn by the page's script; the tables read without it.</p></noscript>
<div id="diagram-controls" class="controls"></div>
<div id="diagram" class="diagram" tabindex="0"></div>
</section>
<section id="membership"><h2>Membership over time</h2>
${figuresTables(model)}
<div id="membership-view"></div>
</section>
<section id="log"><h2>Merged log</h2><div id="log-view"></div></section>
${nodesTable(model)}
</main>
<div id="tooltip" class="tooltip" hidden></div>
<script type="application/json" id="joinlab-model">${jsonForScript(storedModel(model))}</script>
${extras ? `<script type="application/json" id="joinlab-live">${jsonForScript(extras.boot)}</script>` : ""}
${scripts.map((code) => `<script>${code}</script>`).join("\n")}
</body>
</html>
`;
}
