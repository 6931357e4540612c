// What each network fault asks of each node's namespace, and the iptables-restore text that adds
// and removes exactly it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyScript, healScript, ruleTag, rulesFor } from "../src/netfaults/rule-set.js";
import { describeNetworkFault, nodesTouched } from "../src/netfaults/network-fault.js";

const ip = (node: string) => `10.0.0.${node.slice(4)}`;

describe("network-fault rule sets", () => {
  test("a partition drops, at every node, exactly the packets from the other groups", () => {
    const plan = rulesFor(
      { kind: "partition", label: "p", groups: [["node1", "node2"], ["node3"], ["node4", "node5"]] },
      ip,
    );
    assert.deepEqual(plan.get("node1")?.dropFrom, ["10.0.0.3", "10.0.0.4", "10.0.0.5"]);
    assert.deepEqual(plan.get("node3")?.dropFrom, ["10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.5"]);
    assert.deepEqual(plan.get("node5")?.dropFrom, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
    assert.equal(plan.size, 5);
  });

  test("a one-way cut changes only the receivers: the senders still hear them", () => {
    const fault = { kind: "one-way" as const, label: "o", from: ["node2", "node3"], to: ["node1"] };
    const plan = rulesFor(fault, ip);
    assert.deepEqual([...plan.keys()], ["node1"]);
    assert.deepEqual(plan.get("node1")?.dropFrom, ["10.0.0.2", "10.0.0.3"]);
    assert.deepEqual(nodesTouched(fault), ["node1"]);
  });

  test("loss drops a fraction of what arrives from the network, never loopback (Docker's DNS)", () => {
    const text = applyScript(
      ruleTag("run-1", 4, "lossy"),
      rulesFor({ kind: "loss", label: "l", nodes: ["node2"], rate: 0.2 }, ip).get("node2")!,
    );
    assert.match(text, /-A JLF-4 ! -i lo -m statistic --mode random --probability 0\.2 -j DROP/);
  });

  test("the heal deletes the tagged jump, then the fault's own chain, and nothing else", () => {
    const tag = ruleTag("20261124-161239-038-c600", 7, "split");
    const apply = applyScript(tag, { dropFrom: ["10.0.0.9"] });
    assert.equal(
      apply,
      [
        "*filter",
        ":JLF-7 - [0:0]",
        "-A JLF-7 -s 10.0.0.9/32 -j DROP",
        '-I INPUT 1 -m comment --comment "joinlab run=20261124-161239-038-c600 fault=split" -j JLF-7',
        "COMMIT",
        "",
      ].join("\n"),
    );
    const heal = healScript(tag);
    assert.match(
      heal,
      /^-D INPUT -m comment --comment "joinlab run=20261124-161239-038-c600 fault=split" -j JLF-7$/m,
    );
    assert.match(heal, /^-F JLF-7$/m);
    assert.match(heal, /^-X JLF-7$/m);
    assert.doesNotMatch(heal, /-F INPUT|-X INPUT|-P /, "never flushes a built-in chain or changes a policy");
  });

  test("tags fit iptables' limits whatever the label says", () => {
    const tag = ruleTag("r", 123456, 'a "quoted" label; -j ACCEPT');
    assert.ok(tag.chain.length <= 28);
    assert.doesNotMatch(tag.comment, /["; ]-j/);
    assert.match(tag.comment, /^joinlab run=r fault=a__quoted__label__-j_ACCEPT$/);
  });

  test("each fault reads as one line in the merged log", () => {
    assert.equal(
      describeNetworkFault({ kind: "partition", label: "p", groups: [["node1", "node2"], ["node3"]] }),
      "partition {node1, node2} | {node3}",
    );
    assert.equal(
      describeNetworkFault({ kind: "loss", label: "l", nodes: ["node1"], rate: 0.2 }),
      "loss: 20 % of inbound packets dropped at {node1}",
    );
  });
});
