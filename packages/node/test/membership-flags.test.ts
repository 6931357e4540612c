// The membership timing flags: taken when in range and consistent, refused with exit 2 and a message
// naming the flag, the value and the allowed range otherwise; listed in --help.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFlags } from "../src/cli/flags.js";

function refused(args: string[]): string {
  const parsed = parseFlags(args);
  assert.ok(parsed.kind === "exit" && parsed.exitCode === 2, `expected exit 2 for ${args.join(" ")}`);
  return parsed.output;
}

test("no timing flag leaves the engine's defaults; given ones reach the membership config", () => {
  const plain = parseFlags([]);
  assert.ok(plain.kind === "run" && plain.config.membership === undefined);
  const args = [
    "--probeInterval",
    "500",
    "--probeTimeout",
    "200",
    "--suspicionTimeout",
    "1000",
    "--gossipFanout",
    "4",
  ];
  const tuned = parseFlags(args);
  assert.ok(tuned.kind === "run", tuned.kind === "exit" ? tuned.output : "");
  const expected = { probeIntervalMs: 500, probeTimeoutMs: 200, suspicionMs: 1000, gossipFanout: 4 };
  assert.deepEqual(tuned.config.membership, expected);
});

test("a value out of range names the flag, the value and the range", () => {
  const out = refused(["--gossipFanout", "20"]);
  assert.match(out, /--gossipFanout 20 .*from 1 to 8/);
  assert.match(
    refused(["--probeInterval", "fast"]),
    /--probeInterval "fast" is not valid: .*from 20 to 60000/,
  );
  assert.match(refused(["--suspicionMaxMult", "0"]), /--suspicionMaxMult 0 .*from 1 to 20/);
});

test("a timeout not shorter than its period, or longer than the suspicion, is refused", () => {
  assert.match(refused(["--probeTimeout", "300"]), /--probeTimeout 300 .*less than --probeInterval/);
  const out = refused(["--probeInterval", "2000", "--probeTimeout", "500", "--suspicionTimeout", "400"]);
  assert.match(out, /--probeTimeout 500 .*at most --suspicionTimeout/);
  const longPeriod = parseFlags([
    "--probeInterval",
    "1000",
    "--probeTimeout",
    "300",
    "--suspicionTimeout",
    "600",
  ]);
  assert.ok(longPeriod.kind === "run", longPeriod.kind === "exit" ? longPeriod.output : "");
});

test("--help lists the timing flags with their ranges and defaults", () => {
  const parsed = parseFlags(["--help"]);
  assert.ok(parsed.kind === "exit" && parsed.exitCode === 0);
  for (const flag of [
    "--probeInterval",
    "--suspicionTimeout",
    "--gossipInterval",
    "--syncInterval",
    "--healInterval",
  ])
    assert.ok(parsed.output.includes(flag), flag);
  assert.match(parsed.output, /--gossipFanout .*1\.\.8, default 3/);
});
