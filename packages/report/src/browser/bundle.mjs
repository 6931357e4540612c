// Builds bundle/page.js and bundle/page.css (`npm run bundle`): the report page's script and style,
// inlined into every report.html; and bundle/live.js and live.css, which the live page adds. esbuild bundles the TypeScript for the browser (an IIFE: the page
// loads no module) and minifies both.
import { build } from "esbuild";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

const common = {
  absWorkingDir: dirname(dirname(dirname(fileURLToPath(import.meta.url)))), // packages/report
  bundle: true,
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};

await Promise.all([
  build({
    ...common,
    entryPoints: ["src/browser/main.ts"],
    format: "iife",
    target: "chrome110",
    outfile: "bundle/page.js",
  }),
  build({ ...common, entryPoints: ["src/browser/page.css"], outfile: "bundle/page.css" }),
  build({
    ...common,
    entryPoints: ["src/live/live-main.ts"],
    format: "iife",
    target: "chrome110",
    outfile: "bundle/live.js",
  }),
  build({ ...common, entryPoints: ["src/live/live.css"], outfile: "bundle/live.css" }),
]).catch(() => process.exit(1));
