// The network-fault mechanism on the real engine: helpers in the nodes' namespaces drop exactly the
// traffic a fault names — TCP connects and UDP datagrams between containers on a run's own
// network — healing removes exactly that fault's rules, the nodes keep Docker's default
// capabilities, and nothing is left behind.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Dockerode from "dockerode";
import winston from "winston";
import { requireEngine } from "./docker-support.js";
import { NODE_IMAGE_TAG } from "../src/image/node-image.js";
import { ensureHelperImage } from "../src/netfaults/helper-image.js";
import {
  HELPER_ROLE,
  HELPER_ROLE_LABEL,
  HelperUnavailable,
  NetHelper,
  STANDALONE,
} from "../src/netfaults/net-helper.js";
import { netemMissing } from "../src/netfaults/netem-probe.js";
import { NetworkFaults } from "../src/netfaults/network-faults.js";
import type { NetworkFault } from "../src/netfaults/network-fault.js";
import { makeRunId } from "../src/results/run-id.js";
import { DockerClient, OWNER_LABEL, RUN_LABEL, SCENARIO_LABEL } from "../src/runtime/docker-client.js";
import { ownerTag } from "../src/runtime/docker-runtime.js";

// Each node serves TCP on 9000 and appends every UDP datagram it receives on 9001 to a file.
const PEER_PROGRAM = `
const fs = require("fs");
require("net").createServer((s) => s.end("hi")).listen(9000);
const udp = require("dgram").createSocket("udp4");
udp.on("message", (m) => fs.appendFileSync("/tmp/udp.log", m + "\\n"));
udp.bind(9001);`;

const NODES = ["n1", "n2", "n3", "n4"];

describe("network faults in real containers", () => {
  const docker = new Dockerode();
  const client = new DockerClient(docker, winston.createLogger({ silent: true }));
  const runId = makeRunId();
  const network = `jl-${runId}`;
  const labels = { [RUN_LABEL]: runId, [SCENARIO_LABEL]: "netfaults-test", [OWNER_LABEL]: ownerTag() };
  const containers = new Map<string, string>();
  let faults: NetworkFaults;
  let networkId: string | undefined;
  let image: string;

  const exec = async (node: string, script: string) => {
    const r = await client.exec(containers.get(node)!, node, ["node", "-e", script]);
    return { ok: r.exitCode === 0, out: r.stdout.trim() };
  };
  /** True when `from` completes a TCP connect to `to` within 600 ms. */
  const connects = async (from: string, to: string) =>
    (
      await exec(
        from,
        `const s = require("net").connect(9000, "${to}"); s.setTimeout(600, () => process.exit(1));` +
          `s.on("data", () => process.exit(0)); s.on("error", () => process.exit(2));`,
      )
    ).ok;
  /** Sends `count` datagrams tagged `tag` from `from` to `to`, then waits a moment for them to land. */
  const sendUdp = async (from: string, to: string, tag: string, count = 5) => {
    await exec(
      from,
      `const u = require("dgram").createSocket("udp4"); let n = 0;` +
        `const next = () => n++ < ${count} ? u.send("${tag}", 9001, "${to}", () => setTimeout(next, 2)) : setTimeout(() => u.close(), 200); next();`,
    );
  };
  const received = async (at: string, tag: string) => {
    const r = await exec(
      at,
      `const fs = require("fs"); const t = fs.existsSync("/tmp/udp.log") ? fs.readFileSync("/tmp/udp.log", "utf8") : "";` +
        `console.log(t.split("\\n").filter((l) => l === "${tag}").length);`,
    );
    return Number(r.out);
  };
  const rulesOf = async (node: string, table = "filter") => {
    const helper = await NetHelper.start(client, image, labels, {
      node,
      containerId: containers.get(node)!,
      containerName: `jl-${runId}-${node}-inspect`,
    });
    try {
      return await helper.run(["iptables-nft", "-t", table, "-S"]);
    } finally {
      await helper.remove();
    }
  };

  before(async () => {
    await requireEngine(docker);
    image = await ensureHelperImage(docker, { log: () => {}, pull: false });
    networkId = await client.createNetwork(network, labels);
    await Promise.all(
      NODES.map(async (node) => {
        const name = `jl-${runId}-${node}`;
        const id = await client.createContainer({
          name,
          Image: NODE_IMAGE_TAG,
          Entrypoint: ["node", "-e", PEER_PROGRAM],
          Labels: labels,
          Healthcheck: { Test: ["NONE"] },
          HostConfig: { NetworkMode: network },
          NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [node] } } },
        });
        await client.startContainer(id, name);
        containers.set(node, id);
      }),
    );
    faults = new NetworkFaults({
      client,
      image,
      runId,
      labels,
      networkName: network,
      targetOf: (node) => ({
        node,
        containerId: containers.get(node)!,
        containerName: `jl-${runId}-${node}`,
      }),
      logger: winston.createLogger({ silent: true }),
    });
    await faults.prepare(NODES);
  });

  after(async () => {
    await faults?.stop();
    for (const c of await client.listContainers(`${RUN_LABEL}=${runId}`))
      await client.removeContainer(c.id, c.name);
    if (networkId) await client.removeNetwork(networkId);
  });

  test("partition {n1, n2} | {n3, n4}: TCP and UDP flow inside each group, cross no boundary, and flow again after the heal", async (t) => {
    const natBefore = await rulesOf("n1", "nat");
    const fault: NetworkFault = {
      kind: "partition",
      label: "halves",
      groups: [
        ["n1", "n2"],
        ["n3", "n4"],
      ],
    };
    const applied = await faults.apply(fault);
    t.diagnostic(`partition of 4 nodes: every rule in place ${applied.inPlaceMs} ms after the call`);
    assert.deepEqual(applied.nodes.sort(), NODES);
    assert.equal(await connects("n1", "n2"), true, "n1 → n2 (same group)");
    assert.equal(await connects("n4", "n3"), true, "n4 → n3 (same group)");
    assert.equal(await connects("n1", "n3"), false, "n1 → n3 crosses the boundary");
    assert.equal(await connects("n4", "n2"), false, "n4 → n2 crosses the boundary");
    await sendUdp("n1", "n2", "p-inside");
    await sendUdp("n1", "n3", "p-across");
    await sendUdp("n4", "n1", "p-back");
    assert.equal(await received("n2", "p-inside"), 5);
    assert.equal(await received("n3", "p-across"), 0);
    assert.equal(await received("n1", "p-back"), 0);

    const healed = await faults.heal("halves");
    t.diagnostic(`heal of 4 nodes: every rule gone ${healed.inPlaceMs} ms after the call`);
    assert.equal(await connects("n1", "n3"), true, "n1 → n3 after the heal");
    await sendUdp("n1", "n3", "p-healed");
    assert.equal(await received("n3", "p-healed"), 5);
    assert.doesNotMatch(await rulesOf("n1"), /JLF-|joinlab/, "no rule of the fault is left");
    assert.equal(await rulesOf("n1", "nat"), natBefore, "Docker's own rules (its DNS) are untouched");
  });

  test("one-way: n1's packets to n2 are dropped, n2's to n1 still arrive", async () => {
    await faults.apply({ kind: "one-way", label: "deaf-n2", from: ["n1"], to: ["n2"] });
    await sendUdp("n1", "n2", "o-forward");
    await sendUdp("n2", "n1", "o-back");
    await sendUdp("n3", "n2", "o-other");
    assert.equal(await received("n2", "o-forward"), 0);
    assert.equal(await received("n1", "o-back"), 5);
    assert.equal(await received("n2", "o-other"), 5, "n3 is not named: its packets pass");
    await faults.heal("deaf-n2");
    await sendUdp("n1", "n2", "o-healed");
    assert.equal(await received("n2", "o-healed"), 5);
  });

  test("loss 0.5 at n2: about half of the inbound datagrams are dropped, none of n3's", async (t) => {
    await faults.apply({ kind: "loss", label: "lossy", nodes: ["n2"], rate: 0.5 });
    await sendUdp("n1", "n2", "l-lossy", 400);
    await sendUdp("n1", "n3", "l-clean", 50);
    const got = await received("n2", "l-lossy");
    t.diagnostic(`${got} of 400 datagrams arrived at 50 % loss`);
    // Binomial(400, 0.5): 200 ± 10; outside 120..280 is an 8-sigma event.
    assert.ok(got > 120 && got < 280, `expected about 200 of 400, got ${got}`);
    assert.equal(await received("n3", "l-clean"), 50);
    await faults.heal("lossy");
  });

  test("two faults in force at once: each heal removes only its own rules", async () => {
    await faults.apply({ kind: "partition", label: "a", groups: [["n1"], ["n2", "n3", "n4"]] });
    await faults.apply({
      kind: "partition",
      label: "b",
      groups: [
        ["n1", "n2"],
        ["n3", "n4"],
      ],
    });
    assert.equal(await connects("n2", "n3"), false, "b holds");
    await faults.heal("b");
    assert.equal(await connects("n2", "n3"), true, "b is gone");
    assert.equal(await connects("n2", "n1"), false, "a still holds after b's heal");
    assert.deepEqual(faults.inForce(), ["a"]);
    await faults.heal("a");
    assert.equal(await connects("n2", "n1"), true);
  });

  test("a restarted node gets a new helper in its new namespace; the old fault's heal skips it", async () => {
    await faults.apply({ kind: "partition", label: "before-restart", groups: [["n3"], ["n1", "n2", "n4"]] });
    const n3 = containers.get("n3")!;
    await client.killContainer(n3, "n3");
    await client.startContainer(n3, "n3");
    faults.renew("n3");
    const healed = await faults.heal("before-restart");
    assert.deepEqual(
      healed.skipped.map((s) => s.node),
      ["n3"],
    );
    assert.equal(await connects("n3", "n1"), true, "the rules went with the old namespace");
    await faults.apply({ kind: "partition", label: "after-restart", groups: [["n3"], ["n1", "n2", "n4"]] });
    assert.equal(await connects("n1", "n3"), false, "the new helper works in the new namespace");
    await faults.heal("after-restart");
    assert.equal(await connects("n1", "n3"), true);
  });

  test("the nodes keep Docker's default capabilities; only the helpers hold NET_ADMIN", async () => {
    for (const node of NODES) {
      const info = await client.inspectContainer(containers.get(node)!, node);
      assert.ok(!info?.HostConfig.CapAdd?.length, `${node} has no added capability`);
      assert.equal(info?.HostConfig.Privileged, false);
    }
    const helpers = (await client.listContainers(`${RUN_LABEL}=${runId}`)).filter(
      (c) => c.labels[HELPER_ROLE_LABEL] === HELPER_ROLE,
    );
    assert.equal(helpers.length, NODES.length, "one helper per node");
    for (const h of helpers) {
      const info = await client.inspectContainer(h.id, h.name);
      assert.deepEqual(info?.HostConfig.CapAdd, ["NET_ADMIN"]);
      assert.deepEqual(info?.HostConfig.CapDrop, ["ALL"]);
    }
  });

  test("a helper that cannot start says so and leaves nothing", async () => {
    const before = (await client.listContainers(`${RUN_LABEL}=${runId}`)).length;
    await assert.rejects(
      NetHelper.start(client, "joinlab/netfaults:no-such-tag", labels, STANDALONE),
      (err: Error) =>
        err instanceof HelperUnavailable && /could not create the network helper/.test(err.message),
    );
    assert.equal((await client.listContainers(`${RUN_LABEL}=${runId}`)).length, before);
  });

  test("the kernel's netem is probed, not assumed", async (t) => {
    const missing = await netemMissing(client, image, labels);
    t.diagnostic(missing ?? "this kernel has netem: latency faults are available");
    if (missing) assert.match(missing, /netem/);
  });

  test("stop removes every helper", async () => {
    await faults.stop();
    const left = (await client.listContainers(`${RUN_LABEL}=${runId}`)).filter(
      (c) => c.labels[HELPER_ROLE_LABEL] === HELPER_ROLE,
    );
    assert.deepEqual(
      left.map((c) => c.name),
      [],
    );
  });
});
