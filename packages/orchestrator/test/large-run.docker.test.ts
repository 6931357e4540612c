// A large run in real containers: 64 nodes on the machine the tests run on come up as one
// cluster, every joiner joined (retrying if the master answered late), and nobody was declared
// failed while the engine starved the machine starting them.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { cli, leftovers } from "./docker-support.js";
import { makeRunId } from "../src/results/run-id.js";

const NODES = 64;

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
    const result = await cli([...args, "--runsDir", runsDir, "--runId", runId]);
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
    assert.deepEqual(await leftovers(docker, runId), []);
  });
});
