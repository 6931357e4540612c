// Flag parsing: the seed's spellings and defaults, container knobs, and exit-2 messages that quote the bad value.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFlags } from "../src/cli/flags.js";

function run(args: string[]) {
  const parsed = parseFlags(args);
  assert.equal(parsed.kind, "run", parsed.kind === "exit" ? parsed.output : "");
  return parsed.kind === "run" ? parsed : assert.fail();
}

function refused(args: string[]): string {
  const parsed = parseFlags(args);
  assert.ok(parsed.kind === "exit" && parsed.exitCode === 2, `expected exit 2 for ${args.join(" ")}`);
  return parsed.output;
}

test("defaults are the seed's, plus json logs at info", () => {
  const { config, log } = run([]);
  assert.equal(config.makeMasterOnError, false);
  assert.equal(config.clusterip, "127.0.0.1:8001");
  assert.equal(config.myport, 8001);
  assert.equal(config.dialTimeoutMs, 2000);
  assert.equal(config.maxLineBytes, 65536);
  assert.equal(config.nodeId, undefined);
  assert.ok(!config.advertise.includes("/"), "never CIDR text");
  assert.ok(!config.advertise.startsWith("127."), "never loopback by default");
  assert.deepEqual(log, { format: "json", level: "info", name: undefined });
});

test("the seed's Go-style single-dash flags work too", () => {
  const { config } = run(["-makeMasterOnError", "-myport", "8003", "-clusterip=127.0.0.1:8002"]);
  assert.equal(config.makeMasterOnError, true);
  assert.equal(config.myport, 8003);
  assert.equal(config.clusterip, "127.0.0.1:8002");
});

test("every knob parses", () => {
  const { config, log } = run([
    "--advertise=node1",
    "--nodeId=0",
    "--name=n1",
    "--logFormat=text",
    "--logLevel=debug",
    "--readyFile=/tmp/r",
    "--dialTimeout=50",
    "--requestTimeout=60",
    "--maxConnections=7",
    "--maxLineBytes=2048",
    "--clusterip=[::1]:8001",
  ]);
  assert.deepEqual(
    [config.advertise, config.nodeId, config.readyFile, config.dialTimeoutMs, config.requestTimeoutMs],
    ["node1", 0, "/tmp/r", 50, 60],
  );
  assert.deepEqual([config.maxConnections, config.maxLineBytes, config.clusterip], [7, 2048, "[::1]:8001"]);
  assert.deepEqual(log, { format: "text", level: "debug", name: "n1" });
});

test("a repeated flag takes the last value, as Go's flag package does", () => {
  assert.equal(run(["--myport", "1", "--myport", "2"]).config.myport, 2);
});

test("bad values exit 2 with the value quoted and a hint", () => {
  assert.match(refused(["--myport", "0"]), /--myport "0" is not valid: expected a TCP port/);
  assert.match(refused(["--myport", "-5"]), /myport/);
  assert.match(
    refused(["--clusterip", "127.0.0.1"]),
    /--clusterip "127\.0\.0\.1" is not valid: expected host:port/,
  );
  assert.match(refused(["--clusterip", "a:99999"]), /"a:99999"/);
  assert.match(refused(["--nodeId", "99999999"]), /--nodeId "99999999" .* from 0 to 99999998/);
  assert.match(
    refused(["--logLevel", "verbose"]),
    /--logLevel "verbose" is not valid: expected one of error, warn, info, debug/,
  );
  assert.match(refused(["--advertise", "127.0.0.1/8"]), /no \/prefix/);
  assert.match(refused(["--name", ""]), /--name ""/);
  assert.match(refused(["--maxLineBytes", "10"]), /from 1024/);
  assert.match(refused(["--what"]), /Unknown argument: what/);
  assert.match(refused(["stray"]), /Unknown argument: stray/);
});

test("--help explains every flag and exits 0", () => {
  const parsed = parseFlags(["--help"]);
  assert.ok(parsed.kind === "exit" && parsed.exitCode === 0);
  for (const flag of [
    "makeMasterOnError",
    "clusterip",
    "myport",
    "advertise",
    "nodeId",
    "name",
    "logFormat",
    "logLevel",
    "readyFile",
    "dialTimeout",
  ]) {
    assert.match(parsed.output, new RegExp(`--${flag}\\b`));
  }
});
