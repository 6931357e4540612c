// Rogue refused: a peer without the cluster key changed nothing. The rogue reports what it sent and
// that nothing came back or got in; no node's view ever held it or believed one of its claims
// (every forged claim carries incarnation or epoch 1000, which no real member reaches in a run);
// the master never changed; and the nodes logged their refusal of every kind of forgery it sent.
import type { AuthRejectReason, NodeLogLine } from "@joinlab/protocol";
import { activeTimeline } from "./membership-view.js";
import {
  eventsOf,
  type CheckContext,
  type CheckResult,
  type EventEntry,
  type ObservedNode,
} from "./types.js";

/** The incarnation and epoch every forged claim of joinlab-rogue carries. */
const FORGED_MARK = 1000;
/** What its attacks provoke at every keyed node; with recordings, also what replays provoke. */
const REASONS: readonly AuthRejectReason[] = ["unsigned", "unknown-key", "wrong-label", "bad-frame"];
const REPLAY_REASONS: readonly AuthRejectReason[] = ["bad-mac", "stale", "misdirected"];

type Report = Extract<EventEntry["line"], { event: "rogue.report" }>;

export function checkRogueRefused(ctx: CheckContext): CheckResult {
  const rogues = ctx.nodes.filter((n) => "rogue" in n.spec.expect);
  const errors: string[] = [];
  const summaries: string[] = [];
  for (const rogue of rogues) {
    const report = lastReport(ctx, rogue);
    if (report === undefined) {
      errors.push(
        `${rogue.name}: expected its rogue.report; it has not finished its attacks (${describe(rogue)})`,
      );
      continue;
    }
    if (report.joinsAccepted > 0)
      errors.push(
        `${rogue.name}: ${report.joinsAccepted} of its joins were answered with a response: it got in`,
      );
    if (report.datagramsReceived > 0) {
      errors.push(
        `${rogue.name}: members sent it ${report.datagramsReceived} datagram(s) (${report.signedReceived} signed): one believed a forged ping or member`,
      );
    }
    const refused = refusals(ctx);
    const wanted = report.capturedFrames > 0 ? [...REASONS, ...REPLAY_REASONS] : REASONS;
    const missing = wanted.filter((reason) => !refused.reasons.has(reason));
    if (missing.length > 0)
      errors.push(`expected the nodes to log auth.rejected for ${missing.join(", ")}; no node did`);
    errors.push(...believed(ctx, rogue));
    summaries.push(
      `${rogue.name} sent ${report.datagramsSent} datagrams and ${report.joinsSent} joins, ${report.joinsAccepted} got in, ` +
        `${report.datagramsReceived} answers; the nodes logged ${refused.count} refusals (${[...refused.reasons].sort().join(", ")})`,
    );
  }
  return {
    name: "rogue-refused",
    valid: rogues.length === 0 ? "unknown" : errors.length ? false : true,
    summary: rogues.length === 0 ? "no rogue in this scenario" : summaries.join("; "),
    errors,
  };
}

function lastReport(ctx: CheckContext, rogue: ObservedNode): Report | undefined {
  const lines = eventsOf(ctx, rogue.name).map((e) => e.line);
  return lines.filter((l): l is Report => l.event === "rogue.report").at(-1);
}

function describe(rogue: ObservedNode): string {
  if (!rogue.started) return "never started";
  return rogue.exit ? `exited with code ${rogue.exit.code}` : "still running";
}

/** Every auth.rejected line of the real nodes: the reasons, and how many refusals they stand for. */
function refusals(ctx: CheckContext): { reasons: Set<AuthRejectReason>; count: number } {
  const reasons = new Set<AuthRejectReason>();
  let count = 0;
  for (const e of activeTimeline(ctx.timeline)) {
    if (e.kind !== "event" || e.line.event !== "auth.rejected") continue;
    reasons.add(e.line.reason);
    count += e.line.count;
  }
  return { reasons, count };
}

/** What the real nodes' logs show of the rogue's claims: the rogue in a view, a forged record, a new master. */
function believed(ctx: CheckContext, rogue: ObservedNode): string[] {
  const rogueIds = new Set(eventsOf(ctx, rogue.name).map((e) => e.line.nodeId));
  const rogueHost = rogue.address.split(":")[0];
  const isRogue = (id: number, peer: string) => rogueIds.has(id) || peer.split(":")[0] === rogueHost;
  return activeTimeline(ctx.timeline).flatMap((e) =>
    e.kind === "event" && e.node !== rogue.name ? beliefIn(e, isRogue) : [],
  );
}

function beliefIn(e: EventEntry, isRogue: (id: number, peer: string) => boolean): string[] {
  const { line } = e;
  if (line.event === "member.joined" && isRogue(line.peerId, line.peer)) {
    return [`${e.node}: its view took in the rogue (${line.message})`];
  }
  if (carriesForgedMark(line)) return [`${e.node}: believed a forged claim: ${line.event}: ${line.message}`];
  if (line.event === "master.elected" && line.change !== "initial") {
    return [`${e.node}: the master changed (${line.message}); nothing was faulted`];
  }
  return [];
}

/** The rogue's forged records carry an incarnation or epoch no real member reaches in a run. */
function carriesForgedMark(line: NodeLogLine): boolean {
  return ("inc" in line && line.inc === FORGED_MARK) || ("epoch" in line && line.epoch === FORGED_MARK);
}
