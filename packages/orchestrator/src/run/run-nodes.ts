// The run's nodes by name, addressed in the environment's terms, and what the later phases ask of
// them all: the running ones, what the checks observe, their records, their summaries.
import type { ObservedNode } from "../checks/types.js";
import type { LogRecord } from "../logs/records.js";
import type { StartedEnvironment, StartedNode } from "../runtime/types.js";
import type { NodeSpec, ScenarioSpec } from "../scenarios/types.js";
import { NodeBringUp } from "./node-bring-up.js";
import type { NodeSummary } from "./run-result.js";

export class RunNodes {
  readonly #byName = new Map<string, NodeBringUp>();

  /** Every node of the scenario with its address and --clusterip (the environment has reserved ports). */
  constructor(
    private readonly scenario: ScenarioSpec,
    private readonly env: StartedEnvironment,
  ) {
    for (const spec of scenario.nodes) this.#place(spec);
  }

  /** A node added to the running scenario (a playground's): its spec is in the scenario, its port reserved. */
  add(spec: NodeSpec): NodeBringUp {
    if (this.#byName.has(spec.name)) throw new Error(`${spec.name} is already a node of this run`);
    return this.#place(spec);
  }

  #place(spec: NodeSpec): NodeBringUp {
    const { env, scenario } = this;
    const addressOf = (s: NodeSpec) => `${env.advertiseHost(s.name)}:${env.portOf(s.name, s.port)}`;
    const clusterip =
      typeof spec.clusterip === "string"
        ? addressOf(scenario.nodes.find((n) => n.name === spec.clusterip)!)
        : env.literalAddress(spec.clusterip.host, spec.clusterip.port);
    const node = new NodeBringUp(spec, addressOf(spec), clusterip, scenario);
    this.#byName.set(spec.name, node);
    return node;
  }

  get size(): number {
    return this.#byName.size;
  }

  get(name: string): NodeBringUp {
    const node = this.#byName.get(name);
    if (!node) throw new Error(`no node ${name} in this run`);
    return node;
  }

  all(): NodeBringUp[] {
    return [...this.#byName.values()];
  }

  /** The nodes whose program was started (running or exited since). */
  started(): StartedNode[] {
    return this.all().flatMap((n) => (n.node ? [n.node] : []));
  }

  observed(): ObservedNode[] {
    return this.all().map((n) => n.observed());
  }

  records(): Map<string, readonly LogRecord[]> {
    return new Map(this.all().flatMap((n) => (n.node ? [[n.name, n.node.log.records] as const] : [])));
  }

  summaries(): NodeSummary[] {
    return this.all().map((n) => n.result());
  }
}
