// A large run in real containers: 64 nodes on the machine the tests run on come up as one
// cluster, every joiner joined (retrying if the master answered late), and nobody was declared
// failed while the engine starved the machine starting them; their containers sit in the weighed
// cgroup when the machine has one.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { cli, leftovers, type CliRun } from "./docker-support.js";
import { makeRunId } from "../src/results/run-id.js";
import { RUN_LABEL } from "../src/runtime/docker-client.js";
import { LARGE_RUN_CGROUP_PARENT } from "../src/runtime/large-run-cgroup.js";

const NODES = 64;
/** scripts/container-cpu-weight.sh made it (an engine that ensure-docker.sh started, cgroup v1). */
async function weighed(docker: Dockerode): Promise<boolean> {
  const info = (await docker.info()) as { CgroupDriver?: string };
  return existsSync("/sys/fs/cgroup/cpu/joinlab-large") && info.CgroupDriver === "cgroupfs";
}

/**
 * The cgroup parent of one of the run's containers, once there is one (bounded: 120 polls). A
 * container listed may be gone when inspected (a run that failed and tore down): then the next poll.
 */
async function aContainersParent(docker: Dockerode, runId: string): Promise<string | undefined> {
  for (let i = 0; i < 120; i++) {
    const listed = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
    for (const container of listed) {
      const inspected = await docker
        .getContainer(container.Id)
        .inspect()
        .catch(() => undefined);
      if (inspected) return inspected.HostConfig.CgroupParent;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

interface Results {
  verdict: boolean;
  checks: { name: string; valid: boolean; summary: string; errors: string[] }[];
}

describe(`a ${NODES}-node star-join in Docker`, () => {
  const docker = new Dockerode();
  const runId = makeRunId();
  const refusedRunId = makeRunId();
  let runsDir: string;

  before(() => {
    runsDir = mkdtempSync(join(tmpdir(), "joinlab-large-"));
  });

  after(async () => {
    for (const id of [runId, refusedRunId]) await cli(["clean", "--run", id]);
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("comes up valid: every joiner joined, one view and one master, no false death, nothing left behind", async () => {
    const args = ["run", "star-join", "--nodes", String(NODES), "--quiet", "--runtime", "docker"];
    const running = cli([...args, "--runsDir", runsDir, "--runId", runId]);
    // Awaited whatever the poll finds: a test that ended first would leave the run going.
    const [parent, result] = await Promise.all([aContainersParent(docker, runId), running]);
    const output = result.stdout + result.stderr;
    const dir = join(runsDir, "star-join", runId);
    assert.ok(existsSync(join(dir, "results.json")), `the run wrote no results.json\n${output}`);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Results;
    const failed = results.checks.filter((c) => !c.valid);
    const why = failed
      .map((c) => `${c.name}: ${c.summary}\n  ${c.errors.slice(0, 5).join("\n  ")}`)
      .join("\n");
    assert.equal(result.code, 0, `${why}\n${output}`);
    const summary = (name: string) => results.checks.find((c) => c.name === name)?.summary ?? "";
    assert.match(summary("joined"), new RegExp(`^${NODES - 1}/${NODES - 1} expected members joined`));
    assert.match(
      summary("converged"),
      new RegExp(`^${NODES} live node\\(s\\) agree on ${NODES} member\\(s\\)`),
    );
    assert.match(summary("no-false-deaths"), /^0 member\.failed line/);
    // The engine may refuse the weighed cgroup: the run then says so and uses the default one.
    const refused = /would not start a container in the weighed cgroup/.test(output);
    assert.equal(
      parent,
      (await weighed(docker)) && !refused ? LARGE_RUN_CGROUP_PARENT : "",
      `a large run's containers sit in the weighed cgroup unless the run said why not\n${output}`,
    );
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("a weighed cgroup the engine refuses costs the run its weight, not the run: it says why and comes up", async (t) => {
    if (!(await weighed(docker)))
      return t.skip("no weighed cgroup on this machine (cgroup v1 and cgroupfs only)");
    // No task can be added to the parent's pids cgroup: every container start in it fails.
    const limit = "/sys/fs/cgroup/pids/joinlab-large/pids.max";
    mkdirSync(dirname(limit), { recursive: true });
    writeFileSync(limit, "1");
    let result: CliRun;
    try {
      const args = ["run", "star-join", "--nodes", "17", "--quiet", "--runtime", "docker"];
      result = await cli([...args, "--runsDir", runsDir, "--runId", refusedRunId]);
    } finally {
      writeFileSync(limit, "max");
    }
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    assert.match(output, /would not start a container in the weighed cgroup for large runs \(.+\)/);
    assert.deepEqual(await leftovers(docker, refusedRunId), []);
  });
});
