// Real-Docker fault scenarios through the CLI: master-crash, partition-heal (both variants),
// restart-rejoin and pause-resume pass, their faults are events in the merged log with detection
// and convergence figures in results.json, and no container or network of a run is left behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { CLI, cli, failingChecks, leftovers, runJson } from "./docker-support.js";
import { makeRunId } from "../src/results/run-id.js";

describe("fault scenarios in Docker", () => {
  const docker = new Dockerode();
  const runIds: string[] = [];
  let runsDir: string;

  /** Runs a scenario with --json; returns results.json's content and the merged log. */
  const run = async (args: string[]) => {
    const runId = makeRunId();
    runIds.push(runId);
    const { code, result } = await runJson(args, runsDir, runId);
    assert.equal(code, 0, `${result.scenario} exit ${code}: ${result.error ?? ""}\n${failingChecks(result)}`);
    assert.deepEqual(await leftovers(docker, runId), [], "the run removed its containers and network");
    return { result, log: readFileSync(result.mergedLog, "utf8") };
  };

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} missing: build first (npm run build)`);
    runsDir = mkdtempSync(join(tmpdir(), "joinlab-faults-"));
  });

  after(async () => {
    for (const runId of runIds) await cli(["clean", "--run", runId]);
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("master-crash: the killed master is failed everywhere and one new master is elected", async (t) => {
    const { result, log } = await run(["master-crash"]);
    assert.match(log, /\[joinlab\] +fault\.kill node1 +kill node1/);
    assert.match(log, /master\.elected .* this node is master \(epoch 2\)/);
    const kill = result.timings.membership!.faults[0]!;
    assert.equal(kill.fault, "kill");
    assert.equal(kill.survivors, 4);
    assert.ok(kill.declaredMs !== undefined && kill.convergedMs !== undefined, JSON.stringify(kill));
    t.diagnostic(
      `kill detected ${kill.detectedMs} ms, failed by all ${kill.declaredMs} ms, converged ${kill.convergedMs} ms`,
    );
  });

  it("partition-heal: a minority with the master cut off and healed; one view, one master again", async (t) => {
    const { result, log } = await run(["partition-heal"]);
    assert.match(log, /\[joinlab\] +fault\.disconnect node1/);
    assert.match(log, /\[joinlab\] +fault\.connect node2/);
    const heal = result.timings.membership!.faults.find((f) => f.fault === "connect")!;
    assert.ok(heal.convergedMs !== undefined, JSON.stringify(result.timings.membership));
    t.diagnostic(`reconverged ${heal.convergedMs} ms after the heal`);
  });

  it("partition-heal --majority: the minority left elects no master; one master after the heal", async (t) => {
    const { result, log } = await run(["partition-heal", "--majority"]);
    assert.match(log, /\[joinlab\] +fault\.disconnect node3/);
    // The cut-off master sees no majority and steps down while the cut lasts (the quorum rule;
    // the one-master check, part of the exit code, fails any minority master left at the heal).
    const cut = log.slice(log.indexOf("fault.disconnect"), log.indexOf("fault.connect"));
    assert.match(cut, /\[node1\] +master\.resigned .*a majority of the cluster is unreachable/);
    const heal = result.timings.membership!.faults.find((f) => f.fault === "connect")!;
    t.diagnostic(`reconverged ${heal.convergedMs} ms after the heal`);
  });

  it("restart-rejoin: the new process replaces the old entry", async (t) => {
    const { result, log } = await run(["restart-rejoin"]);
    assert.match(log, /\[joinlab\] +fault\.restart node2/);
    assert.equal(log.match(/\[node2\] +node\.started/g)?.length, 2, "two processes of node2 in the log");
    const restart = result.timings.membership!.faults[0]!;
    t.diagnostic(`restart detected ${restart.detectedMs} ms, converged ${restart.convergedMs} ms`);
  });

  it("pause-resume: failed while frozen, alive again after", async (t) => {
    const { result, log } = await run(["pause-resume"]);
    assert.match(log, /\[joinlab\] +fault\.unpause node5/);
    assert.match(log, /\[node5\] +member\.alive .*refuted being (suspect|failed)/);
    const [pause, unpause] = result.timings.membership!.faults;
    t.diagnostic(
      `pause detected ${pause!.detectedMs} ms, failed by all ${pause!.declaredMs} ms; reconverged ${unpause!.convergedMs} ms after unpause`,
    );
  });
});
