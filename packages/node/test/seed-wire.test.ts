// Byte compatibility with the seed's Go node, using the exact bytes recorded in seed-protocol.md.
import assert from "node:assert/strict";
import net from "node:net";
import { after, test } from "node:test";
import { LineDecoder } from "@joinlab/protocol";
import { NodeFleet, freePort } from "./support/node-process.js";
import { exchange } from "./support/raw-client.js";

const SEED_REQUEST =
  '{"source":{"nodeId":77066471,"nodeIpAddr":"127.0.0.1/8","Port":"8002"},"dest":{"nodeId":-1,"nodeIpAddr":"127.0.0.1","Port":"8001"},"message":"Hi nody.. 请添加我到集群.."}\n';
const SEED_RESPONSE =
  '{"source":{"nodeId":42825605,"nodeIpAddr":"127.0.0.1/8","Port":"8001"},"dest":{"nodeId":77066471,"nodeIpAddr":"127.0.0.1/8","Port":"8002"},"message":"Sure buddy.. too easy.."}\n';

const fleet = new NodeFleet();
const servers: net.Server[] = [];
after(() => {
  fleet.killAll();
  for (const server of servers) server.close();
});

type GoNodeInfo = { NodeId: number; NodeIpAddr: string; Port: string };

/**
 * Decodes like the seed's json.Decoder into AddToClusterMessage: keys match fields case-insensitively,
 * unknown keys are ignored, and a value of the wrong JSON type is an error.
 */
function goDecode(line: string): { Source: GoNodeInfo; Dest: GoNodeInfo; Message: string } {
  const value = JSON.parse(line) as Record<string, unknown>;
  const pick = (obj: Record<string, unknown>, name: string): unknown =>
    Object.entries(obj).findLast(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const info = (raw: unknown): GoNodeInfo => {
    const obj = raw as Record<string, unknown>;
    const [id, ip, port] = [pick(obj, "nodeId"), pick(obj, "nodeIpAddr"), pick(obj, "Port")];
    assert.ok(typeof id === "number" && Number.isInteger(id), "nodeId decodes into a Go int");
    assert.equal(typeof ip, "string", "nodeIpAddr decodes into a Go string");
    assert.equal(typeof port, "string", "Port decodes into a Go string");
    return { NodeId: id, NodeIpAddr: ip as string, Port: port as string };
  };
  const message = pick(value, "message");
  assert.equal(typeof message, "string");
  return { Source: info(pick(value, "source")), Dest: info(pick(value, "dest")), Message: message as string };
}

test("a seed joiner's exact request bytes get a response the seed decodes", async () => {
  const master = await fleet.master();
  const result = await exchange(master.port, [SEED_REQUEST]);
  assert.equal(result.ending, "closed", "the server closes after its response, like the seed");
  assert.ok(result.reply.endsWith("}\n"), "one JSON object then a newline, like json.Encoder");
  assert.equal(result.reply.indexOf("\n"), result.reply.length - 1, "exactly one line");
  const decoded = goDecode(result.reply);
  assert.equal(decoded.Message, "Sure buddy.. too easy..");
  assert.equal(decoded.Source.NodeId, master.node.lines[0]?.nodeId);
  assert.equal(decoded.Source.NodeIpAddr, "127.0.0.1");
  assert.equal(decoded.Source.Port, String(master.port));
  assert.deepEqual(
    decoded.Dest,
    { NodeId: 77066471, NodeIpAddr: "127.0.0.1/8", Port: "8002" },
    "dest echoes the joiner",
  );
  assert.ok(result.reply.startsWith('{"source":{"nodeId":'), "envelope keys first, in the seed's order");
  const received = await master.node.event("join.request.received");
  assert.equal(received.peerId, 77066471);
  assert.equal(received.peer, "127.0.0.1:8002", "the seed's CIDR text is reduced to a usable address");
  // No membership marker: a seed member, which speaks no UDP and so is never probed.
  const joined = await master.node.waitFor(
    (line) => line.event === "member.joined" && line.peerId === 77066471,
    "the seed joiner recorded as a member",
  );
  assert.equal(joined["seed"], true);
  assert.equal(joined["via"], "join");
});

test("input keys in any case are accepted, as by Go's decoder", async () => {
  const master = await fleet.master();
  const lower = SEED_REQUEST.replaceAll('"Port"', '"port"').replace('"source"', '"SOURCE"');
  const decoded = goDecode((await exchange(master.port, [lower])).reply);
  assert.equal(decoded.Dest.Port, "8002");
});

test("our joiner's request has the seed's exact shape, and it accepts the seed's exact response", async () => {
  const fakeSeedPort = await freePort();
  const requests: string[] = [];
  const fakeSeed = net.createServer((socket) => {
    const decoder = new LineDecoder();
    socket.on("data", (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind !== "line") continue;
        requests.push(event.bytes.toString("utf8"));
        socket.end(SEED_RESPONSE);
      }
    });
    socket.on("error", () => {});
  });
  servers.push(fakeSeed);
  await new Promise<void>((resolve) => fakeSeed.listen(fakeSeedPort, "127.0.0.1", resolve));

  const port = await freePort();
  const joiner = fleet.spawn([
    "--nodeId",
    "77066471",
    "--myport",
    String(port),
    "--clusterip",
    `127.0.0.1:${fakeSeedPort}`,
  ]);
  const received = await joiner.event("join.response.received");
  const seedShape =
    `{"source":{"nodeId":77066471,"nodeIpAddr":"127.0.0.1","Port":"${port}"},` +
    `"dest":{"nodeId":-1,"nodeIpAddr":"127.0.0.1","Port":"${fakeSeedPort}"},"message":"Hi nody.. 请添加我到集群.."`;
  assert.ok(
    requests[0]?.startsWith(seedShape),
    "byte for byte the seed's request, except a reachable address instead of CIDR text",
  );
  assert.match(
    requests[0]?.slice(seedShape.length) ?? "",
    /^,"membership":\{"gen":\d+\}\}$/,
    "then only joinlab's additive marker, which Go's decoder ignores",
  );
  goDecode(requests[0] ?? "");
  assert.equal(received.peerId, 42825605);
  assert.equal(received["responderAddress"], "127.0.0.1:8001");
  const ready = await joiner.event("node.ready");
  assert.equal(ready["role"], "member", "a seed responder says no role; joining it makes us a member");
  // No `members` in the response: the responder is recorded as a seed member and we degrade.
  const seedMaster = await joiner.waitFor(
    (line) => line.event === "member.joined" && line.peerId === 42825605,
    "the seed responder recorded as a member",
  );
  assert.equal(seedMaster["seed"], true);
  assert.equal(seedMaster["via"], "join-response");

  // A joinlab node joining through us gets the seed's plain handshake (no view) and degrades too:
  // neither of us may elect a master beside the seed's, whatever our ids.
  const chainPort = await freePort();
  const chain = fleet.spawn(["--myport", String(chainPort), "--clusterip", `127.0.0.1:${port}`]);
  const chainReady = await chain.event("node.ready");
  assert.equal(chainReady["role"], "member");
  const response = await chain.event("join.response.received");
  assert.equal(response["responderRole"], "member");
  const viaUs = await chain.waitFor(
    (line) => line.event === "member.joined" && line.peerId === received.nodeId,
    "our joiner recorded by the chain joiner",
  );
  assert.equal(viaUs["seed"], true, "no view in our response: the chain joiner degrades");
  await joiner.waitFor(
    (line) => line.event === "member.joined" && line.peerId === chainReady.nodeId,
    "the chain joiner recorded by our joiner",
  );
  // Long enough for an election (detection, then electionDelayMs) if one were going to happen.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const node of [joiner, chain]) {
    assert.ok(!node.lines.some((line) => line.event === "master.elected"), "no master beside the seed's");
    assert.ok(!node.lines.some((line) => line.event === "member.failed"), "nobody declared failed");
  }
});
