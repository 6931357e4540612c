// The swarm runtime on this machine's engine made a one-node swarm: chain-join, master-crash and
// restart-rejoin pass as services on an overlay network, the clocks are measured and reported,
// nothing is left behind; and the bad inputs (no swarm, an engine that does not answer) exit 2 at
// once with what to do.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { cli, requireEngine } from "./docker-support.js";
import { oneNodeSwarm, swarmLeftovers, swarmState } from "./swarm-support.js";
import { makeRunId } from "../src/results/run-id.js";

interface Results {
  verdict: unknown;
  runtime: string;
  clocks?: { engines: { host: string; startOffsetMs?: number; boundMs?: number }[]; boundMs?: number };
}

describe("the swarm runtime on a one-node swarm", () => {
  const docker = new Dockerode();
  const runIds: string[] = [];
  let runsDir: string;
  let restore = () => {};

  const run = async (args: string[]) => {
    const runId = makeRunId();
    runIds.push(runId);
    const result = await cli(["run", ...args, "--runsDir", runsDir, "--runId", runId, "--runtime", "swarm"]);
    return { runId, result };
  };
  const resultsOf = (scenario: string, runId: string): Results =>
    JSON.parse(readFileSync(join(runsDir, scenario, runId, "results.json"), "utf8")) as Results;

  before(async () => {
    await requireEngine(docker);
    runsDir = mkdtempSync(join(tmpdir(), "joinlab-swarm-"));
  });

  after(async () => {
    for (const runId of runIds) await cli(["clean", "--run", runId]);
    restore();
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("without a swarm: exit 2 at once, saying how to make one", async (t) => {
    if (swarmState() !== "inactive") return t.skip("this engine is already in a swarm");
    const { result } = await run(["chain-join", "--quiet"]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /--runtime swarm needs a swarm manager, and this Docker engine is in no swarm/,
    );
    assert.match(result.stderr, /docker swarm init --advertise-addr 127\.0\.0\.1/);
  });

  it("chain-join passes as services, with the engine's clock measured and reported", async () => {
    restore = oneNodeSwarm();
    const { runId, result } = await run(["chain-join", "--quiet"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /VALID: chain-join, 4 node\(s\) on swarm/);
    assert.match(result.stdout, /✓ handshakes +3\/3 join handshakes matched/);
    const results = resultsOf("chain-join", runId);
    assert.equal(results.runtime, "swarm");
    const [engine] = results.clocks?.engines ?? [];
    assert.ok(
      engine?.startOffsetMs !== undefined,
      `the engine's offset is reported: ${JSON.stringify(results.clocks)}`,
    );
    assert.ok(Number.isFinite(results.clocks?.boundMs), "and the bound of the corrected timestamps");
    const log = readFileSync(join(runsDir, "chain-join", runId, "merged.log"), "utf8");
    assert.match(log, /\[node4\] +join\.request\.sent → node2:8002/);
    assert.deepEqual(await swarmLeftovers(docker, runId), []);
  });

  it("master-crash: the master's task killed through its host's engine, one new master", async () => {
    const { runId, result } = await run(["master-crash", "--quiet"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ fault-fates +1 fault\(s\): 1 kill\(s\) seen as failed/);
    assert.match(result.stdout, /✓ one-master/);
    assert.deepEqual(await swarmLeftovers(docker, runId), []);
  });

  it("restart-rejoin: a new task of the same service, same name and alias, replaces the old entry", async () => {
    const { runId, result } = await run(["restart-rejoin", "--quiet"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /1 restart\(s\) as replaced/);
    assert.deepEqual(await swarmLeftovers(docker, runId), []);
  });

  it("an --engine that does not answer: named, exit 2, nothing made", async () => {
    const host = (await docker.info()).Name as string;
    const url = "unix:///nonexistent/joinlab-engine.sock";
    const { runId, result } = await run(["chain-join", "--quiet", "--engine", `${host}=${url}`]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`--engine ${host}=${url}: no Docker engine answers there`));
    assert.deepEqual(await swarmLeftovers(docker, runId), []);
    const unknown = await run(["chain-join", "--quiet", "--engine", "no-such-host=tcp://127.0.0.1:1"]);
    assert.equal(unknown.result.code, 2);
    assert.match(
      unknown.result.stderr,
      /--engine no-such-host=\.\.\.: the swarm has no node of that hostname or id; its nodes: /,
    );
  });
});
