// Membership analysis of a run: one replay of the merged timeline (membership/replay.ts) into
// every process's view next to what the orchestrator did, folded into the analyses the
// membership checks and results.json need: convergence, elections, detection, join convergence.
// Computed once per context, shared by the checks.
import { disagreements } from "./membership/agreement.js";
import type { ClusterState, FaultEvent, Proc } from "./membership/cluster-state.js";
import { HEALS, msOf } from "./membership/cluster-state.js";
import { ConvergenceMarks, type Convergence } from "./membership/convergence-marks.js";
import { detectionTimes, type Detection } from "./membership/detection.js";
import { ElectionsAgainstRules, type Elections } from "./membership/elections.js";
import { JoinConvergenceFold, type JoinConvergence } from "./membership/join-convergence.js";
import { networkPeriods, type NetworkPeriod } from "./membership/network-state.js";
import { activeTimeline, replay } from "./membership/replay.js";
import { SideViews, type SplitRecord } from "./membership/side-views.js";
import type { CheckContext } from "./types.js";

export { activeTimeline } from "./membership/replay.js";
export { HEAL_GRACE_MS, HEALS, type FaultEvent, type Proc } from "./membership/cluster-state.js";

export interface FaultTiming extends Partial<Detection> {
  fault: string;
  node: string;
  /** Milliseconds after the first fault of the run. */
  atMs: number;
  id?: number;
  /** Fault (or heal) → every live node agrees on the view and the master again. */
  convergedMs?: number;
}

export interface Replay extends Elections {
  procs: readonly Proc[];
  faults: readonly FaultEvent[];
  /** Ids → the process that used them. */
  byId: ReadonlyMap<number, Proc>;
  /** Per fault or heal: detection, and convergence before the next step. */
  timings: FaultTiming[];
  upConvergedMs?: number;
  lastMark?: Convergence["lastMark"];
  convergedAtEnd: boolean;
  /** What keeps it from converging at the end (who, expected, actual). */
  disagreements: string[];
  endT: number;
  /** Live processes at the end. */
  live: Proc[];
  joinConvergence: JoinConvergence[];
  /** Each rule-based network fault's (and cut's) window. */
  network: NetworkPeriod[];
  /** Each time the network was split into sides: how each side fared (membership/side-views.ts). */
  splits: SplitRecord[];
}

const cache = new WeakMap<CheckContext["timeline"], Map<CheckContext["nodes"], Replay>>();

/** The replay of a context, computed once for all the membership checks. */
export function replayMembership(ctx: CheckContext): Replay {
  let byNodes = cache.get(ctx.timeline);
  if (!byNodes) cache.set(ctx.timeline, (byNodes = new Map()));
  let analysed = byNodes.get(ctx.nodes);
  if (!analysed) byNodes.set(ctx.nodes, (analysed = analyse(ctx)));
  return analysed;
}

function analyse(ctx: CheckContext): Replay {
  const timeline = activeTimeline(ctx.timeline);
  const marks = new ConvergenceMarks(ctx.nodes);
  const elections = new ElectionsAgainstRules();
  const joins = new JoinConvergenceFold();
  const sides = new SideViews(
    ctx.scenario.nodes.map((n) => n.name),
    ctx.scenario.convergeWithinMs ?? 5000,
  );
  const state = replay(timeline, [marks, elections, joins, sides]);
  const convergence = marks.finish();
  const open = disagreements(state);
  return {
    procs: state.procs,
    faults: state.faults,
    byId: state.byId,
    timings: faultTimings(state, convergence, detectionTimes(timeline, state)),
    ...(convergence.upConvergedMs !== undefined ? { upConvergedMs: convergence.upConvergedMs } : {}),
    ...(convergence.lastMark ? { lastMark: convergence.lastMark } : {}),
    convergedAtEnd: open.length === 0,
    disagreements: open,
    endT: state.endT,
    live: state.live(),
    ...elections.finish(),
    joinConvergence: joins.finish(state),
    network: networkPeriods(timeline),
    splits: sides.finish(state),
  };
}

function faultTimings(
  state: ClusterState,
  convergence: Convergence,
  detection: (Detection | undefined)[],
): FaultTiming[] {
  const first = Math.min(state.faults[0]?.t ?? Infinity, convergence.network[0]?.t ?? Infinity);
  const byNode = state.faults.map((f, i) => {
    const converged = convergence.convergedMs[i];
    return {
      fault: f.kind,
      node: f.node,
      atMs: msOf(f.t - first),
      ...(f.proc && !HEALS.has(f.kind) ? { id: f.proc.id } : {}),
      ...detection[i],
      ...(converged !== undefined ? { convergedMs: converged } : {}),
    };
  });
  // Network faults and heals name the fault by its label (its nodes are in its record).
  const network = convergence.network.map(({ t, record, convergedMs }) => ({
    fault: record.action === "heal" ? "heal" : record.fault.kind,
    node: record.fault.label,
    atMs: msOf(t - first),
    ...(convergedMs !== undefined ? { convergedMs } : {}),
  }));
  return [...byNode, ...network].sort((a, b) => a.atMs - b.atMs);
}

/** The membership figures a run reports in results.json (`timings.membership`). */
export function membershipFigures(ctx: CheckContext) {
  const r = replayMembership(ctx);
  return {
    ...(r.upConvergedMs !== undefined ? { upConvergedMs: r.upConvergedMs } : {}),
    joinConvergenceMs: r.joinConvergence,
    faults: r.timings,
    ...(r.lastMark ? { lastFault: r.lastMark.label, convergedAfterLastFaultMs: r.lastMark.convergedMs } : {}),
    convergedAtEnd: r.convergedAtEnd,
    ...(r.splits.length ? { splits: r.splits.map(splitFigures) } : {}),
  };
}

/** A split as results.json reports it: times relative to its start, each side's figures. */
function splitFigures(split: SplitRecord) {
  return {
    faults: split.faults,
    heldMs: msOf(split.to - split.from),
    sides: split.sides.map((s) => ({
      nodes: s.nodes,
      quorum: s.quorum,
      master: s.master ?? null,
      ...(s.detectedMs !== undefined ? { detectedMs: s.detectedMs } : {}),
      ...(s.declaredMs !== undefined ? { declaredMs: s.declaredMs } : {}),
      ...(s.convergedMs !== undefined ? { convergedMs: s.convergedMs } : {}),
      ...(s.unjudged ? { unjudged: s.unjudged } : {}),
      held: s.viewProblems.length + s.masterProblems.length === 0,
    })),
  };
}
