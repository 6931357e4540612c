// Real-Docker scenarios through the CLI: chain-join and no-master pass, a broken topology fails
// with a useful message, and an interrupted run leaves no container or network behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { CLI, REPO, cli, leftovers } from "./docker-support.js";
import { makeRunId } from "../src/results/run-id.js";
import { buildScenario } from "../src/scenarios/registry.js";

describe("scenarios in Docker", () => {
  const docker = new Dockerode();
  const runIds: string[] = [];
  let runsDir: string;

  const run = (args: string[], onStdout?: Parameters<typeof cli>[1], boundMs?: number) => {
    const runId = makeRunId();
    runIds.push(runId);
    return {
      runId,
      done: cli(
        ["run", ...args, "--runsDir", runsDir, "--runId", runId, "--runtime", "docker"],
        onStdout,
        boundMs,
      ),
    };
  };

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} missing: build first (npm run build)`);
    runsDir = mkdtempSync(join(tmpdir(), "joinlab-docker-"));
  });

  after(async () => {
    // Whatever a failed test left: remove by label, then the temporary runs.
    for (const runId of runIds) await cli(["clean", "--run", runId]);
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("chain-join passes, prints where the merged log is, and removes its containers and network", async () => {
    const { runId, done } = run(["chain-join", "--quiet"]);
    const result = await done;
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /VALID: chain-join, 4 node\(s\) on docker/);
    assert.match(result.stdout, /✓ handshakes +3\/3 join handshakes matched/);
    const merged = /merged log: (.+)$/m.exec(result.stdout)?.[1];
    assert.ok(merged && existsSync(join(REPO, merged)), `merged log path printed: ${merged}`);
    const dir = join(runsDir, "chain-join", runId);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { verdict: unknown };
    assert.equal(results.verdict, true);
    const log = readFileSync(join(dir, "merged.log"), "utf8");
    assert.match(log, /\[node4\] +join\.request\.sent → node2:8002/);
    assert.match(log, /\[node2\] +join\.request\.received ← node4:8003/);
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("a joiner whose cluster address has no listener fails the run with who, expected and actual (exit 1)", async () => {
    const spec = buildScenario("chain-join");
    spec.name = "broken-chain";
    spec.nodes.find((n) => n.name === "node4")!.clusterip = { host: "node1", port: 8009 };
    const file = join(runsDir, "broken-chain.json");
    writeFileSync(file, JSON.stringify(spec));
    const { runId, done } = run(["--scenarioFile", file, "--quiet"]);
    const result = await done;
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /INVALID: broken-chain/);
    assert.match(
      result.stdout,
      /node4: expected to join through node1:8009 and become ready; it logged join\.failed \(nothing listens on node1:8009 \(connection refused\)\), node\.quitting and exited with code 1/,
    );
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("no-master passes because the node quit with exit code 1", async () => {
    const { runId, done } = run(["no-master", "--quiet"]);
    const result = await done;
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ exits +1\/1 expected quitters quit/);
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("Ctrl-C in the middle of the start-up leaves no container or network of the run", async () => {
    let sent = false;
    const { runId, done } = run(["star-join", "--nodes", "12", "--inFlight", "4"], (stdout, child) => {
      // Interrupt once the master is up and the others are still starting.
      if (!sent && /node1 +ready/.test(stdout)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    const result = await done;
    assert.ok(sent, `the run reached node1 ready: ${result.stdout}${result.stderr}`);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stdout, /interrupted: stopping the run gracefully/);
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("containers removed under a starting run (joinlab clean): the run ends on its own, exit 1, nothing left", async () => {
    let cleaned: Promise<unknown> | undefined;
    const { runId, done } = run(
      ["star-join", "--nodes", "12", "--inFlight", "4"],
      (stdout) => {
        if (!cleaned && /node1 +ready/.test(stdout)) cleaned = cli(["clean", "--run", runId]);
      },
      120_000,
    );
    const result = await done;
    await cleaned;
    assert.ok(cleaned, `the run reached node1 ready: ${result.stdout}${result.stderr}`);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /INVALID: star-join/);
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("Ctrl-C twice forces the cleanup and still leaves nothing", async () => {
    let sent = 0;
    const { runId, done } = run(["star-join", "--nodes", "12", "--inFlight", "4"], (stdout, child) => {
      if (sent === 0 && /node1 +started/.test(stdout)) {
        sent = 1;
        child.kill("SIGINT");
        setTimeout(() => child.kill("SIGINT"), 50);
      }
    });
    const result = await done;
    assert.equal(sent, 1, result.stdout + result.stderr);
    assert.equal(result.code, 130, result.stdout + result.stderr);
    assert.match(result.stdout, /forcing cleanup/);
    assert.deepEqual(await leftovers(docker, runId), []);
  });
});
