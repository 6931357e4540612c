// Watches a run's swarm tasks for the nodes waiting on them: one poll of the manager for all of
// them (every TASK_POLL_MS while anyone waits), each waiter resolved when its service's task runs,
// (or ran and already ended), or told why it never will (rejected, failed to start, or still
// pending when time is up).
import type { SwarmClient, TaskInfo } from "./swarm-client.js";

/** How often the manager is asked while a node waits for its task (ms). */
export const TASK_POLL_MS = 50;

const ENDED = new Set(["complete", "shutdown", "failed", "rejected", "orphaned", "remove"]);

/** The task will never run: `message` says why, in the engine's words and ours. */
export class TaskFailed extends Error {
  constructor(
    message: string,
    readonly task?: TaskInfo,
  ) {
    super(message);
  }
}

interface Waiter {
  serviceId: string;
  /** Tasks that came before (a restart waits for a new one). */
  except: ReadonlySet<string>;
  deadline: number;
  last?: TaskInfo;
  resolve(task: TaskInfo): void;
  reject(err: Error): void;
}

export class TaskWatch {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: SwarmClient,
    /** The run's label filter: the poll lists only this run's tasks. */
    private readonly label: string,
    /** Why a task that ended before it ran did so, for the node's error. */
    private readonly explain: (task: TaskInfo) => string,
  ) {}

  /** The service's newest task not in `except`, once it runs. */
  running(serviceId: string, timeoutMs: number, except: ReadonlySet<string> = new Set()): Promise<TaskInfo> {
    if (this.closed) return Promise.reject(new TaskFailed("the run is stopping"));
    return new Promise((resolve, reject) => {
      this.waiters.add({ serviceId, except, deadline: performance.now() + timeoutMs, resolve, reject });
      this.schedule(0);
    });
  }

  /** Tells every waiter the run is stopping; no more polls. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.waiters) w.reject(new TaskFailed("the run is stopping"));
    this.waiters.clear();
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed || this.waiters.size === 0) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    let tasks: TaskInfo[] = [];
    try {
      tasks = await this.client.tasks(this.label);
    } catch {
      // The manager did not answer this time: the deadline still bounds the wait.
    }
    this.timer = undefined;
    for (const waiter of [...this.waiters]) this.settle(waiter, tasks);
    this.schedule(TASK_POLL_MS);
  }

  private settle(waiter: Waiter, tasks: TaskInfo[]): void {
    const task = newest(tasks.filter((t) => t.serviceId === waiter.serviceId && !waiter.except.has(t.id)));
    if (task) waiter.last = task;
    const done = (outcome: () => void) => {
      this.waiters.delete(waiter);
      outcome();
    };
    if (task && ran(task)) return done(() => waiter.resolve(task));
    if (task && ENDED.has(task.state))
      return done(() => waiter.reject(new TaskFailed(this.explain(task), task)));
    if (performance.now() > waiter.deadline) {
      const last = waiter.last;
      const seen = last ? `its task is ${last.state}${last.err ? ` (${last.err})` : ""}` : "no task appeared";
      done(() => waiter.reject(new TaskFailed(`the service's task did not start in time: ${seen}`, last)));
    }
  }
}

/** Its container ran: it runs, or it already ended by itself (a node that quits at once). */
function ran(task: TaskInfo): boolean {
  if (!task.containerId) return false;
  if (task.state === "running" || task.state === "complete") return true;
  return task.state === "failed" && task.exitCode !== undefined && /non-zero exit/.test(task.err ?? "");
}

function newest(tasks: TaskInfo[]): TaskInfo | undefined {
  return tasks.reduce<TaskInfo | undefined>((a, b) => (!a || b.createdAt > a.createdAt ? b : a), undefined);
}
