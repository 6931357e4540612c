// Builds bundle/joinlab-node.mjs and bundle/joinlab-rogue.mjs (`npm run bundle`): esbuild, as the old one-line script did, plus
// one memory measure. Idle RSS is the footprint target (< 50 MiB), and every module evaluated at start
// stays in it, so modules that only `--help` or winston's DEBUG=... output use are loaded on first
// call instead of at start:
// - cliui and string-width (yargs' help renderer; they pull in wrap-ansi, emoji-regex,
//   get-east-asian-width and create `Intl.Segmenter`s, which load ICU break-iterator data),
// - @so-ric/colorspace (colours winston's own debug namespaces; builds colour-conversion tables).
// Each is replaced, for the importer that names it, by a stub function that requires the real
// module (resolved from the same importer, so nested versions stay as they are) when first called.
import { build } from "esbuild";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** Package name → the export called through; every one of these exports a single function. */
const LAZY = new Set(["cliui", "string-width", "@so-ric/colorspace"]);
const NAMESPACE = "joinlab-lazy";
const RESOLVING = Symbol("resolving");

/** @type {import("esbuild").Plugin} */
const lazyModules = {
  name: "lazy-modules",
  setup(pluginBuild) {
    const filter = new RegExp(`^(${[...LAZY].map((name) => name.replace(/[/.]/g, "\\$&")).join("|")})$`);
    pluginBuild.onResolve({ filter }, async (args) => {
      // The stub's own require, and the lookup just below: the real module.
      if (args.namespace === NAMESPACE || args.pluginData === RESOLVING) return undefined;
      const resolveDir = dirname(args.importer);
      const real = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir,
        pluginData: RESOLVING,
      });
      if (real.errors.length > 0) return { errors: real.errors };
      const cjs = args.kind === "require-call";
      // One stub per real file and import style: nested copies (cliui's string-width 7 beside yargs'
      // string-width 8) each keep their own.
      return {
        path: `${real.path}?${cjs ? "cjs" : "esm"}`,
        namespace: NAMESPACE,
        pluginData: { name: args.path, cjs, resolveDir },
      };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const { name, cjs, resolveDir } = args.pluginData;
      const load = cjs ? `require(${JSON.stringify(name)})` : `(require(${JSON.stringify(name)}).default)`;
      const contents =
        `let real;\n` +
        `function lazy(...args) { return (real ??= ${load})(...args); }\n` +
        (cjs ? `module.exports = lazy;\n` : `export default lazy;\n`);
      return { contents, resolveDir, loader: "js" };
    });
  },
};

const common = {
  absWorkingDir: dirname(dirname(dirname(fileURLToPath(import.meta.url)))), // packages/node, from any cwd
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
  plugins: [lazyModules],
  logLevel: "info",
};

await Promise.all([
  build({ ...common, entryPoints: ["src/main.ts"], outfile: "bundle/joinlab-node.mjs" }),
  // The rogue-peer scenario's attacker, shipped in the same image (a peer without the cluster key).
  build({ ...common, entryPoints: ["src/rogue/rogue-main.ts"], outfile: "bundle/joinlab-rogue.mjs" }),
]).catch(() => process.exit(1));
