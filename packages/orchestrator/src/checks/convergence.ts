// Membership convergence: after the last fault or heal every live node holds the same view (the
// live nodes alive, the rest failed or left) and the same master, within the scenario's bound.
import { replayMembership, type Replay } from "./membership-view.js";
import { splitErrors, splitSummary } from "./side-views.js";
import type { CheckContext, CheckResult } from "./types.js";

export const DEFAULT_CONVERGE_WITHIN_MS = 5000;

function unreadable(ctx: CheckContext): string[] {
  return ctx.nodes.filter((n) => n.logError).map((n) => `${n.name}: output unreadable (${n.logError})`);
}

function since(r: Replay): string {
  return r.lastMark
    ? `after the last fault or heal (${r.lastMark.label})`
    : "after the last node became ready";
}

export function checkConverged(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const bound = ctx.scenario.convergeWithinMs ?? DEFAULT_CONVERGE_WITHIN_MS;
  const missing = unreadable(ctx);
  const took = r.lastMark ? r.lastMark.convergedMs : r.upConvergedMs;
  const errors: string[] = [];
  if (!r.convergedAtEnd) {
    errors.push(`expected every live node to agree on one view and one master ${since(r)}; they do not:`);
    errors.push(...r.disagreements.map((d) => `  ${d}`));
  } else if (took !== undefined && took > bound) {
    errors.push(`expected convergence within ${bound} ms ${since(r)}; it took ${took} ms`);
  }
  // While the network was split, each side must agree on itself (and see the rest failed).
  errors.push(...splitErrors(r.splits, "view"));
  const n = r.live.length;
  const summary =
    (r.convergedAtEnd
      ? `${n} live node(s) agree on ${n} member(s) and one master${took !== undefined ? `, ${took} ms ${since(r)}` : ""} (bound ${bound} ms)`
      : `the ${n} live node(s) did not converge ${since(r)}`) + splitSummary(r.splits, "view");
  return {
    name: "converged",
    valid: errors.length ? (missing.length ? "unknown" : false) : missing.length ? "unknown" : true,
    summary,
    errors: [...errors, ...missing],
  };
}

/**
 * Exactly one master after convergence, by the documented rule, and the quorum rule held on the
 * way: no node promoted itself while it was paused or cut off from the rest.
 */
export function checkOneMaster(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  // While the network was split: one master on a side with a majority, none on the others.
  const errors: string[] = [...r.loneElections, ...splitErrors(r.splits, "master")];
  const selfMasters = r.live.filter((p) => p.master !== undefined && p.ids.has(p.master));
  const seen = new Set<number>();
  for (const p of r.live) {
    const m = p.master;
    const state = m === undefined ? undefined : p.ids.has(m) ? "alive" : p.view.get(m);
    if (m !== undefined && (state === "alive" || state === "suspect")) seen.add(m);
  }
  const label = (id: number) => {
    const p = r.byId.get(id);
    return p ? `${p.node} (id ${id})` : `id ${id}`;
  };
  if (selfMasters.length !== 1) {
    errors.push(
      `expected exactly one live node to consider itself master; ${selfMasters.length ? selfMasters.map((p) => label(p.id)).join(", ") : "none"} did`,
    );
  }
  if (seen.size !== 1 || r.live.some((p) => p.master === undefined)) {
    const views = r.live.map((p) => `${p.node} → ${p.master === undefined ? "none" : label(p.master)}`);
    errors.push(`expected every live node to see the same master; ${views.join(", ")}`);
  }
  const master = selfMasters.length === 1 ? label(selfMasters[0]!.id) : undefined;
  return {
    name: "one-master",
    valid: errors.length ? false : true,
    summary:
      (master
        ? `one master: ${master}, seen by all ${r.live.length} live node(s)${r.loneElections.length ? "; quorum rule broken" : ""}${r.transientLoneElections.length ? `; note: ${r.transientLoneElections.join("; ")}` : ""}`
        : `no single master among the ${r.live.length} live node(s)`) + splitSummary(r.splits, "master"),
    errors,
  };
}
