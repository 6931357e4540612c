// report.html from a run directory: written whole, log content escaped, and bad input (a missing
// or truncated merged.log, non-JSON node output, an interrupted run, a path that is no run) said
// on the page or by the command, never a crash.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { rebuildRunReport } from "../src/results/run-report.js";
import { FIXTURES } from "./helpers.js";

const REPORT_FIXTURES = join(FIXTURES, "..", "..", "..", "report", "test", "fixtures");
const CLI = join(import.meta.dirname, "..", "dist", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "joinlab-report-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function copyRun(name: string): string {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  cpSync(join(REPORT_FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The model embedded in a report, parsed back. */
function embeddedModel(html: string): { meta: { problems: string[] }; eventCount: number } {
  const m = /<script type="application\/json" id="joinlab-model">([^<]*)<\/script>/.exec(html);
  assert.ok(m, "the page embeds its model");
  return JSON.parse(m[1]!);
}

describe("run report", () => {
  it("escapes log content: a </script> in a node's line neither ends the model nor runs", () => {
    const dir = copyRun("chain-join");
    const hostile = `</script><script>alert(1)</script><!-- \u2028`;
    const line = {
      time: "2026-12-01T23:12:21.600Z",
      level: "warn",
      seq: 99,
      nodeId: 1,
      event: "protocol.error",
      message: hostile,
      remote: "x",
    };
    appendFileSync(join(dir, "node2.log"), `2026-12-01T23:12:21.600000Z ${JSON.stringify(line)}\n`);
    const html = readFileSync(rebuildRunReport(dir), "utf8");
    assert.equal(html.match(/<script/g)?.length, 2, "only the model and the page's own script");
    assert.ok(!html.includes("<script>alert(1)"));
    const model = embeddedModel(html);
    assert.ok(JSON.stringify(model).includes(hostile), "the text survives, as data");
  });

  it("a truncated or missing merged.log, non-JSON node output and a missing results.json are reported", () => {
    const dir = copyRun("pause-resume");
    truncateSync(join(dir, "merged.log"), 2000);
    appendFileSync(
      join(dir, "node3.log"),
      "2026-12-01T23:12:36.000000Z Error: something broke\nno timestamp here\n",
    );
    rmSync(join(dir, "results.json"));
    const problems = embeddedModel(readFileSync(rebuildRunReport(dir), "utf8")).meta.problems.join("\n");
    assert.match(problems, /merged\.log is truncated/);
    assert.match(problems, /node3\.log: 1 of \d+ line\(s\) carry no timestamp/);
    assert.match(problems, /node3: 1 line\(s\) of output are not JSON log events/);
    assert.match(problems, /results\.json is missing: the run was interrupted/);
    rmSync(join(dir, "merged.log"));
    const html = readFileSync(rebuildRunReport(dir), "utf8");
    assert.match(html, /merged\.log is missing; the timeline was rebuilt from the node logs/);
    assert.match(html, /No checks were recorded for this run/);
  });

  it("a run with no node log at all still gets a page that says so", () => {
    const dir = mkdtempSync(join(scratch, "empty-"));
    writeFileSync(join(dir, "scenario.json"), JSON.stringify({ name: "chain-join", nodes: [] }));
    const html = readFileSync(rebuildRunReport(dir), "utf8");
    assert.match(html, /no node log in the run directory/);
    assert.equal(embeddedModel(html).eventCount, 0);
  });

  it("npm run report rebuilds a run's report and prints its path; a path that is no run exits 2", () => {
    const dir = copyRun("master-crash");
    const ok = spawnSync(process.execPath, [CLI, "report", dir], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /report: .*report\.html/);
    const bad = spawnSync(process.execPath, [CLI, "report", scratch], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /is not a run directory: expected a directory holding scenario\.json/);
  });
});
