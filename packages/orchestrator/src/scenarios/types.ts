// Scenario specs: plain, JSON-serialisable data describing the nodes to start and what must happen.
import type { HealStep, NetworkFaultStep } from "./network-steps.js";
import { SpecError } from "./network-steps.js";
import { validateSteps } from "./validate-steps.js";

/** A fault or feature only some runtimes can provide; a scenario that needs one says so. */
export type Capability =
  | "kill"
  | "stop"
  | "restart"
  | "pause"
  | "network-cut"
  | "rogue"
  | "partition"
  | "one-way"
  | "loss"
  | "latency";

import { NODE_FAULT_KINDS, type FaultKind } from "./fault-kinds.js";

export { NODE_FAULT_KINDS, type FaultKind } from "./fault-kinds.js";

/** The capability each fault needs from the runtime (a heal needs what its fault needed). */
export const FAULT_CAPABILITY: Readonly<Record<FaultKind | NetworkFaultStep["fault"], Capability>> = {
  kill: "kill",
  stop: "stop",
  restart: "restart",
  pause: "pause",
  unpause: "pause",
  disconnect: "network-cut",
  connect: "network-cut",
  partition: "partition",
  "one-way": "one-way",
  loss: "loss",
  latency: "latency",
};

/** One step of a fault schedule acting on whole nodes: wait, then apply the fault to them at once. */
export interface NodeFaultStep {
  /** Milliseconds after the previous step (the first: after every node reached its outcome). */
  afterMs: number;
  fault: FaultKind;
  nodes: string[];
}

/** One step of a fault schedule: a node fault, a network fault (network-steps.ts), or a heal. */
/** Starts deferred nodes (see NodeSpec.deferred) at this point of the schedule, without waiting for them. */
export interface StartStep {
  afterMs: number;
  fault: "start";
  nodes: string[];
}

export type ScenarioStep = NodeFaultStep | NetworkFaultStep | HealStep | StartStep;

export function isNodeFaultStep(step: ScenarioStep): step is NodeFaultStep {
  return (NODE_FAULT_KINDS as readonly string[]).includes(step.fault);
}

/** Where a node dials: another scenario node by name (its own port), or a literal host and port. */
export type AddressSpec = string | { host: string; port: number };

/** What must have happened to a node before another one starts. */
export interface StartCondition {
  node: string;
  state: "started" | "ready" | "exited";
}

/** What the seed's rules say this node ends up as. */
export type Expectation =
  | { role: "master" }
  | { role: "member" }
  | { quits: number } // exits with this code (1: no cluster and no --makeMasterOnError)
  | { rogue: true }; // the rogue program: started, it runs to the end; the checks judge what it caused

export interface NodeSpec {
  /** Also the container's name on the network and the log prefix: "node2". */
  name: string;
  /** --myport. The process runtime maps it to a free loopback port. */
  port: number;
  /** --clusterip; a master dials its own address, as in the seed's demo. */
  clusterip: AddressSpec;
  makeMasterOnError?: boolean;
  /** Extra node flags, passed through as given. */
  flags?: string[];
  /** The program: the node (default), or joinlab-rogue, a peer without the cluster key. */
  program?: "rogue";
  /** Defaults to "the node I dial is ready" when that is a scenario node. */
  startAfter?: StartCondition[];
  /**
   * Swarm placement constraints for this node (`node.hostname==host2`, `node.labels.zone!=b`);
   * other runtimes ignore them. Without them the swarm runtime spreads the nodes over the hosts.
   */
  placement?: string[];
  /**
   * Started by a `start` step of the schedule instead of in the bring-up: a join while a fault
   * holds. Network faults in force that name it (loss, latency) are applied before its program runs.
   */
  deferred?: boolean;
  expect: Expectation;
}

export interface ScenarioSpec {
  name: string;
  description: string;
  nodes: NodeSpec[];
  /** Check names from the check registry; defaults to every standard check. */
  checks?: string[];
  /** How many separate clusters must form (split brain: 2). Default 1 when anyone should be up. */
  expectClusters?: number;
  /** Runtime features the scenario needs beyond its steps'; a runtime without them reports "unknown". */
  requires?: Capability[];
  /** Faults applied in order once the cluster is up; each becomes an event in the merged log. */
  steps?: ScenarioStep[];
  /**
   * After the last step, how long (ms) the run may watch for the checks to pass (default 1000);
   * lines still arriving then are read and checked too (run/settle.ts).
   */
  settleMs?: number;
  /** The membership checks' bound (ms) on convergence after the last fault or heal (default 5000). */
  convergeWithinMs?: number;
}

/** Every capability a scenario needs: declared ones plus those of its fault steps. */
export function requiredCapabilities(spec: ScenarioSpec): Capability[] {
  const all = new Set<Capability>(spec.requires ?? []);
  for (const step of spec.steps ?? [])
    if (step.fault !== "heal" && step.fault !== "start") all.add(FAULT_CAPABILITY[step.fault]);
  return [...all];
}

/** Options a scenario factory understands (`--nodes N`, and the fault scenarios' knobs). */
export interface ScenarioOptions {
  nodes?: number;
  /** chaos: the random schedule's seed (same seed, same schedule). */
  seed?: number;
  /** chaos: how long faults are injected (ms). */
  durationMs?: number;
  /** partition-heal: cut off a minority (default) or a majority of the nodes. */
  majority?: boolean;
}

export interface ScenarioDefinition {
  name: string;
  summary: string;
  /** Default and allowed node counts, when the scenario scales. */
  nodes?: { default: number; min: number; max: number };
  build(options: ScenarioOptions): ScenarioSpec;
}

/** The conventional port of the n-th node (1-based), as in the seed's demo: node1 = 8001. */
export function portOf(index: number): number {
  return 8000 + index;
}

export function nodeName(index: number): string {
  return `node${index}`;
}

/** The scenario nodes a node depends on before it may start. */
export function startConditions(node: NodeSpec, scenario: ScenarioSpec): StartCondition[] {
  if (node.startAfter) return node.startAfter;
  const target = typeof node.clusterip === "string" ? node.clusterip : undefined;
  if (target === undefined || target === node.name) return [];
  if (!scenario.nodes.some((n) => n.name === target)) return [];
  return [{ node: target, state: "ready" }];
}

/** A swarm placement constraint, as `docker service create --constraint` takes it. */
const PLACEMENT_CONSTRAINT = /^(node|engine)\.[A-Za-z0-9_.-]+\s*(==|!=)\s*\S+$/;

function validatePlacement(scenario: string, node: NodeSpec): void {
  for (const constraint of node.placement ?? []) {
    if (typeof constraint !== "string" || !PLACEMENT_CONSTRAINT.test(constraint)) {
      throw new Error(
        `scenario ${scenario}: ${node.name}.placement ${JSON.stringify(constraint)} is not a swarm constraint (node.<attribute>==<value> or !=, e.g. node.hostname==host2)`,
      );
    }
  }
}

/** Every node a node dials or waits for exists, and starts in the bring-up unless it is deferred too. */
function validateDependencies(spec: ScenarioSpec, names: ReadonlySet<string>): void {
  for (const node of spec.nodes) {
    if (typeof node.clusterip === "string" && !names.has(node.clusterip)) {
      throw new Error(
        `scenario ${spec.name}: ${node.name}.clusterip names ${JSON.stringify(node.clusterip)}, which is no node here; use {host, port} for a literal address`,
      );
    }
    for (const cond of startConditions(node, spec)) {
      if (!names.has(cond.node)) {
        throw new Error(`scenario ${spec.name}: ${node.name}.startAfter names unknown node ${cond.node}`);
      }
      // The bring-up cannot wait for a node that only the schedule starts.
      if (!node.deferred && spec.nodes.find((n) => n.name === cond.node)?.deferred)
        throw new Error(
          `scenario ${spec.name}: ${node.name} waits for ${cond.node}, which is deferred (started later by a step); defer ${node.name} too, or let ${cond.node} start in the bring-up`,
        );
    }
  }
}

/** The fault schedule (validate-steps.ts), its errors prefixed with the scenario's name. */
function validateSchedule(spec: ScenarioSpec, names: ReadonlySet<string>): void {
  try {
    const deferred = new Set(spec.nodes.filter((n) => n.deferred).map((n) => n.name));
    validateSteps(spec.steps ?? [], [...names], deferred);
  } catch (err) {
    if (err instanceof SpecError) throw new Error(`scenario ${spec.name}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** Throws with a message naming the bad field when a spec (e.g. from --scenarioFile) is inconsistent. */
export function validateScenario(spec: ScenarioSpec): ScenarioSpec {
  const names = new Set<string>();
  const ports = new Set<number>();
  if (!spec.name || !Array.isArray(spec.nodes) || spec.nodes.length === 0) {
    throw new Error(`scenario ${JSON.stringify(spec.name)}: needs a name and at least one node`);
  }
  for (const node of spec.nodes) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(node.name)) {
      throw new Error(
        `scenario ${spec.name}: node name ${JSON.stringify(node.name)} must match [a-z][a-z0-9-]*`,
      );
    }
    if (names.has(node.name)) throw new Error(`scenario ${spec.name}: node name ${node.name} is used twice`);
    if (!Number.isInteger(node.port) || node.port < 1 || node.port > 65535) {
      throw new Error(
        `scenario ${spec.name}: ${node.name}.port ${JSON.stringify(node.port)} is not a TCP port`,
      );
    }
    if (ports.has(node.port)) throw new Error(`scenario ${spec.name}: port ${node.port} is used twice`);
    validatePlacement(spec.name, node);
    names.add(node.name);
    ports.add(node.port);
  }
  validateDependencies(spec, names);
  validateSchedule(spec, names);
  // A dependency cycle would deadlock the start-up: reject it here.
  const visiting = new Set<string>();
  const done = new Set<string>();
  const byName = new Map(spec.nodes.map((n) => [n.name, n]));
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    if (visiting.has(name))
      throw new Error(`scenario ${spec.name}: start-up cycle ${[...path, name].join(" → ")}`);
    visiting.add(name);
    for (const cond of startConditions(byName.get(name)!, spec)) visit(cond.node, [...path, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const node of spec.nodes) visit(node.name, []);
  return spec;
}
