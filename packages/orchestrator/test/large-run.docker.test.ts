// A large run in real containers: 64 nodes on the machine the tests run on come up as one
// cluster, every joiner joined (retrying if the master answered late), and nobody was declared
// failed while the engine starved the machine starting them; their containers sit in the weighed
// cgroup when the machine has one.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { cli, leftovers } from "./docker-support.js";
import { makeRunId } from "../src/results/run-id.js";
import { RUN_LABEL } from "../src/runtime/docker-client.js";
import { LARGE_RUN_CGROUP_PARENT } from "../src/runtime/large-run-cgroup.js";

const NODES = 64;
/** scripts/container-cpu-weight.sh made it (an engine that ensure-docker.sh started, cgroup v1). */
async function weighed(docker: Dockerode): Promise<boolean> {
  const info = (await docker.info()) as { CgroupDriver?: string };
  return existsSync("/sys/fs/cgroup/cpu/joinlab-large") && info.CgroupDriver === "cgroupfs";
}

/** The cgroup parent of the run's first container, once there is one (bounded: 120 polls). */
async function firstContainersParent(docker: Dockerode, runId: string): Promise<string | undefined> {
  for (let i = 0; i < 120; i++) {
    const [first] = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
    if (first) return (await docker.getContainer(first.Id).inspect()).HostConfig.CgroupParent;
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
  let runsDir: string;

  before(() => {
    runsDir = mkdtempSync(join(tmpdir(), "joinlab-large-"));
  });

  after(async () => {
    await cli(["clean", "--run", runId]);
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("comes up valid: every joiner joined, one view and one master, no false death, nothing left behind", async () => {
    const args = ["run", "star-join", "--nodes", String(NODES), "--quiet", "--runtime", "docker"];
    const running = cli([...args, "--runsDir", runsDir, "--runId", runId]);
    const parent = await firstContainersParent(docker, runId);
    const result = await running;
    const dir = join(runsDir, "star-join", runId);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Results;
    const failed = results.checks.filter((c) => !c.valid);
    const why = failed
      .map((c) => `${c.name}: ${c.summary}\n  ${c.errors.slice(0, 5).join("\n  ")}`)
      .join("\n");
    assert.equal(result.code, 0, why || result.stdout + result.stderr);
    const summary = (name: string) => results.checks.find((c) => c.name === name)?.summary ?? "";
    assert.match(summary("joined"), new RegExp(`^${NODES - 1}/${NODES - 1} expected members joined`));
    assert.match(
      summary("converged"),
      new RegExp(`^${NODES} live node\\(s\\) agree on ${NODES} member\\(s\\)`),
    );
    assert.match(summary("no-false-deaths"), /^0 member\.failed line/);
    assert.equal(
      parent,
      (await weighed(docker)) ? LARGE_RUN_CGROUP_PARENT : "",
      "a large run's containers sit in the weighed cgroup",
    );
    assert.deepEqual(await leftovers(docker, runId), []);
  });
});
