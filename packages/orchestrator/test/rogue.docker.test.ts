// rogue-peer in real containers: a keyed cluster of 5 and joinlab-rogue in a sixth container of the
// run's network. The run is valid only if the rogue got nothing in and every kind of refusal was
// logged; the process runtime, which cannot run the rogue, says so instead of pretending.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { CLI, cli, leftovers, requireEngine } from "./docker-support.js";
import { makeRunId } from "../src/results/run-id.js";

describe("rogue-peer in Docker", () => {
  const docker = new Dockerode();
  const runIds: string[] = [];
  let runsDir: string;

  before(async () => {
    await requireEngine(docker);
    assert.ok(existsSync(CLI), `${CLI} missing: build first (npm run build)`);
    runsDir = mkdtempSync(join(tmpdir(), "joinlab-rogue-"));
  });

  after(async () => {
    for (const runId of runIds) await cli(["clean", "--run", runId]);
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("a rogue without the key gets nothing into a keyed cluster of 5, and leaves nothing behind", async () => {
    const runId = makeRunId();
    runIds.push(runId);
    const result = await cli([
      "run",
      "rogue-peer",
      "--quiet",
      "--runsDir",
      runsDir,
      "--runId",
      runId,
      "--runtime",
      "docker",
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /VALID: rogue-peer, 6 node\(s\) on docker/);
    assert.match(
      result.stdout,
      /✓ rogue-refused +rogue sent 100000 datagrams and 30 joins, 0 got in, 0 answers/,
    );
    assert.match(result.stdout, /✓ no-ghosts/);
    assert.match(result.stdout, /✓ one-master +one master: node1/);
    const dir = join(runsDir, "rogue-peer", runId);
    const rogueLog = readFileSync(join(dir, "rogue.log"), "utf8");
    assert.match(rogueLog, /"event":"rogue.report".*"joinsAccepted":0,"datagramsReceived":0/);
    // Every refusal is accounted for once the nodes flushed what the rate limit held back.
    let refused = 0;
    for (let i = 1; i <= 5; i++) {
      for (const m of readFileSync(join(dir, `node${i}.log`), "utf8").matchAll(
        /"event":"auth\.rejected".*?"count":(\d+)/g,
      )) {
        refused += Number(m[1]);
      }
    }
    assert.ok(
      refused >= 90_000,
      `the nodes counted ${refused} refusals of ~100,030 sent (UDP may drop a few)`,
    );
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("the process runtime cannot run the rogue and says so (exit 2)", async () => {
    const result = await cli(["run", "rogue-peer", "--quiet", "--runsDir", runsDir, "--runtime", "process"]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /rogue/);
  });
});
