// Runs the attacks of attacks.ts against a cluster and reports what came back. The rogue listens
// on its own UDP port: any datagram a member sends it means a member believed something it said
// (an ack to a forged ping, a probe of a forged member), and any join answered with a response
// means it got in. Bounded: every connection has a deadline, the flood a count and a rate.
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import { parseFrame } from "../auth/frame.js";
import { datagramAttacks, joinAttacks, type Attack, type RogueKit, type Target } from "./attacks.js";

export interface RogueOptions {
  kit: RogueKit;
  /** UDP port to listen on for anything a member might send back. */
  bindPort: number;
  /** Datagrams to send in all (the first round of every attack included). */
  datagrams: number;
  /** Datagrams a second, at most. */
  rate: number;
  /** Wait for late answers after the last datagram (ms). */
  settleMs: number;
  joinTimeoutMs: number;
  say: (line: RogueLine) => void;
  /**
   * Keep listening after the report until this aborts, logging a fresh report (at most once a
   * second) if anything arrives late. Without it the rogue is done after its report.
   */
  lingerUntil?: AbortSignal;
}

/** While lingering, at most one fresh report per this (ms). */
const LATE_REPORT_MS = 1000;

export type RogueLine =
  | {
      event: "rogue.attack";
      message: string;
      attack: string;
      transport: "udp" | "tcp";
      sent: number;
      peer?: string;
      outcome?: string;
    }
  | ({ event: "rogue.report"; message: string } & RogueReport);

export interface RogueReport {
  datagramsSent: number;
  joinsSent: number;
  /** Joins answered with a join response (or a signed reply): the rogue got in. */
  joinsAccepted: number;
  /** Datagrams any member sent the rogue. */
  datagramsReceived: number;
  /** Of those, signed ones (a member spoke to the rogue as to a member). */
  signedReceived: number;
  capturedFrames: number;
}

export async function runRogue(options: RogueOptions): Promise<RogueReport> {
  const { kit, say } = options;
  const report: RogueReport = {
    datagramsSent: 0,
    joinsSent: 0,
    joinsAccepted: 0,
    datagramsReceived: 0,
    signedReceived: 0,
    capturedFrames: kit.captured.length,
  };
  const socket = await listen(options.bindPort, report);
  try {
    const addresses = await resolveTargets(kit.targets);
    await attackJoins(options, report);
    const first = datagramAttacks(kit);
    summarizeRound(first, say);
    await flood(socket, addresses, options, report, first);
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    say({ event: "rogue.report", message: describe(report), ...report });
    if (options.lingerUntil) await linger(socket, report, options.lingerUntil, say);
  } finally {
    socket.close();
  }
  return report;
}

/** Listens on until `signal`: anything a member sends now is reported too. */
async function linger(
  socket: dgram.Socket,
  report: RogueReport,
  signal: AbortSignal,
  say: RogueOptions["say"],
) {
  let timer: NodeJS.Timeout | undefined;
  const onLate = (): void => {
    timer ??= setTimeout(() => {
      timer = undefined;
      say({ event: "rogue.report", message: `late: ${describe(report)}`, ...report });
    }, LATE_REPORT_MS);
  };
  socket.on("message", onLate);
  if (!signal.aborted)
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  clearTimeout(timer);
}

function describe(r: RogueReport): string {
  return (
    `sent ${r.datagramsSent} datagrams and ${r.joinsSent} joins; ${r.joinsAccepted} joins accepted, ` +
    `${r.datagramsReceived} datagrams received (${r.signedReceived} signed), ${r.capturedFrames} recorded frames replayed`
  );
}

function listen(port: number, report: RogueReport): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (bytes) => {
    report.datagramsReceived++;
    const frame = parseFrame(bytes);
    if (frame.kind === "frame" && frame.header.kid !== undefined) report.signedReceived++;
  });
  socket.on("error", () => {});
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, "0.0.0.0", () => resolve(socket));
  });
}

async function resolveTargets(targets: Target[]): Promise<Map<number, string>> {
  const addresses = new Map<number, string>();
  for (const t of targets)
    addresses.set(
      t.id,
      net.isIP(t.host) ? t.host : (await dns.promises.lookup(t.host, { family: 4 })).address,
    );
  return addresses;
}

async function attackJoins(options: RogueOptions, report: RogueReport): Promise<void> {
  for (const to of options.kit.targets) {
    for (const { name, line } of joinAttacks(options.kit, to)) {
      report.joinsSent++;
      const outcome = await tryJoin(to, line, options.joinTimeoutMs);
      if (outcome === "response" || outcome === "signed-reply") report.joinsAccepted++;
      options.say({
        event: "rogue.attack",
        message: `${name} at ${to.host}:${to.port}: ${outcome}`,
        attack: name,
        transport: "tcp",
        sent: 1,
        peer: `${to.host}:${to.port}`,
        outcome,
      });
    }
  }
}

/** Sends one join line; the outcome is the error code, "response", "signed-reply" or what went wrong. */
function tryJoin(to: Target, line: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: to.host, port: to.port });
    const chunks: Buffer[] = [];
    const done = (outcome: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done("no answer"), timeoutMs);
    socket.on("connect", () => socket.write(`${line}\n`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => done(classify(Buffer.concat(chunks))));
    socket.on("error", (err: NodeJS.ErrnoException) => done(`error ${err.code ?? err.message}`));
  });
}

function classify(reply: Buffer): string {
  const text = reply.toString().trim();
  if (parseFrame(Buffer.from(text)).kind === "frame") return "signed-reply";
  try {
    const value = JSON.parse(text) as { type?: string; code?: string; source?: unknown };
    if (value.type === "error" && typeof value.code === "string") return value.code;
    return value.source !== undefined ? "response" : "unknown reply";
  } catch {
    return text === "" ? "closed" : "unreadable reply";
  }
}

function summarizeRound(round: Attack[], say: RogueOptions["say"]): void {
  const counts = new Map<string, number>();
  for (const a of round) counts.set(a.name, (counts.get(a.name) ?? 0) + 1);
  for (const [attack, sent] of counts) {
    say({ event: "rogue.attack", message: `${attack}: ${sent} datagrams`, attack, transport: "udp", sent });
  }
}

/** The first round, then fresh rounds (new timestamps and nonces) until the count is reached, paced. */
async function flood(
  socket: dgram.Socket,
  addresses: Map<number, string>,
  options: RogueOptions,
  report: RogueReport,
  first: Attack[],
): Promise<void> {
  const perTick = Math.max(1, Math.round(options.rate / 100));
  let round = first;
  let next = 0;
  while (report.datagramsSent < options.datagrams) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < perTick && report.datagramsSent < options.datagrams; i++) {
      if (next >= round.length) [round, next] = [datagramAttacks(options.kit), 0];
      const attack = round[next++] as Attack;
      report.datagramsSent++;
      batch.push(send(socket, attack.bytes, attack.to.port, addresses.get(attack.to.id) as string));
    }
    await Promise.all([...batch, new Promise((resolve) => setTimeout(resolve, 10))]);
  }
}

function send(socket: dgram.Socket, bytes: Buffer, port: number, host: string): Promise<void> {
  return new Promise((resolve) => socket.send(bytes, port, host, () => resolve()));
}
