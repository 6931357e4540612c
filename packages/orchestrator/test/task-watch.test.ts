// Waiting for a node's swarm task: it runs (or ran and already quit), or the wait says why it never
// will — in the engine's words — instead of hanging on a task stuck in "rejected" or "pending".
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SwarmClient, TaskInfo } from "../src/runtime/swarm-client.js";
import { TaskFailed, TaskWatch } from "../src/runtime/task-watch.js";

function task(fields: Partial<TaskInfo>): TaskInfo {
  return {
    id: "t1",
    serviceId: "s1",
    nodeId: "n1",
    state: "pending",
    desiredState: "running",
    createdAt: "1",
    ...fields,
  };
}

/** A manager whose task list goes through `states` one poll at a time, then stays at the last. */
function manager(states: TaskInfo[][]): SwarmClient {
  let poll = 0;
  return { tasks: async () => states[Math.min(poll++, states.length - 1)]! } as unknown as SwarmClient;
}

const explain = (t: TaskInfo) => `${t.state} on ${t.nodeId}: ${t.err}`;

describe("task watch", () => {
  it("resolves with the task once it runs", async () => {
    const watch = new TaskWatch(
      manager([[task({})], [task({ state: "starting" })], [task({ state: "running", containerId: "c1" })]]),
      "joinlab.run=r",
      explain,
    );
    const t = await watch.running("s1", 5000);
    assert.equal(t.containerId, "c1");
  });

  it("resolves for a node that ran and already quit (its exit is the outcome)", async () => {
    const quit = task({ state: "failed", containerId: "c1", exitCode: 1, err: "task: non-zero exit (1)" });
    const t = await new TaskWatch(manager([[quit]]), "l", explain).running("s1", 5000);
    assert.equal(t.exitCode, 1);
  });

  it("a rejected task fails the wait with the engine's reason", async () => {
    const rejected = task({ state: "rejected", err: "No such image: sha256:abc" });
    await assert.rejects(
      new TaskWatch(manager([[rejected]]), "l", explain).running("s1", 5000),
      (err: Error) =>
        err instanceof TaskFailed && /rejected on n1: No such image: sha256:abc/.test(err.message),
    );
  });

  it("a restart waits for a new task, not the old one that ended", async () => {
    const old = task({
      id: "t1",
      state: "failed",
      containerId: "c1",
      exitCode: 137,
      err: "task: non-zero exit (137)",
    });
    const fresh = task({ id: "t2", state: "running", containerId: "c2", createdAt: "2" });
    const watch = new TaskWatch(manager([[old], [old, fresh]]), "l", explain);
    assert.equal((await watch.running("s1", 5000, new Set(["t1"]))).id, "t2");
  });

  it("a task still pending when time is up says what it is waiting for", async () => {
    const pending = task({ err: "no suitable node (scheduling constraints not satisfied on 1 node)" });
    await assert.rejects(
      new TaskWatch(manager([[pending]]), "l", explain).running("s1", 200),
      /did not start in time: its task is pending \(no suitable node/,
    );
  });

  it("close() tells every waiter the run is stopping", async () => {
    const watch = new TaskWatch(manager([[task({})]]), "l", explain);
    const waiting = watch.running("s1", 60_000);
    watch.close();
    await assert.rejects(waiting, /the run is stopping/);
  });
});
