// Keyed and labelled clusters of real node processes on loopback: members join and see each other,
// everyone else is refused with a reason, and the key never shows in a log line or an error.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { NodeFleet, freePort, type NodeProcess } from "./support/node-process.js";
import { exchange } from "./support/raw-client.js";

const fleet = new NodeFleet();
const dir = mkdtempSync(join(tmpdir(), "joinlab-auth-"));
after(() => {
  fleet.killAll();
  rmSync(dir, { recursive: true, force: true });
});

const newKey = (): string => randomBytes(32).toString("base64");
const SEED_REQUEST =
  '{"source":{"nodeId":77066471,"nodeIpAddr":"127.0.0.1/8","Port":"8002"},"dest":{"nodeId":-1,"nodeIpAddr":"127.0.0.1","Port":"8001"},"message":"Hi nody.. 请添加我到集群.."}\n';

async function joiner(masterPort: number, extra: string[]): Promise<NodeProcess> {
  const port = await freePort();
  return fleet.spawn(["--myport", String(port), "--clusterip", `127.0.0.1:${masterPort}`, ...extra]);
}

function keyFile(key: string): string {
  const path = join(dir, `key-${randomBytes(4).toString("hex")}`);
  writeFileSync(path, `# first key signs\n${key}\n`);
  chmodSync(path, 0o600);
  return path;
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function countOf(node: NodeProcess, event: string): number {
  return node.lines.filter((l) => l.event === event).length;
}

function assertNoKey(node: NodeProcess, key: string): void {
  assert.ok(!node.stdout.includes(key) && !node.stderr.includes(key), "the key is never printed");
}

describe("a keyed cluster", () => {
  it("admits a member with the key and refuses a seed node, an unkeyed node and a wrong key", async () => {
    const key = newKey();
    const readyFile = join(dir, "master.ready");
    const master = await fleet.master(["--clusterKeyFile", keyFile(key), "--readyFile", readyFile]);
    const member = await joiner(master.port, ["--clusterKey", key]);
    assert.equal((await member.event("node.ready"))["role"], "member");
    await master.node.waitFor(
      (l) => l.event === "member.joined" && l.peerId === member.lines[0]?.nodeId,
      "member in view",
    );

    const seed = await exchange(master.port, [SEED_REQUEST]);
    const refusal = JSON.parse(seed.reply) as { type: string; code: string; text: string };
    assert.equal(refusal.code, "auth-required");
    assert.match(refusal.text, /requires a cluster key/);
    const logged = await master.node.waitFor(
      (l) => l.event === "auth.rejected" && l["reason"] === "unsigned",
      "seed refusal logged",
    );
    assert.equal(logged["transport"], "tcp");
    assert.match(String(logged.peer), /^127\.0\.0\.1:\d+$/, "the refused peer's address");

    const unkeyed = await joiner(master.port, []);
    assert.equal((await unkeyed.exit()).code, 1);
    assert.match(unkeyed.stderr, /auth-required/);

    const wrong = await joiner(master.port, ["--clusterKey", newKey(), "--makeMasterOnError"]);
    assert.equal(
      (await wrong.exit()).code,
      1,
      "a cluster is there: no second master, even with --makeMasterOnError",
    );
    assert.match(wrong.stderr, /auth-failed.*unknown-key/);
    await master.node.waitFor(
      (l) => l.event === "auth.rejected" && l["reason"] === "unknown-key",
      "wrong key logged",
    );

    // The counters are rewritten at most once a second: wait (bounded) for them to catch up.
    const counted = await until(() => {
      const ready = JSON.parse(readFileSync(readyFile, "utf8")) as {
        auth: { rejected: Record<string, number> };
      };
      const { unsigned = 0, "unknown-key": unknown = 0 } = ready.auth.rejected;
      return unsigned >= 2 && unknown >= 1 ? ready : undefined;
    }, "the ready file counts the refusals");
    assert.deepEqual(Object.keys(counted.auth).sort(), ["keyIds", "label", "rejected", "rejectedTotal"]);
    for (const node of [master.node, member, wrong]) assertNoKey(node, key);
    assert.ok(!readFileSync(readyFile, "utf8").includes(key));
  });

  it("ignores forged datagrams: no ghost, no suspicion, and the refusals are logged", async () => {
    const key = newKey();
    const master = await fleet.master(["--clusterKey", key]);
    const member = await joiner(master.port, ["--clusterKey", key]);
    await member.event("node.ready");
    const memberId = member.lines.find((l) => l.event === "node.ready")?.nodeId as number;
    const socket = dgram.createSocket("udp4");
    const forged = [
      {
        type: "update",
        from: 1234,
        updates: [
          {
            id: memberId,
            addr: "127.0.0.1",
            port: 9,
            role: "member",
            state: "failed",
            inc: 99,
            epoch: 0,
            gen: 0,
          },
        ],
      },
      {
        type: "update",
        from: 1234,
        updates: [
          { id: 1234, addr: "127.0.0.1", port: 9, role: "master", state: "alive", inc: 9, epoch: 99, gen: 0 },
        ],
      },
    ];
    for (const msg of forged) {
      await new Promise<void>((resolve) =>
        socket.send(JSON.stringify(msg), master.port, "127.0.0.1", () => resolve()),
      );
    }
    socket.close();
    await master.node.waitFor(
      (l) => l.event === "auth.rejected" && l["transport"] === "udp",
      "forged datagram refused",
    );
    await new Promise((r) => setTimeout(r, 500));
    const events = master.node.lines.map((l) => `${l.event}:${l.peerId}`);
    assert.ok(!events.includes("member.joined:1234"), "no ghost");
    // The forgeries carry incarnation and epoch 99: a line that shows either believed one. (A
    // suspicion by itself proves nothing: a loaded machine makes real ones.)
    const believed = master.node.lines.filter((l) => l["inc"] === 99 || l["epoch"] === 99);
    assert.deepEqual(believed, [], "no forged claim reached the view");
    assert.ok(!master.node.lines.some((l) => l.event === "master.elected" && l["change"] !== "initial"));
  });

  it("a keyed node told to join an unkeyed cluster says the other side did not authenticate", async () => {
    const master = await fleet.master([]);
    const keyed = await joiner(master.port, ["--clusterKey", newKey()]);
    assert.equal((await keyed.exit()).code, 1);
    assert.match(keyed.stderr, /did not authenticate/);
    const failed = await keyed.event("join.failed");
    assert.equal(failed["kind"], "unauthenticated");
    assert.ok(
      !master.node.lines.some((l) => l.event === "member.joined" && l["via"] === "join"),
      "not admitted",
    );
  });
});

describe("key rotation", () => {
  it("rotates a running cluster through its key file and SIGHUP, without a restart or a suspicion", async () => {
    const [a, b] = [newKey(), newKey()];
    const files = [keyFile(a), keyFile(a)];
    const master = await fleet.master(["--clusterKeyFile", files[0] as string]);
    const member = await joiner(master.port, ["--clusterKeyFile", files[1] as string]);
    await member.event("node.ready");
    const nodes = [master.node, member];
    let reloads = 0;
    for (const keys of [[a, b], [b, a], [b]]) {
      for (const file of files) writeFileSync(file, `${keys.join("\n")}\n`);
      reloads++;
      for (const node of nodes) {
        node.child.kill("SIGHUP");
        await node.waitFor(
          (l) => l.event === "auth.keyring" && countOf(node, "auth.keyring") >= reloads,
          `reload ${reloads}`,
        );
      }
    }
    const last = nodes.map((n) => n.lines.filter((l) => l.event === "auth.keyring").at(-1));
    for (const line of last) assert.equal(line?.["outcome"], "reloaded");
    const onlyB = await joiner(master.port, ["--clusterKey", b]);
    assert.equal((await onlyB.event("node.ready"))["role"], "member", "the new key alone is enough");
    const onlyA = await joiner(master.port, ["--clusterKey", a]);
    assert.equal((await onlyA.exit()).code, 1, "the retired key is refused");
    assert.match(onlyA.stderr, /unknown-key/);
    for (const node of nodes) {
      const refused = node.lines.filter((l) => l.event === "auth.rejected" && l["transport"] === "udp");
      assert.deepEqual(refused, [], "no datagram between the two was refused at any step");
    }
  });

  it("keeps the keys in use when the file turns out unusable at a reload", async () => {
    const file = keyFile(newKey());
    const master = await fleet.master(["--clusterKeyFile", file]);
    chmodSync(file, 0o644);
    master.node.child.kill("SIGHUP");
    const kept = await master.node.event("auth.keyring");
    assert.equal(kept["outcome"], "kept");
    assert.match(String(kept["reason"]), /can be read by every user/);
    assert.equal(kept["keyIds"], master.node.lines[0]?.["clusterKeyIds"]);
  });
});

describe("cluster labels", () => {
  it("keep two clusters apart: a node with another label, or none, is refused", async () => {
    const master = await fleet.master(["--clusterLabel", "blue"]);
    const same = await joiner(master.port, ["--clusterLabel", "blue"]);
    assert.equal((await same.event("node.ready"))["role"], "member");
    const other = await joiner(master.port, ["--clusterLabel", "green"]);
    assert.equal((await other.exit()).code, 1);
    assert.match(other.stderr, /wrong-label/);
    const reply = JSON.parse((await exchange(master.port, [SEED_REQUEST])).reply) as { code: string };
    assert.equal(reply.code, "wrong-label");
  });
});

describe("bad keys at start-up", () => {
  const cases: { name: string; args: () => string[]; env?: Record<string, string>; message: RegExp }[] = [
    {
      name: "too short",
      args: () => ["--clusterKey", randomBytes(8).toString("base64")],
      message: /too short: 8 bytes/,
    },
    { name: "not base64", args: () => ["--clusterKey", "not a key at all!"], message: /not base64/ },
    {
      name: "in the environment, not decodable",
      args: () => [],
      env: { JOINLAB_CLUSTER_KEY: "@@@@@@@@@@@@@@@@@@@@@@" },
      message: /JOINLAB_CLUSTER_KEY is not base64/,
    },
    {
      name: "a missing key file",
      args: () => ["--clusterKeyFile", join(dir, "nope")],
      message: /no such file/,
    },
    {
      name: "a world-readable key file",
      args: () => {
        const path = keyFile(newKey());
        chmodSync(path, 0o644);
        return ["--clusterKeyFile", path];
      },
      message: /can be read by every user .*chmod 600/,
    },
    {
      name: "a bad label",
      args: () => ["--clusterLabel", "two words"],
      message: /--clusterLabel "two words" is not valid/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with exit 2 and a message that does not echo the key`, async () => {
      const args = c.args();
      const port = await freePort();
      const node = fleet.spawn(["--myport", String(port), ...args], c.env);
      const exit = await node.exit();
      assert.equal(exit.code, 2, node.stderr);
      assert.match(node.stderr, c.message);
      const secret = args[1] ?? c.env?.["JOINLAB_CLUSTER_KEY"];
      if (secret !== undefined && !secret.includes("/") && secret !== "two words")
        assert.ok(!node.stderr.includes(secret));
    });
  }
});
