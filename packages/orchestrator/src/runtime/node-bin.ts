// Where the node program is: the workspace's built bin (packages/node/dist/main.js), or
// JOINLAB_NODE_BIN for another build.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function nodeBinPath(): string {
  const override = process.env.JOINLAB_NODE_BIN;
  if (override) return override;
  const require = createRequire(import.meta.url);
  // The package's main is dist/index.js; the bin sits beside it.
  let bin: string;
  try {
    bin = join(dirname(require.resolve("@joinlab/node")), "main.js");
  } catch {
    bin = fileURLToPath(new URL("../../../node/dist/main.js", import.meta.url));
  }
  if (!existsSync(bin)) {
    throw new Error(
      `node program ${bin} does not exist: build it first with \`npx tsc -b\` (or \`npm run build\`)`,
    );
  }
  return bin;
}
