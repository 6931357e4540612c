// The check registry: scenarios name their checks; every standard check runs by default.
import { checkCausalOrder } from "./causal-order.js";
import { checkClusters } from "./clusters.js";
import { checkConverged, checkOneMaster } from "./convergence.js";
import { checkFaultFates, checkNoFalseDeaths } from "./fault-fates.js";
import { checkNoGhosts } from "./ghost-members.js";
import { checkHandshakes } from "./handshakes.js";
import { checkRogueRefused } from "./rogue-refused.js";
import { checkExits, checkJoined, checkMasters } from "./roles.js";
import { combine, type Check, type CheckContext, type CheckResult, type Validity } from "./types.js";

export const CHECKS: Readonly<Record<string, Check>> = Object.freeze({
  handshakes: checkHandshakes,
  masters: checkMasters,
  joined: checkJoined,
  exits: checkExits,
  clusters: checkClusters,
  "causal-order": checkCausalOrder,
  // Membership: the fault scenarios name them (MEMBERSHIP_CHECKS), the join scenarios the ones
  // that hold without faults (JOIN_CHECKS).
  converged: checkConverged,
  "one-master": checkOneMaster,
  "no-ghosts": checkNoGhosts,
  "fault-fates": checkFaultFates,
  "no-false-deaths": checkNoFalseDeaths,
  // A keyed cluster against joinlab-rogue (rogue-peer).
  "rogue-refused": checkRogueRefused,
});

export const DEFAULT_CHECKS = ["handshakes", "masters", "joined", "exits", "clusters", "causal-order"];

/**
 * The join scenarios' checks: the handshakes, roles and clusters, and what membership promises of
 * a bring-up: one converged view and one master, nobody declared failed, no member nobody had.
 */
export const JOIN_CHECKS = [...DEFAULT_CHECKS, "converged", "one-master", "no-ghosts", "no-false-deaths"];

/** The join checks that still hold under faults, plus the membership checks. */
export const MEMBERSHIP_CHECKS = [
  "handshakes",
  "masters",
  "joined",
  "exits",
  "causal-order",
  "converged",
  "one-master",
  "no-ghosts",
  "fault-fates",
  "no-false-deaths",
];

export function runChecks(ctx: CheckContext): { verdict: Validity; results: CheckResult[] } {
  const names = ctx.scenario.checks ?? DEFAULT_CHECKS;
  const results = names.map((name): CheckResult => {
    const check = CHECKS[name];
    if (!check)
      return { name, valid: "unknown", summary: `no check named ${name}`, errors: [`unknown check ${name}`] };
    try {
      return check(ctx);
    } catch (err) {
      // A check that throws could not tell: report it rather than crash the run.
      return {
        name,
        valid: "unknown",
        summary: `check crashed`,
        errors: [String((err as Error)?.stack ?? err)],
      };
    }
  });
  return { verdict: combine(results), results };
}
