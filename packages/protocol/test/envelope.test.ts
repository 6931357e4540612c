// Outgoing messages: the seed's key order and types, byte for byte, with joinlab's fields strictly after.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeLine, joinRequest, joinResponse, nodeInfo } from "../src/index.js";

test("a join request encodes to the seed's bytes (with a reachable address instead of CIDR)", () => {
  const bytes = encodeLine(joinRequest(nodeInfo(77066471, "127.0.0.1/8", 8002), "127.0.0.1", "8001"));
  assert.equal(
    bytes,
    '{"source":{"nodeId":77066471,"nodeIpAddr":"127.0.0.1/8","Port":"8002"},"dest":{"nodeId":-1,"nodeIpAddr":"127.0.0.1","Port":"8001"},"message":"Hi nody.. 请添加我到集群.."}\n',
  );
});

test("joinlab's membership marker follows the seed's keys, so the seed's bytes are a prefix", () => {
  const seed = encodeLine(joinRequest(nodeInfo(77066471, "127.0.0.1", 8002), "127.0.0.1", "8001"));
  const ours = encodeLine(
    joinRequest(nodeInfo(77066471, "127.0.0.1", 8002), "127.0.0.1", "8001", { gen: 1764000000000 }),
  );
  assert.equal(ours, `${seed.slice(0, -2)},"membership":{"gen":1764000000000}}\n`);
});

test("a response starts with the seed's envelope, then role and assignedNodeId", () => {
  const response = joinResponse(
    nodeInfo(42825605, "10.0.0.2", "8001"),
    nodeInfo(77066471, "127.0.0.1/8", "8002"),
    "master",
    {
      assignedNodeId: 5,
    },
  );
  assert.equal(
    encodeLine(response),
    '{"source":{"nodeId":42825605,"nodeIpAddr":"10.0.0.2","Port":"8001"},"dest":{"nodeId":77066471,"nodeIpAddr":"127.0.0.1/8","Port":"8002"},"message":"Sure buddy.. too easy..","role":"master","assignedNodeId":5}\n',
  );
});

test("extension fields never override the envelope, in any key case", () => {
  const response = joinResponse(nodeInfo(1, "a", "1"), nodeInfo(2, "b", "2"), "member", {
    Source: "evil",
    MESSAGE: "evil",
    members: [1, 2],
    assignedNodeId: undefined,
  });
  assert.deepEqual(Object.keys(response), ["source", "dest", "message", "role", "members"]);
});
