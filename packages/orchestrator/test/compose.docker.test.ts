// compose.yaml end to end on the real engine: four nodes healthy, each join handshake in the merged
// logs with the right source and destination, a prompt clean `docker stop`, labels on everything,
// and `down -v` leaving nothing behind. Uses `docker compose` when present, else `docker-compose`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import Docker from "dockerode";
import { requireEngine } from "./docker-support.js";
import { ensureNodeImage } from "../src/image/ensure-node-image.js";
import { REPO_ROOT } from "../src/image/node-image.js";

const exec = promisify(execFile);
const docker = new Docker();
const project = `joinlab-test-${randomBytes(4).toString("hex")}`;
const projectLabel = `com.docker.compose.project=${project}`;
const RUN_LABEL = "joinlab.run";
const HEALTHY_WITHIN_MS = 60_000;

/** The seed's topology as compose.yaml declares it: who joins through whom. */
const JOINS = [
  { joiner: "node2", dest: "node1", port: 8001 },
  { joiner: "node3", dest: "node1", port: 8001 },
  { joiner: "node4", dest: "node2", port: 8002 },
] as const;

interface LogLine {
  service: string;
  event: string;
  nodeId: number;
  peer?: string;
  peerId?: number;
  [field: string]: unknown;
}

let composeCommand: string[] | undefined;
async function compose(...args: string[]): Promise<string> {
  if (!composeCommand) {
    composeCommand = await exec("docker", ["compose", "version"], { timeout: 10_000 }).then(
      () => ["docker", "compose"],
      () => ["docker-compose"],
    );
  }
  const [file, ...pre] = composeCommand as [string, ...string[]];
  const { stdout } = await exec(file, [...pre, "-p", project, "-f", "compose.yaml", ...args], {
    cwd: REPO_ROOT,
    // JSON lines so the test can parse them; the README's default is text for people.
    env: { ...process.env, JOINLAB_LOG_FORMAT: "json" },
    timeout: 120_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}

/** Parses `compose logs --no-color`: "node1_1  | {...}" (v1) or "node1-1  | {...}" (v2). */
function parseComposeLogs(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split("\n")) {
    const match = /^\s*(node\d+)[-_]\d+\s+\|\s?(\{.*\})\s*$/.exec(raw);
    if (!match) continue;
    try {
      lines.push({ ...(JSON.parse(match[2]!) as Omit<LogLine, "service">), service: match[1]! } as LogLine);
    } catch {
      // Not one of the node's JSON lines (compose's own notices): not part of the story.
    }
  }
  return lines;
}

async function projectContainers() {
  return docker.listContainers({ all: true, filters: { label: [projectLabel] } });
}

async function waitForHealthy(count: number): Promise<void> {
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  let states: string[] = [];
  while (Date.now() < deadline) {
    const containers = await projectContainers();
    states = await Promise.all(
      containers.map(async (c) => {
        const info = await docker.getContainer(c.Id).inspect();
        return `${c.Labels["com.docker.compose.service"]}:${info.State.Health?.Status ?? info.State.Status}`;
      }),
    );
    if (states.length === count && states.every((s) => s.endsWith(":healthy"))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${count} healthy nodes not reached within ${HEALTHY_WITHIN_MS} ms; last seen: ${states.join(", ")}`,
  );
}

describe(`compose.yaml end to end (project ${project})`, () => {
  let upSeconds = 0;

  before(async () => {
    await requireEngine(docker);
    // Build (or reuse) the image first, so `up` starts containers and never builds.
    await ensureNodeImage(docker, { log: () => {} });
  });

  after(async () => {
    await compose("down", "-v", "--remove-orphans", "-t", "3").catch(() => undefined);
    // Belt and braces: whatever still carries this project's label goes.
    for (const c of await projectContainers().catch(() => [])) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    }
    const networks = await docker.listNetworks({ filters: { label: [projectLabel] } }).catch(() => []);
    for (const n of networks) {
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    }
  });

  test("up: all four nodes reach healthy", async (t) => {
    const started = performance.now();
    await compose("up", "-d", "--no-build");
    await waitForHealthy(4);
    upSeconds = (performance.now() - started) / 1000;
    t.diagnostic(`up -d to four healthy nodes: ${upSeconds.toFixed(2)} s`);
  });

  test("the merged logs hold each join handshake with the right source and destination", async () => {
    const lines = parseComposeLogs(await compose("logs", "--no-color"));
    const of = (service: string) => lines.filter((l) => l.service === service);
    const idOf = (service: string) => {
      const ready = of(service).find((l) => l.event === "node.ready");
      assert.ok(ready, `${service} logged no node.ready; its lines: ${JSON.stringify(of(service))}`);
      return ready.nodeId;
    };

    assert.ok(
      of("node1").some((l) => l.event === "master.started"),
      "node1 should start as master",
    );
    for (const { joiner, dest, port } of JOINS) {
      const sent = of(joiner).find((l) => l.event === "join.request.sent");
      assert.ok(sent, `${joiner} logged no join.request.sent`);
      assert.equal(sent.peer, `${dest}:${port}`, `${joiner} should dial ${dest}:${port}`);
      const joinerId = sent.nodeId;
      const destId = idOf(dest);

      const received = of(joiner).find((l) => l.event === "join.response.received");
      assert.ok(received, `${joiner} logged no join.response.received`);
      assert.equal(received.peerId, destId, `${joiner}'s response should come from ${dest} (${destId})`);
      assert.ok(
        of(joiner).some((l) => l.event === "node.joined"),
        `${joiner} should log node.joined`,
      );

      const request = of(dest).find((l) => l.event === "join.request.received" && l.peerId === joinerId);
      assert.ok(request, `${dest} should log join.request.received from ${joiner} (${joinerId})`);
      const response = of(dest).find((l) => l.event === "join.response.sent" && l.peerId === joinerId);
      assert.ok(response, `${dest} should log join.response.sent to ${joiner} (${joinerId})`);
    }

    // The chain join: node4's request reached node2 only, never the master.
    const node4Id = of("node4").find((l) => l.event === "join.request.sent")?.nodeId;
    assert.ok(
      !of("node1").some((l) => l.event === "join.request.received" && l.peerId === node4Id),
      "node1 should not receive node4's join request",
    );
  });

  test("everything the run created carries the joinlab.run label", async () => {
    const containers = await projectContainers();
    assert.equal(containers.length, 4);
    for (const c of containers) assert.ok(c.Labels[RUN_LABEL], `container ${c.Names[0]} lacks ${RUN_LABEL}`);
    const networks = await docker.listNetworks({ filters: { label: [projectLabel] } });
    assert.ok(networks.length >= 1, "the run should have created its network");
    for (const n of networks) assert.ok(n.Labels?.[RUN_LABEL], `network ${n.Name} lacks ${RUN_LABEL}`);
  });

  test("docker stop of a node returns promptly and the node logs a clean stop", async (t) => {
    const node3 = (await projectContainers()).find((c) => c.Labels["com.docker.compose.service"] === "node3");
    assert.ok(node3, "node3 container should exist");
    const started = performance.now();
    await docker.getContainer(node3.Id).stop({ t: 10 });
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`docker stop node3: ${(seconds * 1000).toFixed(0)} ms`);
    // Generous bound: a SIGTERM that is ignored would take the full 10 s grace period.
    assert.ok(seconds < 5, `docker stop took ${seconds.toFixed(2)} s`);

    const info = await docker.getContainer(node3.Id).inspect();
    assert.equal(info.State.ExitCode, 0, "node3 should exit 0 on SIGTERM");
    const events = parseComposeLogs(await compose("logs", "--no-color", "node3")).map((l) => l.event);
    assert.ok(events.includes("node.stopping"), `node3 should log node.stopping; got ${events.join(", ")}`);
    assert.ok(events.includes("node.stopped"), `node3 should log node.stopped; got ${events.join(", ")}`);
  });

  test("down -v leaves no container or network behind", async () => {
    await compose("down", "-v", "-t", "3");
    assert.deepEqual(
      (await projectContainers()).map((c) => c.Names[0]),
      [],
    );
    assert.deepEqual(
      (await docker.listNetworks({ filters: { label: [projectLabel] } })).map((n) => n.Name),
      [],
    );
    // Also by the project's sweep label, for anything with this project's name on it.
    const labelled = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
    assert.deepEqual(
      labelled.filter((c) => c.Names.some((n) => n.includes(project))).map((c) => c.Names[0]),
      [],
    );
    const networksByName = await docker.listNetworks({ filters: { name: [project] } });
    assert.deepEqual(
      networksByName.map((n) => n.Name),
      [],
    );
  });
});
