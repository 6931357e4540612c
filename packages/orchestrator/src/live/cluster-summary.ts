// The cluster as the live page summarises it, folded from the run's entries as they arrive (the
// membership replay's ClusterState, one entry at a time): per node its state, role, master and
// view, and the answers a teacher wants — exactly one master among the live nodes, one view, the
// last detection. Bounded by the number of nodes, however long the run. It stops at run.verified:
// it shows the cluster the checks judged, not the teardown.
import { compareNodeNames, type ClusterNode, type ClusterSummary } from "@joinlab/report";
import { disagreementsAmong, effectiveMaster } from "../checks/membership/agreement.js";
import { ClusterState, type Proc } from "../checks/membership/cluster-state.js";
import type { TimelineEntry } from "../logs/timeline.js";
import { LastDetection } from "./last-detection.js";

const ENDED_BY: Readonly<Record<string, ClusterNode["state"]>> = { kill: "killed", stop: "stopped" };

export class ClusterFold {
  readonly state = new ClusterState();
  private readonly detection = new LastDetection();
  /** What each node's node.started said about where it is. */
  private readonly placed = new Map<string, { address: string; via: string }>();
  /** The last node fault per node (how an ended process ended). */
  private readonly lastFault = new Map<string, string>();

  /** Set at run.verified: the teardown's stops are not the cluster the run was about. */
  private frozen = false;

  add(entry: TimelineEntry): void {
    if (this.frozen) return;
    if (entry.kind === "orchestrator" && entry.event.event === "run.verified") this.frozen = true;
    const step = this.state.apply(entry);
    if (step.kind === "fault") this.lastFault.set(step.fault.node, step.fault.kind);
    if (step.kind === "line" && step.entry.line.event === "node.started") {
      const line = step.entry.line;
      this.placed.set(step.entry.node, { address: `${line.advertise}:${line.port}`, via: line.clusterip });
    }
    this.detection.step(step, this.state, this.live());
  }

  /** Running, and neither paused nor cut off (by a disconnect or by rules): the nodes that should agree. */
  live(): Proc[] {
    return this.state.running().filter((p) => !this.away(p.node));
  }

  summary(order: readonly string[]): ClusterSummary {
    const live = this.live();
    return {
      nodes: this.nodeNames(order).map((name) => this.node(name)),
      masters: this.masters(live),
      converged: this.converged(live),
      ...(this.detection.summary() ? { detection: this.detection.summary()! } : {}),
    };
  }

  /** Paused or cut off (a network disconnect, or a rule-based cut labelled cut-<node>). */
  private away(node: string): boolean {
    return this.state.openCuts.has(node) || this.state.network.has(`cut-${node}`);
  }

  private nodeNames(order: readonly string[]): string[] {
    const seen = [...this.state.current.keys()].filter((n) => !order.includes(n));
    return [...order, ...seen];
  }

  private node(name: string): ClusterNode {
    const p = this.state.current.get(name);
    const placed = this.placed.get(name);
    const base = { name, gen: p?.gen ?? 0, ...(placed ? { address: placed.address, via: placed.via } : {}) };
    if (!p) return { ...base, state: "starting", view: {} };
    const master = p.endT === undefined ? effectiveMaster(p) : undefined;
    return {
      ...base,
      id: p.id,
      state: this.stateOf(p),
      role: p.endT !== undefined ? undefined : master === p.id ? "master" : p.joined ? "member" : "joining",
      ...(master !== undefined && master !== p.id ? { master: this.label(master) } : {}),
      ...(master === p.id ? { master: name } : {}),
      view: this.viewOf(p),
    };
  }

  /** What `p` believes about the others, grouped by state, names in node order. */
  private viewOf(p: Proc): ClusterNode["view"] {
    const view: ClusterNode["view"] = {};
    for (const [id, state] of p.view) if (!p.ids.has(id)) (view[state] ??= []).push(this.label(id));
    for (const names of Object.values(view)) names.sort(compareNodeNames);
    return view;
  }

  private stateOf(p: Proc): ClusterNode["state"] {
    if (p.endT !== undefined) return ENDED_BY[this.lastFault.get(p.node) ?? ""] ?? "exited";
    if (p.readyT === undefined) return "starting";
    if (this.state.openCuts.get(p.node)?.kind === "pause") return "paused";
    return this.away(p.node) ? "cut off" : "up";
  }

  /** A node's current process by its name; an older process of it as name#gen. */
  private label(id: number): string {
    const p = this.state.byId.get(id);
    if (!p) return `id ${id}`;
    return this.state.current.get(p.node) === p ? p.node : `${p.node}#${p.gen}`;
  }

  private masters(live: readonly Proc[]): ClusterSummary["masters"] {
    const masters = live.filter((p) => effectiveMaster(p) === p.id).map((p) => p.node);
    const followed = new Set(live.map((p) => effectiveMaster(p)));
    const ok = masters.length === 1 && followed.size === 1;
    const text =
      live.length === 0
        ? "no node is up"
        : masters.length === 0
          ? `no master among the ${live.length} live node(s)`
          : masters.length > 1
            ? `${masters.length} masters: ${masters.join(", ")}`
            : ok
              ? `yes: ${masters[0]}, followed by every live node`
              : `${masters[0]} is master, but not every live node follows it yet`;
    return { ok, names: masters, text };
  }

  private converged(live: readonly Proc[]): ClusterSummary["converged"] {
    const disagreements = live.length ? disagreementsAmong(this.state, live, 8) : ["no node is up"];
    const ok = disagreements.length === 0;
    return {
      ok,
      live: live.length,
      text: ok
        ? `yes: the ${live.length} live node(s) agree on ${live.length} member(s) and one master`
        : live.length === 0
          ? "no node is up"
          : `not yet: ${disagreements[0]}${disagreements.length > 1 ? ` (and more)` : ""}`,
      disagreements,
    };
  }
}
