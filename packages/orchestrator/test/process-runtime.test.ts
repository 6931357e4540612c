// The local-process runtime end to end: real nodes on 127.0.0.1 with free ports, the same
// scenarios, logs, checks and run directory as under Docker.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEFAULT_CHECKS, JOIN_CHECKS } from "../src/checks/registry.js";
import { filterTimeline, readRunTimeline, resolveRunDir } from "../src/logs/read-run.js";
import type { TimelineEntry } from "../src/logs/timeline.js";
import { createLogger } from "../src/progress/logger.js";
import { runScenario } from "../src/run/run-scenario.js";
import { ProcessRuntime } from "../src/runtime/process-runtime.js";
import { buildScenario, SCENARIOS, scenarioNames } from "../src/scenarios/registry.js";
import { requiredCapabilities } from "../src/scenarios/types.js";

/** What the process runtime can do, known before `before` builds one (the test names use it). */
const PROCESS_CAPABILITIES = new ProcessRuntime({
  logger: createLogger("error"),
  stateDir: tmpdir(),
  nodeBin: "-",
}).capabilities;

describe("process runtime", () => {
  let dir: string;
  let runtime: ProcessRuntime;
  const logger = createLogger("error");

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "joinlab-process-"));
    runtime = new ProcessRuntime({ logger, stateDir: join(dir, "state") });
  });

  after(async () => {
    await runtime.sweep({ all: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("chain-join passes, leaves a complete run directory, and stops every node", async () => {
    const result = await runScenario(buildScenario("chain-join"), {
      runtime,
      logger,
      runsDir: join(dir, "runs"),
    });
    assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));
    assert.equal(result.exitCode, 0);
    for (const file of [
      "results.json",
      "merged.log",
      "scenario.json",
      "node1.log",
      "node2.log",
      "node3.log",
      "node4.log",
    ]) {
      assert.ok(existsSync(join(result.runDir, file)), `${file} written`);
    }
    assert.equal(readlinkSync(join(dir, "runs", "latest")), join("chain-join", result.runId));
    const saved = JSON.parse(readFileSync(join(result.runDir, "results.json"), "utf8")) as {
      verdict: boolean;
      checks: unknown[];
    };
    assert.equal(saved.verdict, true);
    assert.equal(saved.checks.length, JOIN_CHECKS.length);
    const merged = readFileSync(result.mergedLog, "utf8");
    assert.match(merged, /\[node3\] +join\.request\.sent → 127\.0\.0\.1:\d+/);
    assert.match(merged, /\[node2\] +join\.request\.received/);
    // Every node got a stop and exited cleanly.
    assert.deepEqual(result.nodes.map((n) => `${n.name} ${n.exit?.code}`).sort(), [
      "node1 0",
      "node2 0",
      "node3 0",
      "node4 0",
    ]);
    assert.ok(result.timings.upAndVerifiedMs! > 0);
    // `npm run logs` reads the run back from its files: the same events, in the same order.
    const events = (entries: TimelineEntry[]) =>
      entries.flatMap((e) => (e.kind === "event" ? [`${e.node} ${e.line.event}`] : []));
    const again = readRunTimeline(resolveRunDir(join(dir, "runs"), "latest"));
    assert.deepEqual(events(again), events(result.timeline));
    assert.deepEqual(events(filterTimeline(again, { nodes: ["node3"], events: ["join.*"] })), [
      "node3 join.request.sent",
      "node3 join.response.received",
    ]);
  });

  it("no-master passes because the lone node quit with exit code 1", async () => {
    const result = await runScenario(buildScenario("no-master"), {
      runtime,
      logger,
      runsDir: join(dir, "runs"),
    });
    assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));
    assert.equal(result.nodes[0]!.exit?.code, 1);
    assert.match(readFileSync(result.mergedLog, "utf8"), /\[node1\] +node\.quitting/);
  });

  it("a joiner pointed where nothing listens fails the run with who, expected and actual", async () => {
    const spec = buildScenario("chain-join");
    spec.nodes.find((n) => n.name === "node3")!.clusterip = { host: "nowhere", port: 8009 };
    const result = await runScenario(spec, {
      runtime,
      logger,
      runsDir: join(dir, "runs"),
      settleTimeoutMs: 200,
    });
    assert.equal(result.verdict, false);
    assert.equal(result.exitCode, 1);
    const joined = result.checks.find((c) => c.name === "joined")!;
    assert.match(
      joined.errors[0]!,
      /^node3: expected to join through 127\.0\.0\.1:\d+ and become ready; it logged join\.failed \(.+\), node\.quitting and exited with code 1$/,
    );
  });

  it("a scenario that needs Docker-only faults says so and cannot tell (exit 2) instead of pretending", async () => {
    const spec = buildScenario("chain-join");
    spec.steps = [{ afterMs: 0, fault: "disconnect", nodes: ["node2"] }];
    const result = await runScenario(spec, { runtime, logger, runsDir: join(dir, "runs") });
    assert.equal(result.verdict, "unknown");
    assert.equal(result.exitCode, 2);
    assert.equal(
      result.error,
      "scenario chain-join needs network-cut, which the process runtime cannot do; run it with --runtime docker",
    );
    assert.ok(
      result.nodes.every((n) => n.startedMs === undefined),
      "no node was started",
    );
  });

  it("applies a kill fault as an event in the timeline and does not count the exit against the node", async () => {
    const spec = buildScenario("chain-join");
    spec.steps = [{ afterMs: 0, fault: "kill", nodes: ["node4"] }];
    // Judged by the join checks: what is asked here is the exit's accounting, not the failure
    // detector's timing (the fault scenarios judge that, with a settle time made for it).
    spec.checks = DEFAULT_CHECKS;
    const result = await runScenario(spec, { runtime, logger, runsDir: join(dir, "runs") });
    assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));
    assert.match(readFileSync(result.mergedLog, "utf8"), /\[joinlab\] +fault\.kill node4/);
    assert.equal(result.nodes.find((n) => n.name === "node4")!.exit?.signal, "SIGKILL");
  });

  it("a restarted node's merged log shows its old process whole, then its new one", async () => {
    const spec = buildScenario("restart-rejoin", { nodes: 3 });
    const result = await runScenario(spec, { runtime, logger, runsDir: join(dir, "runs") });
    assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));
    // Both processes count their lines from seq 1; the old one's must not be dealt in among the new one's.
    const node2 = readFileSync(result.mergedLog, "utf8")
      .split("\n")
      .filter((line) => line.includes(" [node2] "));
    const started = node2.flatMap((line, i) => (/ node\.started /.test(line) ? [i] : []));
    assert.equal(started.length, 2, "two processes started");
    const times = node2.map((line) => line.slice(0, line.indexOf(" ")));
    const backwards = times.filter((t, i) => i > 0 && t < times[i - 1]!);
    assert.deepEqual(backwards, [], "node2's lines in the order it wrote them");
  });

  // The registry doubles as the self-test (Maelstrom's demos): every scenario passes as processes,
  // or, when it needs what only Docker can do, says so and cannot tell (exit 2).
  for (const name of scenarioNames()) {
    const spec = buildScenario(name, SCENARIOS[name]!.nodes ? { nodes: 5 } : {});
    const missing = requiredCapabilities(spec).filter((c) => !PROCESS_CAPABILITIES.has(c));
    const title = missing.length ? `says it needs ${missing.join(", ")}` : "passes";
    it(`registry scenario ${name} ${title}`, async () => {
      const result = await runScenario(spec, { runtime, logger, runsDir: join(dir, "runs") });
      if (missing.length) {
        assert.equal(result.exitCode, 2);
        assert.match(result.error ?? "", /which the process runtime cannot do; run it with --runtime docker/);
      } else assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));
    });
  }
});
