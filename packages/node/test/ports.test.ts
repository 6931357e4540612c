// freePort hands out numbers a node can bind for TCP and UDP, outside the OS's ephemeral range, and
// never the same number to two processes at once.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import net from "node:net";
import { test } from "node:test";
import { promisify } from "node:util";
import { freePort, probePort } from "../src/ports.js";

const run = promisify(execFile);

test("freePort: free for TCP and UDP, below the ephemeral range, distinct", async () => {
  const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
    .trim()
    .split(/\s+/)
    .map(Number);
  const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
  assert.equal(new Set(ports).size, ports.length, "no number twice");
  for (const port of ports) {
    assert.ok(port < (low as number), `${port} is below the ephemeral range`);
    await probePort(port, undefined); // rejects if either protocol is taken
  }
});

test("freePort: two processes asking at the same time never get the same number", async () => {
  const script =
    'import { freePort } from "./packages/node/src/ports.ts";' +
    "const ps = []; for (let i = 0; i < 150; i++) ps.push(await freePort());" +
    "console.log(JSON.stringify(ps));";
  const child = run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
  const mine: number[] = [];
  for (let i = 0; i < 150; i++) mine.push(await freePort());
  const theirs = JSON.parse((await child).stdout) as number[];
  assert.equal(theirs.length, 150);
  const shared = theirs.filter((p) => mine.includes(p));
  assert.deepEqual(shared, [], "no number handed to both");
});

test("probePort: a number taken for UDP only is refused", async () => {
  const port = await freePort();
  const udp = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(port, "127.0.0.1", () => resolve()));
  try {
    await assert.rejects(probePort(port, "127.0.0.1"), { code: "EADDRINUSE" });
    assert.equal(await probePort(port, "127.0.0.1", { udp: false }), port, "TCP alone is free");
  } finally {
    udp.close();
  }
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const picked = await probePort(0, "127.0.0.1");
  assert.notEqual(picked, (server.address() as net.AddressInfo).port);
  server.close();
});
