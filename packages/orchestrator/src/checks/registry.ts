// The check registry: scenarios name their checks; every standard check runs by default.
import { checkCausalOrder } from "./causal-order.js";
import { checkClusters } from "./clusters.js";
import { checkHandshakes } from "./handshakes.js";
import { checkExits, checkJoined, checkMasters } from "./roles.js";
import { combine, type Check, type CheckContext, type CheckResult, type Validity } from "./types.js";

export const CHECKS: Readonly<Record<string, Check>> = Object.freeze({
  handshakes: checkHandshakes,
  masters: checkMasters,
  joined: checkJoined,
  exits: checkExits,
  clusters: checkClusters,
  "causal-order": checkCausalOrder,
});

export const DEFAULT_CHECKS = Object.keys(CHECKS);

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
