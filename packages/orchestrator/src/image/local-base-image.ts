// Makes (or confirms) the offline base image from the host's node binary by running
// scripts/make-local-base.sh.
import { runImageScript } from "./image-script.js";
import { LOCAL_BASE_IMAGE, MAKE_LOCAL_BASE_SCRIPT } from "./node-image.js";

export function makeLocalBaseImage(log: (line: string) => void): Promise<string> {
  return runImageScript(
    MAKE_LOCAL_BASE_SCRIPT,
    { JOINLAB_LOCAL_BASE: LOCAL_BASE_IMAGE },
    LOCAL_BASE_IMAGE,
    log,
  );
}
