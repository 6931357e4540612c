// Do the live nodes agree? One view (every live node alive in every live node's view, every other
// member failed or left) and one master that every live node sees and that is up.
import type { ClusterState, Proc } from "./cluster-state.js";

/** The master a process acts on: itself, or a member its view still holds present. */
export function effectiveMaster(p: Proc): number | undefined {
  if (p.master === undefined) return undefined;
  if (p.ids.has(p.master)) return p.id;
  const s = p.view.get(p.master);
  return s === "alive" || s === "suspect" ? p.master : undefined;
}

/** Everything that keeps the live nodes from one view and one master, up to `limit` items. */
export function disagreements(state: ClusterState, limit = 12): string[] {
  return disagreementsAmong(state, state.live(), limit);
}

/** The same among the processes `up` (the live view leaves out nodes a network fault cut off, too). */
export function disagreementsAmong(state: ClusterState, up: readonly Proc[], limit = 12): string[] {
  if (up.length === 0) return ["no node is up"];
  const out = viewDisagreements(state, up, limit);
  // The cheap answer for "converged yet?", asked after every line: no master check needed.
  if (out.length < limit) out.push(...masterDisagreements(state, up));
  return out.slice(0, limit);
}

export function converged(state: ClusterState): boolean {
  return disagreements(state, 1).length === 0;
}

function viewDisagreements(state: ClusterState, up: readonly Proc[], limit: number): string[] {
  const out: string[] = [];
  const liveIds = new Set(up.map((p) => p.id));
  for (const p of up) {
    if (out.length >= limit) break;
    out.push(...missingPeers(state, p, up), ...lingeringGone(state, p, liveIds));
  }
  return out;
}

/** Live nodes `p` does not hold alive. */
function missingPeers(state: ClusterState, p: Proc, up: readonly Proc[]): string[] {
  return up
    .filter((q) => q !== p && p.view.get(q.id) !== "alive")
    .map(
      (q) =>
        `${p.node}: expected ${label(state, q.id)} alive in its view; it is ${p.view.get(q.id) ?? "unknown to it"}`,
    );
}

/** Members that are down but that `p` still holds alive or suspect. */
function lingeringGone(state: ClusterState, p: Proc, liveIds: ReadonlySet<number>): string[] {
  return [...p.view]
    .filter(([id, s]) => !liveIds.has(id) && !p.ids.has(id) && (s === "alive" || s === "suspect"))
    .map(([id, s]) => `${p.node}: expected ${label(state, id)} failed or left (it is down); it is ${s}`);
}

function masterDisagreements(state: ClusterState, up: readonly Proc[]): string[] {
  const masters = new Map<string, string[]>();
  for (const p of up) {
    const m = effectiveMaster(p);
    const key = m === undefined ? "none" : label(state, m);
    masters.set(key, [...(masters.get(key) ?? []), p.node]);
  }
  const keys = [...masters.keys()];
  if (keys.length > 1 || keys[0] === "none") {
    const seen = [...masters].map(([m, ns]) => `${m} (${ns.join(", ")})`).join("; ");
    return [`expected one master that every live node agrees on; they see ${seen}`];
  }
  const m = effectiveMaster(up[0]!)!;
  const liveIds = new Set(up.map((p) => p.id));
  return liveIds.has(m) ? [] : [`every live node sees master ${label(state, m)}, which is not up`];
}

/** "node2#1 (id 77)": the node, its process generation after a restart, and the id. */
export function label(state: ClusterState, id: number): string {
  const p = state.byId.get(id);
  return p ? `${p.node}${p.gen ? `#${p.gen}` : ""} (id ${id})` : `id ${id}`;
}
