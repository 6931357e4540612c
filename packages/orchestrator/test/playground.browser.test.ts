// `joinlab playground` as a person uses it, in a real Chromium: the command (local processes)
// prints the page's URL; on the page a click on node2's "join here" adds a node through a member
// that is not the master, and its handshake is drawn to node2's lane; a click kills the master,
// and the page shows a new master elected and every live node on one view. Ctrl-C stops the
// playground: no node process is left, and the session is a run directory with its report.
// JOINLAB_PLAYGROUND_SCREENSHOT=<dir> saves the page as <dir>/playground.png (the README's).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import type { ClusterSummary } from "@joinlab/report";
import type { Page } from "playwright-core";
import { pidAlive } from "../src/shared/pid-alive.js";
import { liveStatus, openLivePage, waitFor } from "./support/live-page.js";

const CLI = join(import.meta.dirname, "..", "dist", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "joinlab-playground-browser-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Playground {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function startPlayground(): Playground {
  const child = spawn(
    process.execPath,
    [CLI, "playground", "--runtime", "process", "--runsDir", join(scratch, "runs")],
    { cwd: scratch, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** The node processes the playground started: its children (read from /proc). */
function childPids(parent: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(parent);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The page's cluster summary once every entry it received is on the page. */
async function settledCluster(page: Page): Promise<ClusterSummary | undefined> {
  const s = (await liveStatus(page)) as Awaited<ReturnType<typeof liveStatus>> & {
    pending: number;
    cluster: ClusterSummary;
  };
  return s.pending === 0 ? s.cluster : undefined;
}

async function laneOf(page: Page, node: string): Promise<string> {
  return page.$eval(`.lane-head:has(b:text-is("${node}"))`, (el) => (el as HTMLElement).dataset.lane ?? "");
}

interface ActionFigure {
  action: string;
  node: string;
  answeredMs?: number;
  shownMs?: number;
}

async function actionFigures(page: Page): Promise<ActionFigure[]> {
  return page.evaluate(
    () =>
      (window as unknown as { joinlabLive: { stats(): { actions: ActionFigure[] } } }).joinlabLive.stats()
        .actions,
  );
}

describe("playground in Chromium", () => {
  it("adds a node through node2 and kills the master from the page; Ctrl-C leaves no process and a report", async (t) => {
    const playground = startPlayground();
    const url = await waitFor(
      "the URL printed",
      async () => /live page: (http:\S+)/.exec(playground.output())?.[1],
    );
    const live = await openLivePage(url);
    const pids = new Set<number>();
    try {
      const { page } = live;
      await waitFor(
        "the cluster up, with its controls",
        async () => {
          for (const pid of childPids(playground.child.pid!)) pids.add(pid);
          return (await page.locator('tr[data-node="node2"] button[data-action="add"]').count())
            ? true
            : undefined;
        },
        60_000,
      );
      assert.equal(await page.getAttribute('tr[data-node="node2"]', "class"), "node-up", "node2 is a member");

      await page.click('tr[data-node="node2"] button[data-action="add"]');
      await waitFor(
        "node5 up on the page",
        async () =>
          (await settledCluster(page))?.nodes.find((n) => n.name === "node5")?.state === "up"
            ? true
            : undefined,
        30_000,
      );
      for (const pid of childPids(playground.child.pid!)) pids.add(pid);
      const node5 = await laneOf(page, "node5");
      const node2 = await laneOf(page, "node2");
      const handshake = `g.handshake.answered[data-joiner="${node5}"]`;
      await page.waitForSelector(handshake, { state: "attached", timeout: 10_000 });
      assert.equal(await page.getAttribute(handshake, "data-responder"), node2, "node5 joined through node2");

      await page.click('tr[data-node="node1"] button[data-action="kill"]');
      const after = await waitFor(
        "a new master and one view on the page",
        async () => {
          const c = await settledCluster(page);
          return c &&
            c.masters.ok &&
            c.converged.ok &&
            c.converged.live === 4 &&
            c.masters.names[0] !== "node1"
            ? c
            : undefined;
        },
        30_000,
      );
      assert.equal(after.nodes.find((n) => n.name === "node1")?.state, "killed");
      assert.match(await page.innerText("#answer-master"), new RegExp(`yes: ${after.masters.names[0]}`));
      assert.match(await page.innerText("#answer-converged"), /yes: the 4 live node\(s\) agree/);
      assert.equal(
        (await page
          .locator(`g.election[data-lane="${await laneOf(page, after.masters.names[0]!)}"]`)
          .count()) > 0,
        true,
        "the election is drawn",
      );

      // The checks run as evidence arrives (at most every half second): they agree with the panel.
      await waitFor("the page's checks all passing", () =>
        page.evaluate(() => {
          const checks = (
            window as unknown as { joinlabReport: { model(): { checks: { valid: unknown }[] } } }
          ).joinlabReport.model().checks;
          return checks.length > 0 && checks.every((c) => c.valid === true) ? true : undefined;
        }),
      );
      for (const f of await actionFigures(page))
        t.diagnostic(
          `${f.action} ${f.node}: clicked → applied ${f.answeredMs} ms, → shown on the page ${f.shownMs} ms`,
        );
      const dir = process.env.JOINLAB_PLAYGROUND_SCREENSHOT;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "playground.png"), await page.screenshot({ fullPage: false }));
      }
      assert.deepEqual(live.errors, [], "no page error");
    } finally {
      await live.close();
      playground.child.kill("SIGINT");
    }
    const code = await Promise.race([
      playground.exit,
      new Promise((r) => setTimeout(() => r("hung"), 30_000)),
    ]);
    assert.equal(code, 0, playground.output());
    assert.ok(pids.size >= 5, `the playground's node processes were seen (${pids.size})`);
    assert.deepEqual([...pids].filter(pidAlive), [], "no node process left");
    const report = /report:\s+(\S+)/.exec(playground.output())?.[1];
    assert.ok(report && existsSync(join(scratch, report)), `report.html written: ${playground.output()}`);
    const runDir = dirname(join(scratch, report));
    assert.match(runDir, /runs\/playground\/[^/]+$/);
    const results = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as {
      nodes: { name: string }[];
    };
    assert.deepEqual(
      results.nodes.map((n) => n.name),
      ["node1", "node2", "node3", "node4", "node5"],
    );
    assert.match(readFileSync(join(runDir, "merged.log"), "utf8"), /fault\.kill/);
  });
});
