// An interrupted `joinlab bench`: a half-run bench measures nothing, so the first Ctrl-C removes
// every container and network the bench made and exits.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { CLI, cli, requireEngine } from "./docker-support.js";
import { OWNER_LABEL } from "../src/runtime/docker-client.js";

/** The containers and networks a process made (its owner label), by name. */
async function madeBy(docker: Dockerode, pid: number): Promise<string[]> {
  const filters = { label: [`${OWNER_LABEL}=${hostname()}:${pid}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => c.Names[0] ?? c.Id), ...networks.map((n) => n.Name)];
}

describe("an interrupted bench", { timeout: 180_000 }, () => {
  const docker = new Dockerode();
  let out: string;

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} missing: build first (npm run build)`);
    await requireEngine(docker);
    out = mkdtempSync(join(tmpdir(), "joinlab-bench-"));
  });

  after(async () => {
    await cli(["clean"]); // whatever a failed test left, once its bench is gone
    rmSync(out, { recursive: true, force: true });
  });

  it("Ctrl-C once removes every container and network the bench made, and exits 130", async () => {
    let bench: ChildProcess | undefined;
    const done = cli(
      [
        "bench",
        "--sizes",
        "8",
        "--repeat",
        "1",
        "--detect",
        "",
        "--liveNodes",
        "0",
        "--wholeRounds",
        "0",
        "--out",
        out,
      ],
      (_stdout, child) => (bench ??= child),
    );
    // Interrupt once the bench has containers up (bounded: 600 polls of 100 ms).
    let seen: string[] = [];
    for (let i = 0; i < 600 && seen.length === 0; i++) {
      await sleep(100);
      if (bench?.pid !== undefined) seen = await madeBy(docker, bench.pid);
    }
    assert.ok(bench?.pid !== undefined && seen.length > 0, "the bench made containers within a minute");
    bench.kill("SIGINT");
    const result = await done;
    assert.equal(result.code, 130, result.stdout + result.stderr);
    assert.match(result.stdout, /forcing cleanup/);
    assert.deepEqual(await madeBy(docker, bench.pid), []);
  });
});
