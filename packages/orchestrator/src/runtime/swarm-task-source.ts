// A task's output through the swarm manager, for a host whose engine we cannot reach: the task's
// logs (the manager relays them from the host's engine, timestamps and all), and its exit code
// from the task's status. The manager keeps a followed task log open after the task ends, so the
// task's state is polled while it runs and the stream is closed once the task has ended.
import { delay } from "../shared/delay.js";
import type { OutputSource } from "./container-output.js";
import type { SwarmClient, TaskInfo } from "./swarm-client.js";
import type { ExitInfo } from "./types.js";

/** How often the task's state is read while it runs (ms). */
const STATE_POLL_MS = 250;
/** After the task ended, how long its last lines have to arrive before the stream is closed (ms). */
const DRAIN_MS = 500;

const ENDED = new Set(["complete", "shutdown", "failed", "rejected", "orphaned", "remove"]);

export function taskSource(manager: SwarmClient, task: TaskInfo, name: string): OutputSource {
  let last: TaskInfo = task;
  let closed = false;
  const ended = async (stream: NodeJS.ReadableStream): Promise<void> => {
    while (!closed && !ENDED.has(last.state)) {
      await delay(STATE_POLL_MS);
      const now = await manager.task(task.id).catch(() => last);
      last = now ?? { ...last, state: "remove" };
    }
    await delay(DRAIN_MS);
    (stream as Partial<{ destroy(): void }>).destroy?.();
  };
  return {
    async open() {
      const stream = await manager.followTaskLogs(task.id, name);
      stream.once("close", () => (closed = true));
      void ended(stream);
      return stream;
    },
    async readExit(): Promise<ExitInfo> {
      return { code: last.exitCode ?? null, signal: null };
    },
  };
}
