// After a stall, bytes that reached a socket before its deadline are read before the deadline is
// judged: the deadline of a join request, a join response or a probe never beats its answer.
import assert from "node:assert/strict";
import net from "node:net";
import { test } from "node:test";
import { IoFirstTimer } from "../src/io-first-timer.js";
import { InboundServer } from "../src/server/inbound-server.js";
import { NodeLogger } from "../src/log/node-logger.js";
import { freePort } from "../src/ports.js";
import { Writable } from "node:stream";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { joinRequest, nodeInfo } from "@joinlab/protocol";
import { requestJoin } from "../src/join/join-client.js";

/** Keeps the event loop busy, as a starved or paused process would be. */
function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

async function connectedPair(): Promise<{ a: net.Socket; b: net.Socket; close: () => void }> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const a = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  await new Promise((resolve) => a.once("connect", resolve));
  const b = await accepted;
  return { a, b, close: () => (a.destroy(), b.destroy(), server.close()) };
}

test("data that arrived during a stall is read before a deadline that fell due in it", async () => {
  for (const kind of ["plain setTimeout", "IoFirstTimer"] as const) {
    const { a, b, close } = await connectedPair();
    const order: string[] = [];
    b.on("data", () => order.push("data"));
    const onDue = () => order.push("deadline");
    if (kind === "IoFirstTimer") new IoFirstTimer(20, onDue);
    else setTimeout(onDue, 20);
    a.write("answer\n");
    stall(100); // the answer is in the socket buffer and the deadline is due when the loop resumes
    await new Promise((resolve) => setTimeout(resolve, 50));
    close();
    // The plain timer shows what the IoFirstTimer is for: it fires first.
    assert.deepEqual(order, kind === "IoFirstTimer" ? ["data", "deadline"] : ["deadline", "data"], kind);
  }
});

test("the server answers a request that arrived in time even if it was stalled past the deadline", async () => {
  const logger = new NodeLogger({
    format: "json",
    level: "error",
    stream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  const server = new InboundServer({
    maxConnections: 8,
    requestTimeoutMs: 30,
    maxLineBytes: 1024,
    logger,
    handleLine: () => ({ ok: true }),
  });
  const port = await freePort();
  await server.listen(port, "127.0.0.1");
  const client = net.connect(port, "127.0.0.1");
  try {
    await new Promise((resolve) => client.once("connect", resolve));
    await new Promise((resolve) => setTimeout(resolve, 10)); // accepted: its 30 ms deadline runs
    const reply = new Promise<string>((resolve) => client.once("data", (chunk) => resolve(chunk.toString())));
    // The request goes out, then the loop stalls before it could read it: when it resumes, the
    // deadline is due and the request is in the socket buffer.
    setImmediate(() => {
      client.write("hello\n");
      stall(100);
    });
    assert.equal((await reply).trim(), JSON.stringify({ ok: true }));
  } finally {
    client.destroy();
    await server.close(0);
  }
});

/**
 * A responder in another process (so it answers while this one is stalled): it answers one join
 * line and, once the answer is handed to the kernel, creates `marker`.
 */
async function responderProcess(marker: string): Promise<{ port: number; child: ChildProcess }> {
  const answer = JSON.stringify({
    source: { nodeId: 7, nodeIpAddr: "127.0.0.1", Port: "9" },
    dest: { nodeId: 8, nodeIpAddr: "127.0.0.1", Port: "10" },
    message: "ok",
  });
  const script = `
    const net = require("node:net"), fs = require("node:fs");
    const server = net.createServer((s) => s.once("data", () => s.write(${JSON.stringify(answer + "\n")}, () => fs.writeFileSync(${JSON.stringify(marker)}, "sent"))));
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (text: Buffer) => resolve(Number(text.toString().trim())));
    child.once("exit", () => reject(new Error("the responder exited")));
  });
  return { port, child };
}

/** Stalls until `marker` exists and at least `minMs` passed (bounded: a failure, not a hang). */
function stallUntil(marker: string, minMs: number): void {
  const start = Date.now();
  while (Date.now() - start < 10_000 && !(existsSync(marker) && Date.now() - start >= minMs)) {
    // spin: this process is starved while the other one answers
  }
}

const joinAttempt = (port: number, timeoutMs: number) => ({
  target: { host: "127.0.0.1", port },
  request: joinRequest(nodeInfo(8, "127.0.0.1", 10), "127.0.0.1", port),
  timeoutMs,
  maxLineBytes: 65_536,
});

test("the joiner reads a join response that arrived while it was stalled past its dial timeout", async (t) => {
  const marker = join(mkdtempSync(join(tmpdir(), "joinlab-stall-")), "answered");
  const { port, child } = await responderProcess(marker);
  t.after(() => child.kill());
  const outcome = await requestJoin({
    ...joinAttempt(port, 100),
    // The request goes out, then this process stalls past the 100 ms deadline while the answer lands.
    beforeWrite: () => setImmediate(() => stallUntil(marker, 300)),
  });
  assert.equal(outcome.ok, true, outcome.ok ? "" : outcome.reason);
});

test("a connection made during a stall still gets its answer: the spent deadline does not fire at once", async (t) => {
  const marker = join(mkdtempSync(join(tmpdir(), "joinlab-stall-")), "answered");
  const { port, child } = await responderProcess(marker);
  t.after(() => child.kill());
  const pending = requestJoin(joinAttempt(port, 100));
  // The connect completes in the kernel while this process is stalled past the whole deadline.
  stall(300);
  const outcome = await pending;
  assert.equal(outcome.ok, true, outcome.ok ? "" : outcome.reason);
});
