// report.html: one file that opens from file:// with no network at all. The model is embedded as
// JSON, the page's script and style inline; the Content-Security-Policy allows exactly those two
// (by hash) and nothing else: no fetch, no image, no font, no frame, no form.
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

export function renderReport(model: ReportModel): string {
  const { script, style } = pageAssets();
  // A "</script" inside the bundle would end the element early; esbuild never emits one unescaped.
  if (/<\/script/i.test(script)) throw new Error("the page bundle contains </script>");
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "img-src 'none'",
    "connect-src 'none'",
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
<style>${style}</style>
</head>
<body>
${verdictStrip(model)}
<main>
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
<script>${script}</script>
</body>
</html>
`;
}
