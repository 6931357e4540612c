// The network-fault scenarios in real containers, through the CLI: partition-halves, split-and-merge
// and one-way pass, each fault is one event in the merged timeline carrying its groups, the sides
// are judged on their own while the split holds, and nothing (node, network or helper) is left.
// lossy runs too; latency and a bad spec end with exit 2 before anything starts.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { CLI, cli, failingChecks, leftovers, runJson } from "./docker-support.js";
import type { NetworkFaultRecord } from "../src/netfaults/network-fault.js";
import { makeRunId } from "../src/results/run-id.js";
import { buildScenario } from "../src/scenarios/registry.js";

interface SideFigures {
  nodes: string[];
  quorum: boolean;
  master: string | null;
  detectedMs?: number;
  declaredMs?: number;
  held: boolean;
}

describe("network-fault scenarios in Docker", () => {
  const docker = new Dockerode();
  const runIds: string[] = [];
  let runsDir: string;

  /** Runs with --json; returns results.json's content, the merged log and the network events. */
  const run = async (args: string[], expectCode = 0) => {
    const runId = makeRunId();
    runIds.push(runId);
    const { code, result } = await runJson(args, runsDir, runId);
    assert.equal(
      code,
      expectCode,
      `${result.scenario} exit ${code}: ${result.error ?? ""}\n${failingChecks(result)}`,
    );
    assert.deepEqual(await leftovers(docker, runId), [], "the run removed its nodes, helpers and network");
    const events = readFileSync(join(result.runDir, "orchestrator.events.log"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)) as { event: string; network?: NetworkFaultRecord });
    const splits =
      (result.timings.membership as { splits?: { sides: SideFigures[] }[] } | undefined)?.splits ?? [];
    return { result, log: readFileSync(result.mergedLog, "utf8"), events, splits };
  };

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} missing: build first (npm run build)`);
    runsDir = mkdtempSync(join(tmpdir(), "joinlab-netfaults-"));
  });

  after(async () => {
    for (const runId of runIds) await cli(["clean", "--run", runId]);
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("partition-halves: the majority elects one master, the minority's resigns, each side judged on its own", async (t) => {
    const { log, events, splits } = await run(["partition-halves"]);
    assert.match(log, /\[joinlab\] +fault\.partition +partition \{node1, node2\} \| \{node3, node4, node5\}/);
    assert.match(
      log,
      /\[node1\] +master\.resigned +resigned as master: a majority of the cluster is unreachable/,
    );
    const applied = events.find((e) => e.event === "fault.partition")!.network!;
    assert.deepEqual(applied.fault, {
      kind: "partition",
      label: "halves",
      groups: [
        ["node1", "node2"],
        ["node3", "node4", "node5"],
      ],
    });
    assert.equal(events.find((e) => e.event === "fault.heal")?.network?.action, "heal");
    const [minority, majority] = splits[0]!.sides;
    assert.deepEqual([minority!.quorum, minority!.master], [false, null]);
    assert.equal(majority!.quorum, true);
    assert.ok(
      majority!.master && ["node3", "node4", "node5"].includes(majority!.master),
      `majority master ${majority!.master}`,
    );
    assert.ok(minority!.held && majority!.held);
    t.diagnostic(
      `rules in place ${applied.inPlaceMs} ms after the step; detected across: minority ${minority!.detectedMs} ms, majority ${majority!.detectedMs} ms`,
    );
  });

  it("split-and-merge: an even split has no master on either side, and merges into one cluster after the heal", async (t) => {
    const { result, splits } = await run(["split-and-merge"]);
    assert.deepEqual(
      splits[0]!.sides.map((s) => [s.nodes.length, s.quorum, s.master]),
      [
        [3, false, null],
        [3, false, null],
      ],
    );
    const m = result.timings.membership as { convergedAfterLastFaultMs?: number } | undefined;
    t.diagnostic(`one cluster again ${m?.convergedAfterLastFaultMs} ms after the heal`);
  });

  it("one-way: the master that cannot hear is failed by the others, who elect a new one; it resigns", async () => {
    const { log, splits } = await run(["one-way"]);
    assert.match(
      log,
      /\[joinlab\] +fault\.one-way +one-way: packets from \{node2, node3, node4, node5\} to \{node1\} dropped/,
    );
    assert.match(
      log,
      /\[node1\] +master\.resigned +resigned as master: a majority of the cluster is unreachable/,
    );
    const [deaf, hearing] = splits[0]!.sides;
    assert.deepEqual(deaf!.nodes, ["node1"]);
    assert.equal(deaf!.master, null);
    assert.ok(hearing!.master && hearing!.master !== "node1");
  });

  it("lossy: every join succeeds under 20 % loss and nobody is declared failed", async () => {
    const { result } = await run(["lossy"]);
    assert.equal(result.checks.find((c) => c.name === "joined")?.valid, true);
    assert.equal(result.checks.find((c) => c.name === "no-false-deaths")?.valid, true);
  });

  it("latency where the kernel has no netem: exit 2, saying why, before any container starts", async (t) => {
    const spec = buildScenario("partition-halves");
    spec.name = "latency-probe";
    spec.steps = [
      { afterMs: 0, fault: "latency", delayMs: 50, label: "slow" },
      { afterMs: 1000, fault: "heal", label: "slow" },
    ];
    const file = join(runsDir, "latency.json");
    writeFileSync(file, JSON.stringify(spec));
    const runId = makeRunId();
    runIds.push(runId);
    const { code, result } = await runJson(["--scenarioFile", file], runsDir, runId);
    if (code === 0) return t.diagnostic("this kernel has netem: latency ran");
    assert.equal(code, 2);
    assert.match(
      result.error ?? "",
      /needs latency, which the docker runtime cannot do here \(latency: the kernel cannot delay packets \(tc netem\)/,
    );
    assert.ok(
      result.nodes.every((n) => n.startedMs === undefined),
      "no node started",
    );
    assert.deepEqual(await leftovers(docker, runId), []);
  });

  it("a bad spec is refused before anything starts, naming the bad value's path", async () => {
    const spec = buildScenario("partition-halves");
    spec.steps = [{ afterMs: 0, fault: "partition", groups: [["node1"], ["node2", "node9"]] }];
    const file = join(runsDir, "bad.json");
    writeFileSync(file, JSON.stringify(spec));
    const out = await cli(["run", "--scenarioFile", file, "--runsDir", runsDir, "--runtime", "docker"]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /steps\[0\]\.groups\[1\]\[1\] is "node9", which is no node of this scenario/);
  });
});
