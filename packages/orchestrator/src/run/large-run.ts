// What changes when a run packs many nodes onto one machine. Up to 16 nodes a run is the seed's
// demo: one join attempt, the node's own membership timings (a crash is declared by every member
// within about a second). Beyond that, every node's probes and the engine's container starts share
// the same cores. At 64 nodes on two cores a node process goes unscheduled for longer than the
// defaults wait for it (a probe every 175 ms, an 85 ms timeout, 400 ms to refute): its peers
// suspected it, it could not refute in time, and the suspicions, refutations and the CPU they took
// fed the starvation (over a thousand false deaths in one bring-up). A probe a second, half a
// second to answer and a 1 s suspicion (times log10 n: 1.8 s at 64) ended the storm; a node just
// started can still go unscheduled for longer than that (stalls of 2.5 s in its first seconds were
// logged as node.stalled), and 4 bring-ups of 15 declared a healthy node dead. A 2 s suspicion for
// everyone made that rarer but put a 64-node crash's detection past 6 s; so a member gets the
// longest time to refute only in the first 10 s after its peers learn of it, 20 s past 64 nodes
// (--newcomerWindow). Since large runs' containers are weighted above the engine's own processes
// (runtime/large-run-cgroup.ts), bring-ups log no stall and no suspicion, and large runs wait
// 300 ms for an answer and give 400 ms to refute (0.72 s at 64; see LARGE_RUN_SUSPICION_MS).
// The push-pull of the full view was half of an idle node's CPU at 64 (a 64-record view every 2 s,
// each way): large runs push-pull every 10 s up to 32 members (20 s at 64, 30 s at 128; memberlist
// waits 30 s), and a partition heals as fast as before (--healInterval keeps its default).
// During a bring-up every join is news for every member, and resending it was most of a node's
// extra CPU, taken from the engine starting the rest: large runs send each update 2 * ceil(log2
// (n + 1)) times (14 at 64; memberlist sends 8), not 3 *. Fresh news still spreads at once, so a
// join reaches everyone as fast; 1 * let a simulated join under 5 % loss miss a member for over a
// second. Past 64 nodes, resending was still a third of the nodes' CPU over a bring-up of 128:
// large runs there gossip every 2 s instead of every 200 ms (fresh news still goes at once).
import { DEFAULT_MEMBERSHIP_CONFIG } from "@joinlab/node";
import type { NodeSpec, ScenarioSpec } from "../scenarios/types.js";
import { RUN_DEFAULTS } from "./run-defaults.js";

/** Runs with more nodes than this are large: joiners retry, and membership runs slower. */
export const LARGE_RUN_ABOVE_NODES = 16;

/** How long a large run's members give a newcomer the longest time to refute, up to 64 nodes. */
export const LARGE_RUN_NEWCOMER_WINDOW_MS = 10_000;

/**
 * A large run's --newcomerWindow: 10 s up to 64 nodes, 10 s more per doubling beyond. A bring-up
 * of 128 keeps the machine saturated for minutes: in one, a joiner stalled nine times for 0.5-2.5 s
 * over the 29 s after it joined, its second suspicion began 10.4 s after its peers learned of it,
 * outside a 10 s window, shrank to its shortest time and ran out just after its refutation left.
 */
export function newcomerWindowMs(scenario: ScenarioSpec): number {
  const doublings = Math.max(0, Math.ceil(Math.log2(scenario.nodes.length / 64)));
  return LARGE_RUN_NEWCOMER_WINDOW_MS * (1 + doublings);
}

const LARGE_RUN_LONG_GOSSIP_ABOVE_NODES = 64;
const LARGE_RUN_LONG_GOSSIP_INTERVAL_MS = 2000;

/**
 * A large run's --gossipInterval: the node's own (200 ms) up to 64 nodes, 2 s beyond. A round
 * resends queued news to three members, and in a bring-up of 128 the queue never empties: each
 * node sent and received 20-odd datagrams a second, and each costs the nodes' CPU the engine needs
 * to start the rest. In a star-join of 128 in Docker, the nodes' CPU over the bring-up fell from 83
 * to 45 core-seconds and up + verified from 73 s to 46 s; a join reached every member within
 * 0.52 s (p99; 0.39 s before). At 64, 2 s made three paired star-joins 2-16 % faster, but a join
 * took up to 479 ms to reach its last members (p99; 211-256 ms with 200 ms), too close to the
 * 500 ms the bench expects: the rounds also reach the members that fresh news missed.
 */
export function gossipIntervalMs(scenario: ScenarioSpec): number {
  return scenario.nodes.length > LARGE_RUN_LONG_GOSSIP_ABOVE_NODES
    ? LARGE_RUN_LONG_GOSSIP_INTERVAL_MS
    : DEFAULT_MEMBERSHIP_CONFIG.gossipIntervalMs;
}

/**
 * A large run's probe period, its probe timeout, and its shortest suspicion at up to 10 members
 * (times log10 n above). A crash of one of 64 is declared by every member in about 2.1 s (in 30
 * seeded simulated crashes, p50 2.07 s, the slowest 2.56 s): the ring schedule probes it within a
 * period, the miss is certain once the helpers' nacks are in (0.6 s), the members that hear of
 * the suspicion first confirm it within another 0.7 s, and the suspicion then runs its shortest
 * time (0.72 s at 64). A 600 ms suspicion put the slowest of those crashes at 2.9 s, and Docker
 * runs at up to 3.4 s; it let a settled member survive a stall of 1.4 s, where 400 ms allows
 * about 1.2 s (the simulator, under 10 % loss). Bring-ups suspect no settled member, and a
 * newcomer's suspicion runs its longest time (4 × the shortest).
 */
const LARGE_RUN_PROBE_INTERVAL_MS = 1000;
const LARGE_RUN_PROBE_TIMEOUT_MS = 300;
const LARGE_RUN_SUSPICION_MS = 400;
/** A large run's --retransmitMult (the node's default is 3). */
const LARGE_RUN_RETRANSMIT_MULT = 2;

/** The node flags a large run gives every joinlab node (its membership timings). */
export function largeRunMembershipFlags(scenario: ScenarioSpec): Readonly<Record<string, number>> {
  return {
    "--probeInterval": LARGE_RUN_PROBE_INTERVAL_MS,
    "--probeTimeout": LARGE_RUN_PROBE_TIMEOUT_MS,
    "--suspicionTimeout": LARGE_RUN_SUSPICION_MS,
    "--newcomerWindow": newcomerWindowMs(scenario),
    "--syncInterval": 10_000,
    "--retransmitMult": LARGE_RUN_RETRANSMIT_MULT,
    "--gossipInterval": gossipIntervalMs(scenario),
  };
}

/**
 * A large run's --dialTimeout (a run's own --dialTimeout wins). The master answers late while the
 * engine starts the rest: a joiner that gave up after 5 s was often admitted all the same, retried,
 * and listened on UDP only after its next answer, so its new peers probed a node that could not
 * answer yet and declared it failed. Waiting for the answer it asked for avoids that.
 */
export const LARGE_RUN_DIAL_TIMEOUT_MS = 20_000;

export function isLargeRun(scenario: ScenarioSpec): boolean {
  return isLargeRunSize(scenario.nodes.length);
}

/** Whether a run of `nodes` nodes is a large run. */
export function isLargeRunSize(nodes: number): boolean {
  return nodes > LARGE_RUN_ABOVE_NODES;
}

/** True when the scenario gives this node `flag` itself (its own value wins over the run's). */
export function hasOwnFlag(spec: NodeSpec, flag: string): boolean {
  return spec.flags?.some((f) => f === flag || f.startsWith(`${flag}=`)) ?? false;
}

/** The membership timings this node gets from the run: none in a small run or for a foreign program. */
export function membershipFlagsFor(spec: NodeSpec, scenario: ScenarioSpec): string[] {
  if (!isLargeRun(scenario) || spec.program !== undefined) return [];
  return Object.entries(largeRunMembershipFlags(scenario))
    .filter(([flag]) => !hasOwnFlag(spec, flag))
    .flatMap(([flag, value]) => [flag, String(value)]);
}

/**
 * How long a large run waits after its bring-up before the first scheduled step: the fault
 * scenarios measure how settled members detect a fault, and the last joiners are newcomers for
 * newcomerWindowMs (a crash of one of them is declared only after the longest suspicion).
 */
export function scheduleWarmUpMs(scenario: ScenarioSpec): number {
  return isLargeRun(scenario) ? newcomerWindowMs(scenario) : 0;
}

/**
 * How soon after a fault a large run's members must agree again (the membership checks' bound).
 * Each member declares a crash on its own timer. The ring schedule probes the dead member within a
 * period (two while a join is still spreading and views differ); the miss takes at most one more;
 * the suspicion then runs its shortest time once confirmed, its longest for a member that learned
 * of the dead one late. Two periods more are slack: a fixed 5 s bound once made one node-crash of
 * 64 in ten invalid for an ordinary detection.
 */
export function largeRunConvergeWithinMs(scenario: ScenarioSpec): number {
  const longestSuspicion =
    LARGE_RUN_SUSPICION_MS *
    Math.max(1, Math.log10(scenario.nodes.length)) *
    DEFAULT_MEMBERSHIP_CONFIG.suspicionMaxMult; // the nodes' own --suspicionMaxMult
  return Math.round(4 * LARGE_RUN_PROBE_INTERVAL_MS + longestSuspicion);
}

/** A fault scenario as a large run checks it: the detection bound above, and watched that long. */
export function withLargeRunBounds(spec: ScenarioSpec): ScenarioSpec {
  if (!isLargeRun(spec)) return spec;
  const bound = Math.max(spec.convergeWithinMs ?? 0, largeRunConvergeWithinMs(spec));
  return { ...spec, convergeWithinMs: bound, settleMs: Math.max(spec.settleMs ?? 0, bound) };
}

/** The nodes' --dialTimeout: the run's own, else the large-run or the default one. */
export function dialTimeoutFor(scenario: ScenarioSpec, own: number | undefined): number {
  return own ?? (isLargeRun(scenario) ? LARGE_RUN_DIAL_TIMEOUT_MS : RUN_DEFAULTS.dialTimeoutMs);
}
