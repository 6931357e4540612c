// Membership convergence: after the last fault or heal every live node holds the same view (the
// live nodes alive, the rest failed or left) and the same master, within the scenario's bound.
import { effectiveMaster } from "./membership/agreement.js";
import { splitErrors, splitSummary } from "./membership/side-views.js";
import { replayMembership, type Proc, type Replay } from "./membership-view.js";
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
  // While the network was split, each side must agree on itself (and see the rest failed).
  const errors = [...convergenceErrors(r, took, bound), ...splitErrors(r.splits, "view")];
  const n = r.live.length;
  const whole = r.convergedAtEnd
    ? `${n} live node(s) agree on ${n} member(s) and one master${took !== undefined ? `, ${took} ms ${since(r)}` : ""} (bound ${bound} ms)`
    : `the ${n} live node(s) did not converge ${since(r)}`;
  const summary = whole + splitSummary(r.splits, "view");
  // Unreadable output leaves the verdict open either way: the view of that node is unknown.
  return {
    name: "converged",
    valid: missing.length ? "unknown" : errors.length === 0,
    summary,
    errors: [...errors, ...missing],
  };
}

function convergenceErrors(r: Replay, took: number | undefined, bound: number): string[] {
  if (!r.convergedAtEnd) {
    return [
      `expected every live node to agree on one view and one master ${since(r)}; they do not:`,
      ...r.disagreements.map((d) => `  ${d}`),
    ];
  }
  if (took !== undefined && took > bound)
    return [`expected convergence within ${bound} ms ${since(r)}; it took ${took} ms`];
  return [];
}

/**
 * Exactly one master after convergence, by the documented rule, and the quorum rule held on the
 * way: no node promoted itself while it was paused or cut off from the rest.
 */
export function checkOneMaster(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const label = (id: number) => {
    const p = r.byId.get(id);
    return p ? `${p.node} (id ${id})` : `id ${id}`;
  };
  const selfMasters = r.live.filter((p) => p.master !== undefined && p.ids.has(p.master));
  const errors = [
    ...r.loneElections,
    ...r.unprovokedElections,
    // While the network was split: one master on a side with a majority, none on the others.
    ...splitErrors(r.splits, "master"),
    ...selfMasterErrors(selfMasters, label),
    ...sameMasterErrors(r.live, label),
  ];
  const master = selfMasters.length === 1 ? label(selfMasters[0]!.id) : undefined;
  const broken = r.loneElections.length ? "; quorum rule broken" : "";
  const notes = r.transientLoneElections.length ? `; note: ${r.transientLoneElections.join("; ")}` : "";
  return {
    name: "one-master",
    valid: errors.length === 0,
    summary:
      (master
        ? `one master: ${master}, seen by all ${r.live.length} live node(s)${broken}${notes}`
        : `no single master among the ${r.live.length} live node(s)`) + splitSummary(r.splits, "master"),
    errors,
  };
}

function selfMasterErrors(selfMasters: readonly Proc[], label: (id: number) => string): string[] {
  if (selfMasters.length === 1) return [];
  const who = selfMasters.length ? selfMasters.map((p) => label(p.id)).join(", ") : "none";
  return [`expected exactly one live node to consider itself master; ${who} did`];
}

/** Every live node follows a master, and the same one, present in its own view. */
function sameMasterErrors(live: readonly Proc[], label: (id: number) => string): string[] {
  const seen = new Set(live.map(effectiveMaster).filter((m) => m !== undefined));
  if (seen.size === 1 && live.every((p) => p.master !== undefined)) return [];
  const views = live.map((p) => `${p.node} → ${p.master === undefined ? "none" : label(p.master)}`);
  return [`expected every live node to see the same master; ${views.join(", ")}`];
}
