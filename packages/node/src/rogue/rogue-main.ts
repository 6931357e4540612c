#!/usr/bin/env node
// joinlab-rogue: a peer without the cluster key that tries everything against a keyed cluster, for
// the rogue-peer scenario. It takes the node flags the orchestrator gives every program (its own
// port and address among them) and these of its own:
//   --member id@host:port   a real member (repeat); --label text   the cluster's label
//   --capture kind:base64   a recorded frame, kind datagram or join (repeat)
//   --datagrams N (100000)  --rate N a second (20000)  --settleMs ms (2000)
//   --linger                after the report, keep listening (and reporting) until SIGTERM
// Logs rogue.attack lines and a rogue.report, then exits 0; exit 2 for bad flags.
import { parseArgs } from "node:util";
import { NodeLogger } from "../log/node-logger.js";
import { randomNodeId } from "../node-id.js";
import type { RogueKit, Target } from "./attacks.js";
import { runRogue } from "./rogue.js";

const OPTIONS = {
  name: { type: "string" },
  myport: { type: "string", default: "8001" },
  clusterip: { type: "string" },
  advertise: { type: "string", default: "127.0.0.1" },
  logFormat: { type: "string", default: "json" },
  dialTimeout: { type: "string", default: "2000" },
  makeMasterOnError: { type: "boolean" },
  nodeId: { type: "string" },
  member: { type: "string", multiple: true },
  label: { type: "string", default: "" },
  capture: { type: "string", multiple: true },
  datagrams: { type: "string", default: "100000" },
  rate: { type: "string", default: "20000" },
  settleMs: { type: "string", default: "2000" },
  linger: { type: "boolean", default: false },
} as const;

class BadFlag extends Error {}

function count(flag: string, text: string, max: number): number {
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value > max)
    throw new BadFlag(`--${flag} "${text}": expected a whole number up to ${max}`);
  return value;
}

function member(text: string): Target {
  const match = /^([0-9]{1,8})@(.+):([0-9]{1,5})$/.exec(text);
  if (match === null) throw new BadFlag(`--member "${text}": expected id@host:port, such as 1001@node1:8001`);
  return { id: Number(match[1]), host: match[2] as string, port: Number(match[3]) };
}

function captured(text: string): RogueKit["captured"][number] {
  const match = /^(datagram|join):([A-Za-z0-9+/=]+)$/.exec(text);
  if (match === null) throw new BadFlag(`--capture: expected datagram:<base64> or join:<base64>`);
  return { kind: match[1] as "datagram" | "join", bytes: Buffer.from(match[2] as string, "base64") };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: OPTIONS, strict: true });
  const port = count("myport", values.myport, 65535);
  const self: Target = {
    id: values.nodeId ? count("nodeId", values.nodeId, 99_999_998) : randomNodeId(),
    host: values.advertise,
    port,
  };
  const targets = (values.member ?? []).map(member);
  if (targets.length === 0) throw new BadFlag("give the members to attack with --member id@host:port");
  const logger = new NodeLogger({
    format: values.logFormat === "text" ? "text" : "json",
    level: "info",
    ...(values.name ? { name: values.name } : {}),
  });
  logger.nodeId = self.id;
  // PID 1 in a container: SIGTERM needs a handler to end the linger (and the process) cleanly.
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort());
  process.once("SIGINT", () => stop.abort());
  await runRogue({
    kit: { targets, self, label: values.label, captured: (values.capture ?? []).map(captured) },
    bindPort: port,
    datagrams: count("datagrams", values.datagrams, 10_000_000),
    rate: Math.max(1, count("rate", values.rate, 1_000_000)),
    settleMs: count("settleMs", values.settleMs, 60_000),
    joinTimeoutMs: count("dialTimeout", values.dialTimeout, 600_000),
    say: (line) => logger.warn(line),
    ...(values.linger ? { lingerUntil: stop.signal } : {}),
  });
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
  await logger.flush();
}

main().catch((err: unknown) => {
  const bad = err instanceof BadFlag || (err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS");
  process.stderr.write(`joinlab-rogue: ${(err as Error).message}\n`);
  process.exitCode = bad ? 2 : 3;
});
