// One node's state through a run: its spec and addresses, what the runtime made of it, the
// milestones other nodes wait on (created, started, ready, exited), and what it ends up as.
import type { ObservedNode } from "../checks/types.js";
import type { CreatedNode, StartedNode } from "../runtime/types.js";
import {
  startConditions,
  type FaultKind,
  type NodeSpec,
  type ScenarioSpec,
  type StartCondition,
} from "../scenarios/types.js";
import { Deferred } from "./deferred.js";
import { joinDeadlineFor } from "./join-deadline.js";
import { membershipFlagsFor } from "./large-run.js";
import type { NodeSummary } from "./run-result.js";

export type Milestone = "created" | StartCondition["state"];

export class NodeBringUp {
  /** What must have happened to other nodes before this one starts (computed once). */
  readonly conditions: readonly StartCondition[];
  /** Its --joinDeadline, when the run gives it one (a joiner of a large run). */
  readonly joinDeadlineMs: number | undefined;
  /** Membership timings the run gives it (a large run's slower ones), as node flags. */
  readonly membershipFlags: readonly string[];
  readonly summary: NodeSummary;
  created: CreatedNode | undefined;
  node: StartedNode | undefined;
  /** Why it was never started (a dependency failed, the run was interrupted). */
  notStarted: string | undefined;
  /** Faults applied to it, in order. */
  readonly faults: FaultKind[] = [];
  readonly #milestones: Record<Milestone, Deferred<unknown>> = {
    created: new Deferred(),
    started: new Deferred(),
    ready: new Deferred(),
    exited: new Deferred(),
  };

  constructor(
    readonly spec: NodeSpec,
    /** How peers dial it: "node2:8002" in Docker, "127.0.0.1:41234" as processes. */
    readonly address: string,
    /** Its --clusterip, in the same terms. */
    readonly clusterip: string,
    scenario: ScenarioSpec,
  ) {
    this.conditions = startConditions(spec, scenario);
    this.joinDeadlineMs = joinDeadlineFor(spec, scenario);
    this.membershipFlags = membershipFlagsFor(spec, scenario);
    this.summary = { name: spec.name, address, clusterip, expect: spec.expect };
  }

  get name(): string {
    return this.spec.name;
  }

  reach(milestone: Milestone): void {
    this.#milestones[milestone].resolve(undefined);
  }

  /** Resolves when the node reaches `milestone`; rejects once it never can. */
  reached(milestone: Milestone): Promise<unknown> {
    return this.#milestones[milestone].promise;
  }

  /** Every milestone not reached yet never will be: those waiting on them learn why. */
  fail(why: string): void {
    for (const milestone of Object.values(this.#milestones)) milestone.reject(new Error(why));
  }

  /** The node as the checks see it. */
  observed(): ObservedNode {
    const node = this.node;
    return {
      name: this.name,
      spec: this.spec,
      address: this.address,
      clusterip: this.clusterip,
      started: node !== undefined,
      ...(this.notStarted ? { notStarted: this.notStarted } : {}),
      ...(node?.exitInfo ? { exit: node.exitInfo } : {}),
      ...(node?.logError ? { logError: node.logError } : {}),
      ...(this.faults.length ? { faults: [...this.faults] } : {}),
    };
  }

  /** The node as results.json reports it. */
  result(): NodeSummary {
    return { ...this.summary, ...(this.notStarted ? { notStarted: this.notStarted } : {}) };
  }
}
