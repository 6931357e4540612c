// stack.yaml on this machine's engine made a one-node swarm: `docker stack deploy` brings up the
// seed's four nodes with no start order, the joiners retrying until the member they join through
// answers, node4 joined through node2; `docker stack rm` leaves no service, container or network.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import Dockerode from "dockerode";
import { REPO, requireEngine } from "./docker-support.js";
import { oneNodeSwarm } from "./swarm-support.js";
import { ensureNodeImage } from "../src/image/ensure-node-image.js";

const exec = promisify(execFile);
const docker = new Dockerode();
const stack = `jltest-${randomBytes(3).toString("hex")}`;
const NAMESPACE = `com.docker.stack.namespace=${stack}`;
const READY_WITHIN_MS = 120_000;
const REMOVED_WITHIN_MS = 60_000;

interface Line {
  event: string;
  nodeId: number;
  peer?: string;
  peerId?: number;
}

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await exec("docker", args, {
    cwd: REPO,
    env: { ...process.env, JOINLAB_LOG_FORMAT: "json" },
    timeout: 60_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}

/** Every JSON line of a service's tasks, the failed attempts' included. */
async function serviceLines(node: string): Promise<Line[]> {
  const text = await cli("service", "logs", "--raw", `${stack}_${node}`).catch(() => "");
  return text.split("\n").flatMap((l) => {
    try {
      return l.startsWith("{") ? [JSON.parse(l) as Line] : [];
    } catch {
      return [];
    }
  });
}

async function leftovers(): Promise<string[]> {
  const filters = { label: [NAMESPACE] };
  const services = (await docker.listServices({ filters })) as { Spec?: { Name?: string } }[];
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [
    ...services.map((s) => `service ${s.Spec?.Name}`),
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
  ];
}

async function until<T>(what: string, withinMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe(`stack.yaml on a one-node swarm (stack ${stack})`, () => {
  let restore = () => {};

  before(async () => {
    await requireEngine(docker);
    await ensureNodeImage(docker, { log: () => {} });
    restore = oneNodeSwarm();
  });

  after(async () => {
    await cli("stack", "rm", stack).catch(() => "");
    await until("the stack removed", REMOVED_WITHIN_MS, async () =>
      (await leftovers()).length === 0 ? true : undefined,
    ).catch(() => undefined);
    restore();
  });

  it("docker stack deploy: four ready nodes, node4 joined through node2", async (t) => {
    await cli("stack", "deploy", "--resolve-image", "never", "-c", "stack.yaml", stack);
    const nodes = ["node1", "node2", "node3", "node4"];
    const lines = await until("four nodes ready", READY_WITHIN_MS, async () => {
      const all = await Promise.all(nodes.map(serviceLines));
      return all.every((l) => l.some((x) => x.event === "node.ready")) ? all : undefined;
    });
    const [node1, node2, , node4] = lines as [Line[], Line[], Line[], Line[]];
    t.diagnostic(
      `node4's failed attempts before its join: ${node4.filter((l) => l.event === "join.failed").length}`,
    );
    assert.ok(
      node1.some((l) => l.event === "master.started"),
      "node1 should start as master",
    );
    const joined = node4.find((l) => l.event === "node.joined");
    assert.ok(joined, `node4 should log node.joined; it logged ${node4.map((l) => l.event).join(", ")}`);
    assert.equal(joined.peer, "node2:8002", "node4 joins through node2");
    const node2Ids = new Set(node2.map((l) => l.nodeId));
    assert.ok(joined.peerId !== undefined && node2Ids.has(joined.peerId), "node2 answered node4's join");
    assert.ok(
      node2.some((l) => l.event === "join.request.received" && l.peerId === joined.nodeId),
      "node2 logged node4's join request",
    );
    assert.ok(
      !node1.some((l) => l.event === "join.request.received" && l.peerId === joined.nodeId),
      "node1 should not receive node4's join request",
    );
  });

  it("docker stack rm leaves no service, container or network", async () => {
    await cli("stack", "rm", stack);
    await until("nothing of the stack left", REMOVED_WITHIN_MS, async () =>
      (await leftovers()).length === 0 ? true : undefined,
    );
    assert.deepEqual(await leftovers(), []);
  });
});
