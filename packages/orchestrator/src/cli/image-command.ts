// `joinlab image`: builds the node image, or reuses it when it is current.
import Dockerode from "dockerode";
import { ensureNodeImage } from "../image/ensure-node-image.js";
import type { CommandArgv } from "./global-options.js";

export function imageArguments(y: CommandArgv) {
  return y.options({ rebuild: { type: "boolean", describe: "Rebuild even when current" } } as const);
}

export type ImageArgs = Awaited<ReturnType<typeof imageArguments>["argv"]>;

export async function imageCommand(argv: ImageArgs): Promise<number> {
  const image = await ensureNodeImage(new Dockerode(), {
    log: (l) => process.stdout.write(`${l}\n`),
    rebuild: argv.rebuild,
  });
  const how = image.built ? "built" : "current";
  process.stdout.write(`${image.tag}: ${how} on ${image.baseImage} (${image.seconds.toFixed(2)}s)\n`);
  return 0;
}
