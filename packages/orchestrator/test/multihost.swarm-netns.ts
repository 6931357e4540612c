// The swarm runtime across three engines, each in a network namespace of its own on this machine,
// made one swarm by scripts/test-multihost.sh (which runs this file; not part of `npm test`):
// star-join is VALID with tasks on every engine, each engine's clock offset (made up through the
// JOINLAB_TEST_ENGINE_SKEW seam, since the engines share the machine's clock) is measured within
// its bound, the corrected timestamps order every cross-engine handshake by themselves while the
// raw ones would not, and nothing of the run is left on any engine.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import { cli, type CliRun } from "./docker-support.js";
import { swarmLeftovers } from "./swarm-support.js";
import { RecordBuilder, splitTimestamped } from "../src/logs/records.js";
import { MERGED_FILE, EVENTS_FILE, TRACE_FILE } from "../src/results/run-dir.js";
import { makeRunId } from "../src/results/run-id.js";
import { ENGINE_SKEW_ENV } from "../src/runtime/engine-skew.js";
import type { EngineClockReport } from "../src/runtime/types.js";

/** The made-up clock errors (ms): one engine ahead, one behind, the manager's true. */
const SKEWS_MS: Record<string, number> = { jlmh2: 250, jlmh3: -400 };
/**
 * How far a receive may be stamped before its send and still count as in order (ms): each engine
 * stamps a line when it reads it from the container's pipe, tens of ms late on a loaded machine.
 * Well below the skews, so that uncorrected timestamps fail.
 */
const STAMP_SLACK_MS = 100;

interface Results {
  verdict: unknown;
  timings: { totalMs: number; upAndVerifiedMs?: number };
  nodes: { name: string; host?: string }[];
  clocks?: { engines: EngineClockReport[]; boundMs?: number };
}

interface Stamp {
  node: string;
  t: number;
}

/** Each join request and response: where it was stamped sent and where received (µs, as written). */
function handshakes(dir: string): { what: string; sent: Stamp; received: Stamp }[] {
  const sent = new Map<string, Stamp[]>();
  const received = new Map<string, Stamp[]>();
  const add = (map: Map<string, Stamp[]>, key: string, stamp: Stamp) =>
    map.set(key, [...(map.get(key) ?? []), stamp]);
  const skip = new Set([MERGED_FILE, EVENTS_FILE, TRACE_FILE]);
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".log") && !skip.has(f))) {
    const node = basename(file, ".log");
    const builder = new RecordBuilder(node, "stdout");
    let joinerId: number | undefined;
    for (const text of readFileSync(join(dir, file), "utf8").split("\n")) {
      const parts = splitTimestamped(text);
      const line = parts && builder.fromText(parts.text, parts.t).line;
      if (!parts || !line) continue;
      const stamp = { node, t: parts.t };
      if (line.event === "join.request.sent") add(sent, `request ${(joinerId = line.nodeId)}`, stamp);
      if (line.event === "join.request.received") add(received, `request ${line.peerId}`, stamp);
      if (line.event === "join.response.sent") add(sent, `response ${line.nodeId}/${line.peerId}`, stamp);
      if (line.event === "join.response.received")
        add(received, `response ${line.peerId}/${joinerId ?? line.nodeId}`, stamp);
    }
  }
  return [...sent].flatMap(([what, s]) =>
    s.flatMap((one, i) => {
      const r = received.get(what)?.[i];
      return r ? [{ what, sent: one, received: r }] : [];
    }),
  );
}

/** `name=unix:///path,...` from the script. */
function enginesFromEnv(): { host: string; url: string }[] {
  const text = process.env.JOINLAB_MH_ENGINES ?? "";
  return text.split(",").map((pair) => {
    const [host = "", url = ""] = pair.split("=");
    return { host, url };
  });
}

describe("the swarm runtime across three engines in network namespaces", () => {
  const manager = process.env.JOINLAB_MH_MANAGER;
  const others = enginesFromEnv();
  const runId = makeRunId();
  let runsDir: string;
  let run: CliRun;
  let results: Results;

  before(async () => {
    assert.ok(
      manager?.startsWith("unix://") && others.every((e) => e.host && e.url.startsWith("unix://")),
      "JOINLAB_MH_MANAGER and JOINLAB_MH_ENGINES are unset or wrong: run this file through " +
        "`bash scripts/test-multihost.sh`, which makes the engines and the swarm",
    );
    process.env.DOCKER_HOST = manager;
    process.env[ENGINE_SKEW_ENV] = Object.entries(SKEWS_MS)
      .map(([host, ms]) => `${host}=${ms}`)
      .join(",");
    // Under the script's data directory, which its teardown removes even when this file is killed.
    runsDir = mkdtempSync(join(process.env.JOINLAB_MH_DATA ?? tmpdir(), "joinlab-multihost-"));
    const engines = others.flatMap((e) => ["--engine", `${e.host}=${e.url}`]);
    const args = ["run", "star-join", "--nodes", "6", "--runtime", "swarm", ...engines];
    run = await cli([...args, "--runsDir", runsDir, "--runId", runId, "--quiet"]);
    results = JSON.parse(readFileSync(join(runsDir, "star-join", runId, "results.json"), "utf8")) as Results;
  });

  after(async () => {
    await cli(["clean", "--run", runId]);
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("star-join with 6 nodes is VALID, with tasks on every engine", (t) => {
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /VALID: star-join, 6 node\(s\) on swarm/);
    assert.equal(results.verdict, true);
    const hosts = results.nodes.map((n) => `${n.name}@${n.host}`);
    t.diagnostic(`placement: ${hosts.join(" ")}`);
    const { totalMs, upAndVerifiedMs } = results.timings;
    t.diagnostic(`run: ${totalMs} ms in all, ${upAndVerifiedMs} ms from the first create until verified`);
    assert.deepEqual(new Set(results.nodes.map((n) => n.host)), new Set(["jlmh1", "jlmh2", "jlmh3"]));
  });

  it("measures each engine's offset (the made-up skew) within its bound, start and end", (t) => {
    const engines = results.clocks?.engines ?? [];
    assert.equal(engines.length, 3, JSON.stringify(results.clocks));
    for (const e of engines) {
      t.diagnostic(JSON.stringify(e));
      const truth = SKEWS_MS[e.host] ?? 0;
      assert.equal(e.testSkewMs, SKEWS_MS[e.host], `${e.host}: the seam's skew is reported`);
      // 0.001 ms: the report rounds to whole µs.
      assert.ok(Math.abs(e.startOffsetMs! - truth) <= e.startBoundMs! + 0.001, `${e.host} start`);
      assert.ok(Math.abs(e.endOffsetMs! - truth) <= e.endBoundMs! + 0.001, `${e.host} end`);
      assert.ok(e.boundMs! < STAMP_SLACK_MS, `${e.host}: bound ${e.boundMs} ms`);
    }
  });

  it("the corrected timestamps order every cross-engine handshake; the raw ones would not", (t) => {
    const hostOf = new Map(results.nodes.map((n) => [n.name, n.host ?? ""]));
    const offsetUs = new Map(
      (results.clocks?.engines ?? []).map((e) => [e.host, (e.startOffsetMs ?? 0) * 1000]),
    );
    const raw = (s: Stamp) => s.t + offsetUs.get(hostOf.get(s.node)!)!;
    const across = handshakes(join(runsDir, "star-join", runId)).filter(
      (h) => hostOf.get(h.sent.node) !== hostOf.get(h.received.node),
    );
    // star-join: 5 joiners, each a request and a response; node4 shares node1's engine.
    assert.equal(across.length, 8, JSON.stringify(across));
    const gapsMs = across.map((h) => (h.received.t - h.sent.t) / 1000);
    const rawGapsMs = across.map((h) => (raw(h.received) - raw(h.sent)) / 1000);
    t.diagnostic(`send→receive across engines, corrected: ${gapsMs.map((g) => g.toFixed(1)).join(" ")} ms`);
    t.diagnostic(`the same, raw: ${rawGapsMs.map((g) => g.toFixed(1)).join(" ")} ms`);
    assert.ok(
      gapsMs.every((g) => g >= -STAMP_SLACK_MS),
      `no receive stamped before its send: ${gapsMs}`,
    );
    assert.ok(
      rawGapsMs.some((g) => g < -STAMP_SLACK_MS),
      `the raw stamps put some receive first: ${rawGapsMs}`,
    );
  });

  it("leaves nothing of the run on any engine", async () => {
    const urls = [manager!, ...others.map((e) => e.url)];
    for (const url of urls) {
      const docker = new Dockerode({ socketPath: url.slice("unix://".length) });
      assert.deepEqual(await swarmLeftovers(docker, runId), [], url);
    }
  });
});
