// joinlab-rogue against a keyed cluster of real node processes on loopback: everything it sends is
// refused and logged, nothing it claims reaches a view, and nothing comes back to it. (The Docker
// scenario rogue-peer runs the same program in a container of the run's network.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { ClusterAuth, Keyring, decodeKey } from "../src/auth/index.js";
import { NodeFleet, freePort, type NodeProcess } from "./support/node-process.js";

const ROGUE_BIN = fileURLToPath(new URL("../dist/rogue/rogue-main.js", import.meta.url));
const fleet = new NodeFleet();
after(() => fleet.killAll());

/** Frames signed with the cluster's key a minute before the nodes started: what a recording holds. */
function recordings(key: string, label: string, ids: number[]): string[] {
  const past = Date.now() - 60_000;
  const auth = new ClusterAuth({ keyring: new Keyring([decodeKey(key, "key")]), label, clock: () => past });
  const datagrams = ids.map((to) =>
    auth.sealDatagram(JSON.stringify({ type: "ping", from: ids[0], seq: 1 }), to),
  );
  const join = auth.sealRequest(
    JSON.stringify({
      source: { nodeId: 4242, nodeIpAddr: "127.0.0.1", Port: "9" },
      dest: { nodeId: -1, nodeIpAddr: "127.0.0.1", Port: "1" },
      message: "hi",
      membership: { gen: past },
    }),
  ).text;
  return [
    ...datagrams.map((d) => `datagram:${Buffer.from(d).toString("base64")}`),
    `join:${Buffer.from(join).toString("base64")}`,
  ];
}

function runRogue(
  args: string[],
): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ROGUE_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

test("a rogue without the key gets nothing in: every attack refused, logged, and without effect", async () => {
  const key = randomBytes(32).toString("base64");
  const common = ["--clusterKey", key, "--clusterLabel", "prod"];
  const master = await fleet.master([...common, "--nodeId", "1001"]);
  const nodes: { node: NodeProcess; id: number; port: number }[] = [{ ...master, id: 1001 }];
  for (const id of [1002, 1003]) {
    const port = await freePort();
    const node = fleet.spawn([
      "--myport",
      String(port),
      "--clusterip",
      `127.0.0.1:${master.port}`,
      "--nodeId",
      String(id),
      ...common,
    ]);
    await node.event("node.ready");
    nodes.push({ node, id, port });
  }
  const rogueId = 99_999_998;
  const rogue = await runRogue([
    "--name",
    "rogue",
    "--nodeId",
    String(rogueId),
    "--myport",
    String(await freePort()),
    "--advertise",
    "127.0.0.1",
    "--label",
    "prod",
    "--datagrams",
    "5000",
    "--rate",
    "5000",
    "--settleMs",
    "1000",
    ...nodes.flatMap(({ id, port }) => ["--member", `${id}@127.0.0.1:${port}`]),
    ...recordings(
      key,
      "prod",
      nodes.map((n) => n.id),
    ).flatMap((c) => ["--capture", c]),
  ]);
  assert.equal(rogue.code, 0, rogue.stderr);
  const report = rogue.lines.find((l) => l["event"] === "rogue.report");
  assert.ok(report, "the rogue reports");
  assert.equal(report["datagramsSent"], 5000);
  assert.equal(report["joinsAccepted"], 0, "no join got in");
  assert.equal(report["datagramsReceived"], 0, "no member answered it or probed it");
  const outcomes = new Set(rogue.lines.filter((l) => l["transport"] === "tcp").map((l) => l["outcome"]));
  assert.deepEqual([...outcomes].sort(), ["auth-failed", "auth-required", "wrong-label"]);

  const reasons = new Set<unknown>();
  for (const { node } of nodes) {
    for (const line of node.lines) {
      if (line.event === "auth.rejected") reasons.add(line["reason"]);
      assert.ok(!(line.event === "member.joined" && line.peerId === rogueId), "the rogue is in no view");
      // Every forged claim carries incarnation or epoch 1000: a line that shows one believed it.
      // (A suspicion by itself proves nothing: a loaded machine makes real ones.)
      assert.ok(line["inc"] !== 1000 && line["epoch"] !== 1000, `believed: ${line.event}: ${line.message}`);
      assert.ok(
        !(line.event === "master.elected" && line["change"] !== "initial"),
        "the master never changes",
      );
      assert.ok(line.event !== "member.left", "no forged leave is believed");
    }
  }
  for (const reason of ["unsigned", "unknown-key", "bad-mac", "stale", "wrong-label", "bad-frame"]) {
    assert.ok(reasons.has(reason), `some node logged auth.rejected ${reason}: ${[...reasons].join(", ")}`);
  }
});

test("the rogue refuses bad flags with exit 2", async () => {
  const result = await runRogue(["--member", "nonsense"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--member "nonsense": expected id@host:port/);
});
