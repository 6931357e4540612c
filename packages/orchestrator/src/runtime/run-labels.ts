// The labels every resource of a run carries (containers, networks, swarm services) and the rule
// by which a sweep tells a dead run's leftovers from a live run's resources.
import { hostname } from "node:os";
import { pidAlive } from "../shared/pid-alive.js";
import { KEEP_LABEL, OWNER_LABEL, RUN_LABEL, SCENARIO_LABEL, type ResourceSummary } from "./docker-client.js";
import type { RunIdentity, SweepOptions } from "./types.js";

/** This process, as the owner label spells it: a sweep elsewhere leaves it alone while it lives. */
export function ownerTag(): string {
  return `${hostname()}:${process.pid}`;
}

export function runLabels(run: RunIdentity): Record<string, string> {
  return {
    [RUN_LABEL]: run.runId,
    [SCENARIO_LABEL]: run.scenario,
    [OWNER_LABEL]: ownerTag(),
    ...(run.keep ? { [KEEP_LABEL]: "true" } : {}),
  };
}

/** The label filter a sweep lists by: every run's resources, one run's, or this process's. */
export function sweepLabel(options: SweepOptions): string {
  if (options.runId) return `${RUN_LABEL}=${options.runId}`;
  return options.mine ? `${OWNER_LABEL}=${ownerTag()}` : RUN_LABEL;
}

/**
 * Whether a sweep removes a resource: its owner process is gone (this host) — or always with
 * `all`, or one run's with `runId`, or this process's own with `mine`. Kept runs (--keep) survive
 * the start-up sweep. Resources with no owner are no run's (the Compose demo's,
 * `joinlab.run=compose`): a project that may be up right now, which `docker compose down`
 * removes; only `all` takes them.
 */
export function isStale(resource: ResourceSummary, options: SweepOptions): boolean {
  if (options.mine) return resource.labels[OWNER_LABEL] === ownerTag();
  if (options.all || options.runId) return true;
  if (resource.labels[KEEP_LABEL] === "true" && !options.kept) return false;
  const owner = resource.labels[OWNER_LABEL];
  return owner !== undefined && !ownerAlive(owner);
}

function ownerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(":");
  if (host !== hostname()) return true; // another machine's run (shared engine): not ours to judge
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid);
}

/** One line per resource: what is gone, and what the daemon refused (and why). */
export function sweepReport(
  what: string,
  list: readonly ResourceSummary[],
  results: readonly PromiseSettledResult<void>[],
): string[] {
  return list.map((r, i) => {
    const result = results[i]!;
    return result.status === "fulfilled"
      ? `removed ${what} ${r.name}`
      : `could not remove ${what} ${r.name}: ${(result.reason as Error).message.trim()}`;
  });
}
