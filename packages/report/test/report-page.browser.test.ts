// The page's behaviour on recorded runs: a failed check's error shows its moment in the diagram,
// and a loaded page takes more timeline entries (what a live view sends) and draws them.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildReportModel, renderReport, type ReportEntry } from "../src/index.js";
import { drawnBoxes, openReport, revealMark } from "./support/browser.js";
import { FIXTURES, fixtureTimeline } from "./support/fixtures.js";

const scratch = mkdtempSync(join(tmpdir(), "joinlab-report-page-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function writeReport(name: string, results: object): string {
  const scenario = JSON.parse(readFileSync(join(FIXTURES, name, "scenario.json"), "utf8"));
  const path = join(scratch, `${name}-${Date.now()}.html`);
  writeFileSync(path, renderReport(buildReportModel({ scenario, results, entries: fixtureTimeline(name) })));
  return path;
}

describe("report page", () => {
  it("a failed check's error links to its moment: the diagram scrolls to it and selects it", async () => {
    const error = "node4: expected to join through node2:8002; it logged nothing after node.ready";
    const path = writeReport("chain-join", {
      verdict: false,
      checks: [{ name: "joined", valid: false, summary: "2/3 expected members joined", errors: [error] }],
    });
    const report = await openReport(path);
    try {
      assert.equal(await report.page.innerText("header.verdict .badge"), "INVALID");
      await report.page.click(`#checks a:has-text("node4: expected")`);
      const lane = await report.page.$eval(
        `.lane-head:has(b:text-is("node4"))`,
        (el) => (el as HTMLElement).dataset.lane,
      );
      // The diagram redraws in the frame after the scroll the click asked for.
      const [box, head, view] = await drawnBoxes(report.page, [
        "svg.marks circle.ev.selected",
        `.lane-head[data-lane="${lane}"]`,
        "#diagram",
      ]);
      assert.equal(await report.page.locator("svg.marks circle.ev.selected").count(), 1);
      assert.ok(box && head && view);
      assert.ok(Math.abs(box.x + box.width / 2 - (head.x + head.width / 2)) < 3, "on node4's lane");
      assert.ok(box.y > view.y && box.y < view.y + view.height, "in view in the diagram");
      assert.deepEqual(report.errors, []);
    } finally {
      await report.close();
    }
  });

  it("draws a partition as its groups, each tinted apart until the heal", async () => {
    const timeline = fixtureTimeline("chain-join");
    const verified = timeline.findIndex((e) => e.kind === "orchestrator" && e.event.event === "run.verified");
    const at = (k: number) => timeline[k]!.t;
    const fault = {
      kind: "partition",
      label: "p1",
      groups: [
        ["node1", "node2"],
        ["node3", "node4"],
      ],
    };
    const note = (event: string, t: number, action: string): ReportEntry => ({
      kind: "orchestrator",
      t,
      event: { event, message: `${event} p1`, network: { action, fault } },
    });
    const entries = [
      ...timeline.slice(0, verified - 6),
      note("fault.partition", at(verified - 6), "apply"),
      ...timeline.slice(verified - 6, verified - 1),
      note("fault.heal", at(verified - 1), "heal"),
      ...timeline.slice(verified - 1),
    ];
    const scenario = JSON.parse(readFileSync(join(FIXTURES, "chain-join", "scenario.json"), "utf8"));
    const path = join(scratch, "partition.html");
    writeFileSync(path, renderReport(buildReportModel({ scenario, entries })));
    const report = await openReport(path);
    try {
      await revealMark(report.page, "text.net-label");
      assert.equal(
        await report.page.textContent("text.net-label"),
        "partition {node1, node2} | {node3, node4}",
      );
      for (const [node, group] of [
        ["node1", 0],
        ["node2", 0],
        ["node3", 1],
        ["node4", 1],
      ] as const)
        assert.equal(
          await report.page.locator(`rect.net-partition.net-group-${group}[data-node="${node}"]`).count(),
          1,
          node,
        );
      assert.deepEqual(report.errors, []);
    } finally {
      await report.close();
    }
  });

  it("takes timeline entries after load: a fifth node joins node2 and is drawn; the marks drawn stay", async () => {
    const report = await openReport(writeReport("chain-join", { verdict: true, checks: [] }));
    try {
      const timeline = fixtureTimeline("chain-join");
      const t = timeline.at(-1)!.t + 1000;
      const line = (
        node: string,
        nodeId: number,
        seq: number,
        dt: number,
        event: string,
        fields: object,
      ) => ({
        kind: "event" as const,
        node,
        t: t + dt,
        line: {
          time: new Date((t + dt) / 1000).toISOString(),
          level: "info",
          seq,
          nodeId,
          event,
          message: event,
          ...fields,
        },
      });
      const node2 = timeline.find((e) => e.kind === "event" && e.node === "node2")!;
      const node2Id = (node2 as Extract<ReportEntry, { kind: "event" }>).line.nodeId;
      const entries: ReportEntry[] = [
        line("node5", 555, 1, 0, "node.started", { port: 8005, advertise: "node5", clusterip: "node2:8002" }),
        line("node5", 555, 2, 100, "join.request.sent", { peer: "node2:8002" }),
        line("node2", node2Id, 900, 200, "join.request.received", { peer: "node5:8005", peerId: 555 }),
        line("node2", node2Id, 901, 300, "join.response.sent", {
          peer: "node5:8005",
          peerId: 555,
          role: "member",
        }),
        line("node5", 555, 3, 400, "join.response.received", { peer: "node2:8002", peerId: node2Id }),
      ];
      // Marks on screen are tagged: a batch that does not change them must leave the same elements.
      const tagged = await report.page.evaluate(() => {
        const dots = [...document.querySelectorAll<SVGElement>("svg.marks circle.ev")];
        for (const dot of dots) dot.dataset.kept = "yes";
        return dots.length;
      });
      assert.ok(tagged > 10, `${tagged} dots drawn before the batch`);
      await report.page.evaluate(
        (e) =>
          (window as unknown as { joinlabReport: { append(x: unknown[]): void } }).joinlabReport.append(e),
        entries,
      );
      await report.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      assert.equal(await report.page.locator(".lane-head").count(), 5);
      assert.equal(
        await report.page.locator('svg.marks circle.ev[data-kept="yes"]').count(),
        tagged,
        "every dot drawn before the batch is still the same element",
      );
      const lane5 = await report.page.$eval(
        `.lane-head:has(b:text-is("node5"))`,
        (el) => (el as HTMLElement).dataset.lane,
      );
      await report.page.locator("#diagram").evaluate((el) => (el.scrollTop = el.scrollHeight));
      await report.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      const drawn = report.page.locator(`g.handshake.answered[data-joiner="${lane5}"]`);
      assert.equal(
        await drawn.getAttribute("data-responder"),
        await report.page.$eval(
          `.lane-head:has(b:text-is("node2"))`,
          (el) => (el as HTMLElement).dataset.lane ?? "",
        ),
      );
      assert.match(
        await report.page.innerText(".log-controls"),
        new RegExp(`${timeline.length + entries.length} of ${timeline.length + entries.length} entries`),
      );
      assert.deepEqual(report.errors, []);
    } finally {
      await report.close();
    }
  });

  it("new checks redraw the checks and the verdict only; a batch leaves the parts it does not change alone", async () => {
    const report = await openReport(writeReport("chain-join", { verdict: true, checks: [] }));
    try {
      // A mark on parts a person may be using: they must be the same elements afterwards.
      const mark = () =>
        report.page.evaluate(() => {
          for (const s of ["#nodes", ".lane-head", "#view-matrix table", ".node-filter label"])
            (document.querySelector(s) as HTMLElement).dataset.kept = "yes";
        });
      const kept = () =>
        report.page.evaluate(() =>
          ["#nodes", ".lane-head", "#view-matrix table", ".node-filter label"].filter(
            (s) => (document.querySelector(s) as HTMLElement | null)?.dataset.kept === "yes",
          ),
        );
      const setChecks = (checks: object[], verdict: boolean) =>
        report.page.evaluate(
          ([c, v]) =>
            (
              window as unknown as { joinlabReport: { setChecks(c: unknown, v: unknown): void } }
            ).joinlabReport.setChecks(c, v),
          [checks, verdict] as const,
        );
      // The first update writes every section once (the page knows them from then on).
      await setChecks([], true);
      await mark();
      const error = "node4: expected to join through node2:8002; it logged nothing after node.ready";
      await setChecks(
        [{ name: "joined", valid: false, summary: "2/3 expected members joined", errors: [error] }],
        false,
      );
      assert.equal(await report.page.innerText("header.verdict .badge"), "INVALID");
      assert.match(await report.page.innerText("#checks"), /2\/3 expected members joined/);
      assert.deepEqual(
        await kept(),
        ["#nodes", ".lane-head", "#view-matrix table", ".node-filter label"],
        "the diagram, the view and the log are not redrawn for checks",
      );

      const t = fixtureTimeline("chain-join").at(-1)!.t + 1000;
      await report.page.evaluate(
        (entry) =>
          (window as unknown as { joinlabReport: { append(x: unknown[]): void } }).joinlabReport.append([
            entry,
          ]),
        { kind: "raw", node: "node2", t, stream: "stdout", text: "a line that is no event" },
      );
      await report.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      assert.match(await report.page.innerText(".log-controls"), /entries/);
      assert.deepEqual(
        await kept(),
        ["#nodes", ".lane-head", "#view-matrix table", ".node-filter label"],
        "the same nodes: their table, their lane heads, the view and the log's node boxes stay",
      );
      assert.deepEqual(report.errors, []);
    } finally {
      await report.close();
    }
  });
  it("views off screen catch up when shown: the log's count stays current, its rows, the chart and the matrix show the new node once scrolled to", async () => {
    // A short window: the membership view and the log are below the fold.
    const report = await openReport(writeReport("chain-join", { verdict: true, checks: [] }), {
      width: 1400,
      height: 500,
    });
    try {
      const page = report.page;
      const frames = () =>
        page.evaluate(
          () =>
            new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))),
        );
      await page.evaluate(() => window.scrollTo(0, 0));
      await frames();
      const timeline = fixtureTimeline("chain-join");
      const t = timeline.at(-1)!.t + 1000;
      const line = (seq: number, dt: number, event: string, fields: object) => ({
        kind: "event" as const,
        node: "node5",
        t: t + dt,
        line: {
          time: new Date((t + dt) / 1000).toISOString(),
          level: "info",
          seq,
          nodeId: 555,
          event,
          message: `${event} of node5`,
          ...fields,
        },
      });
      // A filter a person set: the new entries are filtered as they come.
      await page.fill("#log-pattern", "join.*");
      const before = await page.innerText(".log-controls");
      const [shown, total] = /(\d+) of (\d+) entries/.exec(before)!.slice(1).map(Number) as [number, number];
      await page.evaluate(() => window.scrollTo(0, 0));
      await frames();
      const entries = [
        line(1, 0, "node.started", { port: 8005, advertise: "node5", clusterip: "node2:8002" }),
        line(2, 100, "join.request.sent", { peer: "node2:8002" }),
        line(3, 400, "join.response.received", { peer: "node2:8002", peerId: 1 }),
      ];
      for (const e of entries) {
        await page.evaluate(
          (x) =>
            (window as unknown as { joinlabReport: { append(x: unknown[]): void } }).joinlabReport.append([
              x,
            ]),
          e,
        );
        await frames();
      }
      assert.match(
        await page.innerText(".log-controls"),
        new RegExp(`${shown + 2} of ${total + 3} entries`),
        "the count is current while the log is off screen",
      );

      await page.locator("#membership-view").scrollIntoViewIfNeeded();
      await frames();
      const matrixRows = await page.$$eval("#view-matrix tbody tr th", (ths) =>
        ths.map((th) => th.textContent),
      );
      assert.ok(matrixRows.includes("node5"), `the matrix shows node5 once shown (${matrixRows.join(", ")})`);
      assert.equal(
        await page.getAttribute("#scrubber", "max"),
        String(total + 3 - 1),
        "the scrubber spans the new entries",
      );

      await page.locator("#log-list").evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.locator("#log-list").scrollIntoViewIfNeeded();
      await frames();
      const rows = await page.$$eval(".log-line", (r) => r.map((x) => x.textContent ?? ""));
      assert.match(
        rows.at(-1) ?? "",
        /join\.response\.received of node5/,
        "the newest matching line is drawn",
      );
      assert.ok(
        rows.every((r) => /\bjoin\./.test(r)),
        `only lines that match the filter are drawn (${rows.filter((r) => !/\bjoin\./.test(r)).join(" | ")})`,
      );
      assert.deepEqual(report.errors, []);
    } finally {
      await report.close();
    }
  });
});
