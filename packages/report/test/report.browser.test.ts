// Real reports of real runs, opened in a real Chromium, asserted on what a person sees: the
// handshake arrows of a chain join, a killed master's lane ending and the new master marked, a
// paused node hatched and seen failed then alive; no request leaves file://, no page error. Each
// test saves a screenshot into the run directory (and into JOINLAB_REPORT_SCREENSHOTS, when set,
// for the README). Runs use local processes unless JOINLAB_REPORT_RUNTIME=docker.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  chooseRuntime,
  createLogger,
  runScenario,
  buildScenario,
  type RunResult,
} from "@joinlab/orchestrator";
import { buildReportModel, renderReport, syntheticRun } from "../src/index.js";
import { drawnBoxes, openReport, revealMark, type Box, type OpenReport } from "./support/browser.js";

const logger = createLogger("error");
const scratch = mkdtempSync(join(tmpdir(), "joinlab-report-browser-"));
let runtime: Awaited<ReturnType<typeof chooseRuntime>>;

before(async () => {
  const kind = process.env.JOINLAB_REPORT_RUNTIME === "docker" ? "docker" : "process";
  runtime = await chooseRuntime({ kind, logger, log: () => {} });
});
after(async () => {
  await runtime.sweep({ all: true });
  await runtime.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function run(name: string): Promise<RunResult> {
  const result = await runScenario(buildScenario(name), { runtime, logger, runsDir: join(scratch, "runs") });
  assert.equal(result.verdict, true, JSON.stringify(result.checks, null, 2));
  assert.ok(result.artifacts.report, "the run wrote report.html");
  return result;
}

/** Saves report.png into the run directory; `readme` names the copy for the README's docs/. */
async function screenshot(report: OpenReport, dir: string, readme?: string): Promise<void> {
  writeFileSync(join(dir, "report.png"), await report.page.screenshot({ fullPage: true }));
  const docs = process.env.JOINLAB_REPORT_SCREENSHOTS;
  if (docs && readme) {
    // The README shows the top of the page: verdict, checks and the diagram as it is scrolled now.
    const height = await report.page.evaluate(() =>
      Math.ceil(document.getElementById("diagram-section")!.getBoundingClientRect().bottom + scrollY + 8),
    );
    mkdirSync(docs, { recursive: true });
    const clip = { x: 0, y: 0, width: 1400, height };
    writeFileSync(join(docs, `report-${readme}.png`), await report.page.screenshot({ fullPage: true, clip }));
  }
}

function assertOffline(report: OpenReport): void {
  assert.deepEqual(report.requests, [], "no request leaves file://");
  assert.deepEqual(report.errors, [], "no page error");
}

/** The lane head (its data-lane) whose name is `node`. */
async function laneNamed(report: OpenReport, node: string): Promise<string> {
  const lane = await report.page.$eval(
    `.lane-head:has(b:text-is("${node}"))`,
    (el) => (el as HTMLElement).dataset.lane ?? "",
  );
  assert.ok(lane, `a lane head for ${node}`);
  return lane;
}

const centreX = (box: Box) => box.x + box.width / 2;

describe("report in Chromium", () => {
  it("chain-join: three handshake arrows, node4's to node2's lane", async () => {
    const result = await run("chain-join");
    assert.ok(statSync(result.artifacts.report!).size < 300 * 1024, "a chain-join report stays under 300 KB");
    const report = await openReport(result.artifacts.report!);
    try {
      assert.equal(await report.page.locator("g.handshake.answered").count(), 3);
      const node4 = await laneNamed(report, "node4");
      const node2 = await laneNamed(report, "node2");
      const arrow = `g.handshake[data-joiner="${node4}"]`;
      assert.equal(await report.page.getAttribute(arrow, "data-responder"), node2);
      // The request arrow's head is on node2's lane line, under node2's pinned head.
      const [box, head2, head4] = await drawnBoxes(report.page, [
        `${arrow} path.request`,
        `.lane-head[data-lane="${node2}"]`,
        `.lane-head[data-lane="${node4}"]`,
      ]);
      const lane2 = centreX(head2!);
      const lane4 = centreX(head4!);
      assert.ok(box && Math.abs(Math.min(box.x, box.x + box.width) - Math.min(lane2, lane4)) < 3);
      assert.ok(Math.abs(box.x + box.width - Math.max(lane2, lane4)) < 3);
      // Hovering a mark shows its full log event (a level arrow has no area to aim at, so the
      // pointer's arrival is dispatched on it).
      await report.page
        .locator(`${arrow} path.request`)
        .dispatchEvent("mouseover", { clientX: 200, clientY: 200 });
      const tooltip = report.page.locator("#tooltip");
      assert.match(await tooltip.innerText(), /"event": "join\.request\.sent"[\s\S]*"peer": "[^"]+:\d+"/);
      await report.page.keyboard.press("Escape");
      assert.equal(await tooltip.isHidden(), true, "Escape closes it");
      await screenshot(report, result.runDir, "chain-join");
      assertOffline(report);
    } finally {
      await report.close();
    }
  });

  it("master-crash: the master's lane ends at the kill, the new master's election is marked", async () => {
    const result = await run("master-crash");
    const report = await openReport(result.artifacts.report!);
    try {
      const node1 = await laneNamed(report, "node1");
      await report.page.click(`table.figures-faults a`); // "kill node1": shows that moment
      // The diagram redraws what is on screen in the frame after the scroll the click asked for.
      const [end, line] = await drawnBoxes(report.page, [
        `g.lane-end.kill[data-lane="${node1}"]`,
        `line.lane-line[data-lane="${node1}"]`,
      ]);
      assert.ok(end && line, "the lane and its kill mark are drawn");
      assert.ok(Math.abs(line.y + line.height - (end.y + end.height / 2)) < 8, "the lane stops at the kill");
      const newMaster = (await revealMark(report.page, "g.election", "elected master")).lane;
      const elected = report.page.locator("g.election", { hasText: "elected master" });
      assert.equal(await elected.count(), 1);
      assert.notEqual(newMaster, node1);
      assert.match(await report.page.locator(`.lane-head[data-lane="${newMaster}"]`).innerText(), /node\d/);
      await screenshot(report, result.runDir, "master-crash");
      assertOffline(report);
    } finally {
      await report.close();
    }
  });

  it("pause-resume: the paused lane is hatched; the view shows it failed, then alive", async () => {
    const result = await run("pause-resume");
    const report = await openReport(result.artifacts.report!);
    try {
      const node5 = await laneNamed(report, "node5");
      const node1 = await laneNamed(report, "node1");
      // The page opens the view at run.verified, where the checks looked (before the teardown's leaves).
      const verified = Number(await report.page.inputValue("#scrubber"));
      await report.page.click(`table.figures-faults a`);
      const pause = report.page.locator(`rect.fault-pause[data-lane="${node5}"]`);
      assert.equal(await pause.getAttribute("fill"), "url(#hatch)");
      const heal = Number(await pause.getAttribute("data-heal"));
      const cell = `#view-matrix td[data-observer="${node1}"][data-subject="${node5}"]`;
      const scrubTo = (i: number) =>
        report.page.$eval(
          "#scrubber",
          (el, v) => {
            const input = el as HTMLInputElement;
            input.value = String(v);
            input.dispatchEvent(new Event("input"));
          },
          i,
        );
      await scrubTo(heal - 1);
      assert.equal(await report.page.getAttribute(cell, "data-state"), "failed", "failed while paused");
      await scrubTo(verified);
      assert.equal(await report.page.getAttribute(cell, "data-state"), "alive", "alive after the resume");
      await screenshot(report, result.runDir);
      assertOffline(report);
    } finally {
      await report.close();
    }
  });

  it("a 128-node, 50,000-event report stays within 2 MB and draws its first screen", async () => {
    const synthetic = syntheticRun({ nodes: 128, events: 50_000 });
    const model = buildReportModel({ scenario: synthetic.scenario, entries: synthetic.entries });
    const dir = mkdtempSync(join(scratch, "large-"));
    const path = join(dir, "report.html");
    writeFileSync(path, renderReport(model));
    assert.ok(statSync(path).size <= 2 * 1024 * 1024, `${statSync(path).size} bytes`);
    const report = await openReport(path);
    try {
      assert.equal(await report.page.locator(".lane-head").count(), 128);
      assert.ok((await report.page.locator("svg.marks circle.ev").count()) > 100, "events are drawn");
      await report.page.fill("#log-pattern", "member.failed");
      assert.match(await report.page.locator(".log-controls").innerText(), /\d+ of \d+ entries/);
      assert.ok((await report.page.locator(".log-line").count()) > 0);
      await screenshot(report, dir);
      assertOffline(report);
    } finally {
      await report.close();
    }
  });
});
