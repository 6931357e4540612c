// The seams out of a run, on real node processes: the event stream carries every entry of the
// merged timeline as it arrives, the phases in order and the result last; further artefacts are
// written into the run directory with one call each, and one that fails leaves the verdict alone.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { TimelineEntry } from "../src/logs/timeline.js";
import { createLogger } from "../src/progress/logger.js";
import type { RunEvent } from "../src/run/run-events.js";
import { runScenario } from "../src/run/run-scenario.js";
import { ProcessRuntime } from "../src/runtime/process-runtime.js";
import { buildScenario } from "../src/scenarios/registry.js";

/** What identifies an entry across the stream and the merged timeline. */
function key(entry: TimelineEntry): string {
  return entry.kind === "orchestrator"
    ? `joinlab ${entry.index} ${entry.event.event}`
    : `${entry.node} ${entry.index} ${entry.text}`;
}

describe("a run's event stream and artefacts", () => {
  let dir: string;
  let runtime: ProcessRuntime;
  const logger = createLogger("error");

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "joinlab-events-"));
    runtime = new ProcessRuntime({ logger, stateDir: join(dir, "state") });
  });

  after(async () => {
    await runtime.sweep({ all: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("streams every timeline entry, the phases in order, check results and the result last", async () => {
    const events: { event: RunEvent; id: number }[] = [];
    const result = await runScenario(buildScenario("master-crash"), {
      runtime,
      logger,
      runsDir: join(dir, "runs"),
      onEvent: (event, id) => events.push({ event, id }),
    });
    assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));
    assert.deepEqual(
      events.map((e) => e.id),
      events.map((_, i) => i + 1),
      "ids count 1, 2, 3, ...",
    );
    assert.equal(events[0]?.event.kind, "run");
    const last = events.at(-1)?.event;
    assert.ok(last?.kind === "done" && last.result === result, "the result is the last event");
    const phases = events.flatMap((e) => (e.event.kind === "phase" ? [e.event.phase] : []));
    assert.deepEqual(phases, ["environment", "bring-up", "schedule", "verify", "teardown", "record"]);
    const streamed = new Set(events.flatMap((e) => (e.event.kind === "entry" ? [key(e.event.entry)] : [])));
    const missing = result.timeline.filter((entry) => !streamed.has(key(entry)));
    assert.deepEqual(missing, [], "every entry of the merged timeline was streamed as it arrived");
    const fault = events.findIndex(
      (e) => e.event.kind === "entry" && key(e.event.entry).includes("fault.kill"),
    );
    const verdicts = events.flatMap((e, i) =>
      e.event.kind === "checks" ? [{ i, verdict: e.event.verdict }] : [],
    );
    assert.ok(verdicts.length > 0 && verdicts.every((v) => v.i > fault), "checks come after the fault");
    assert.equal(verdicts.at(-1)?.verdict, true);
    const ready = events.filter((e) => e.event.kind === "node" && e.event.state === "ready");
    assert.equal(ready.length, result.nodes.length, "every node's progress is in the stream");
  });

  it("writes each artefact into the run directory and lists it in results.json; a failing one is skipped", async () => {
    const result = await runScenario(buildScenario("chain-join"), {
      runtime,
      logger,
      runsDir: join(dir, "runs"),
      artifacts: [
        {
          name: "handshakes",
          write: ({ result: finished }) => {
            const path = join(finished.runDir, "handshakes.txt");
            writeFileSync(path, `${finished.checks.find((c) => c.name === "handshakes")?.summary}\n`);
            return path;
          },
        },
        {
          name: "broken",
          write: () => {
            throw new Error("no space left");
          },
        },
      ],
    });
    assert.equal(result.verdict, true);
    assert.deepEqual(Object.keys(result.artifacts), ["report", "handshakes"]);
    assert.match(readFileSync(result.artifacts.handshakes!, "utf8"), /^3\/3 join handshakes matched/);
    const saved = JSON.parse(readFileSync(join(result.runDir, "results.json"), "utf8")) as {
      files: Record<string, string>;
    };
    assert.deepEqual(saved.files, {
      mergedLog: "merged.log",
      trace: "orchestrator.log",
      report: "report.html",
      handshakes: "handshakes.txt",
    });
  });
});
