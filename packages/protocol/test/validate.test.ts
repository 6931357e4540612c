// Validation of requests and responses: Go-like key matching, strict types, clear reasons.
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateJoinRequest, validateJoinResponse } from "../src/index.js";

const request = () => ({
  source: { nodeId: 77066471, nodeIpAddr: "127.0.0.1/8", Port: "8002" },
  dest: { nodeId: -1, nodeIpAddr: "127.0.0.1", Port: "8001" },
  message: "Hi nody.. 请添加我到集群..",
});

function reason(result: { ok: boolean; reason?: string }): string {
  assert.equal(result.ok, false);
  return result.reason ?? "";
}

test("the seed's request validates, and comes out with `Port` spelled as the seed spells it", () => {
  const result = validateJoinRequest(request());
  assert.ok(result.ok);
  assert.deepEqual(result.value, request());
});

test("keys match case-insensitively like Go's decoder; the last duplicate wins", () => {
  const result = validateJoinRequest({
    SOURCE: { NodeID: 5, nodeipaddr: "10.0.0.2", port: "1", PORT: "8002" },
    Dest: { nodeId: -1, nodeIpAddr: "x", Port: "8001" },
    Message: "hi",
  });
  assert.ok(result.ok);
  assert.deepEqual(result.value.source, { nodeId: 5, nodeIpAddr: "10.0.0.2", Port: "8002" });
});

test("unknown keys are ignored (additive fields)", () => {
  assert.ok(validateJoinRequest({ ...request(), role: "x", future: { a: 1 } }).ok);
});

test("wrong types and missing fields are refused with a reason naming the field", () => {
  const cases: [unknown, RegExp][] = [
    [[], /the message to be a JSON object, got an array/],
    [null, /got null/],
    [{ ...request(), source: undefined }, /source to be a JSON object, got nothing \(the field is missing\)/],
    [{ ...request(), message: 7 }, /message to be a string, got number 7/],
    [
      { ...request(), source: { ...request().source, Port: 8002 } },
      /source\.Port to be a port number as a JSON string/,
    ],
    [
      { ...request(), source: { ...request().source, Port: "0" } },
      /source\.Port to be a decimal port from 1 to 65535/,
    ],
    [{ ...request(), source: { ...request().source, nodeId: "1" } }, /source\.nodeId to be an integer/],
    [{ ...request(), source: { ...request().source, nodeId: 1.5 } }, /source\.nodeId to be an integer/],
    [
      { ...request(), source: { ...request().source, nodeId: -1 } },
      /source\.nodeId to be between 0 and 99999998/,
    ],
    [
      { ...request(), source: { ...request().source, nodeIpAddr: "x".repeat(300) } },
      /at most 255 characters/,
    ],
    [{ ...request(), dest: { ...request().dest, nodeId: -2 } }, /dest\.nodeId to be between -1/],
  ];
  for (const [value, expected] of cases) assert.match(reason(validateJoinRequest(value)), expected);
});

test("the optional membership marker: absent or null means a seed joiner; garbled is refused", () => {
  const plain = validateJoinRequest(request());
  assert.ok(plain.ok && plain.value.membership === undefined);
  const nulled = validateJoinRequest({ ...request(), membership: null });
  assert.ok(nulled.ok && nulled.value.membership === undefined);
  const marked = validateJoinRequest({ ...request(), Membership: { GEN: 1764000000000, later: true } });
  assert.ok(marked.ok);
  assert.deepEqual(marked.value.membership, { gen: 1764000000000 }, "keys in any case; unknown ones dropped");
  const cases: [unknown, RegExp][] = [
    [5, /membership to be a JSON object, got number 5/],
    [[], /membership to be a JSON object, got an array/],
    [{}, /membership\.gen to be a non-negative integer \(ms\), got nothing/],
    [{ gen: "1764000000000" }, /membership\.gen .* got string/],
    [{ gen: -1 }, /membership\.gen .* got number -1/],
    [{ gen: 1.5 }, /membership\.gen .* got number 1\.5/],
  ];
  for (const [membership, expected] of cases) {
    assert.match(reason(validateJoinRequest({ ...request(), membership })), expected);
  }
});

test("a response may carry role and assignedNodeId; both are type-checked", () => {
  const response = { ...request(), role: "master", assignedNodeId: 12 };
  const ok = validateJoinResponse(response);
  assert.ok(ok.ok && ok.value.kind === "response");
  assert.equal(ok.value.response.role, "master");
  assert.equal(ok.value.response.assignedNodeId, 12);
  const extended = validateJoinResponse({ ...response, members: [{ nodeId: 3 }] });
  assert.ok(extended.ok && extended.value.kind === "response");
  assert.deepEqual(extended.value.response["members"], [{ nodeId: 3 }], "additive fields pass through");
  assert.match(
    reason(validateJoinResponse({ ...response, role: "boss" })),
    /role to be "master" or "member"/,
  );
  assert.match(
    reason(validateJoinResponse({ ...response, assignedNodeId: -1 })),
    /assignedNodeId to be between 0/,
  );
});

test("an error reply is recognised as such", () => {
  const result = validateJoinResponse({ type: "error", code: "too-many-connections", text: "busy" });
  assert.ok(result.ok && result.value.kind === "error");
  assert.equal(result.value.error.code, "too-many-connections");
  assert.match(reason(validateJoinResponse({ type: "error", code: "nope", text: "" })), /unknown code/);
});
