// Pulls an image with bounded patience, answering only "did it work": a registry that cannot be
// resolved fails in milliseconds, but a black-holed one must not hang the caller.
import type Dockerode from "dockerode";
import { followProgress } from "./docker-progress.js";

export interface PullBounds {
  /** Give up when the engine reports nothing for this long (no registry answering). */
  idleMs: number;
  /** Give up after this long in all (a registry too slow to be worth waiting for). */
  totalMs: number;
}

export async function tryPullImage(
  docker: Dockerode,
  image: string,
  log: (line: string) => void,
  bounds: PullBounds,
): Promise<boolean> {
  const controller = new AbortController();
  const total = setTimeout(
    () => controller.abort(new Error(`no complete pull within ${bounds.totalMs} ms`)),
    bounds.totalMs,
  );
  const idleError = new Error(`no progress for ${bounds.idleMs} ms`);
  let idle = setTimeout(() => controller.abort(idleError), bounds.idleMs);
  const progressed = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(idleError), bounds.idleMs);
  };
  log(`Pulling ${image}...`);
  try {
    const stream = await docker.pull(image, { abortSignal: controller.signal });
    await followProgress(docker, stream, progressed, controller.signal);
    log(`Pulled ${image}`);
    return true;
  } catch (err) {
    log(`Could not pull ${image}: ${(err as Error).message}`);
    return false;
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
  }
}
