// Checks a scenario's fault schedule before anything starts: each step's shape (with the path of a
// bad value) and the schedule as a whole — a heal names a fault in force, labels are not reused
// while in force, no node is delayed twice at once, no node is restarted while a network fault
// names it (a restart makes a new namespace, and may give a new address: the rules would silently
// go), and a deferred node is started once, by a `start` step, before any step names it.
import { nodesNamed, nodesTouched } from "../netfaults/network-fault.js";
import {
  NETWORK_STEP_KINDS,
  resolveNetworkFault,
  SpecError,
  validateNetworkStep,
  type NetworkFaultStep,
} from "./network-steps.js";
import { NODE_FAULT_KINDS } from "./fault-kinds.js";
import type { ScenarioStep } from "./types.js";

interface InForce {
  at: string;
  kind: string;
  /** Every node the fault's rules name. */
  nodes: string[];
  /** The nodes it delays (latency: one netem per node at a time). */
  delayed: string[];
  /** Its rules name addresses (partition, one-way): a node it names cannot join later. */
  byAddress: boolean;
}

const STEP_KINDS = [...NODE_FAULT_KINDS, ...NETWORK_STEP_KINDS, "heal", "start"];

export function validateSteps(
  steps: readonly ScenarioStep[],
  nodes: readonly string[],
  deferred: ReadonlySet<string> = new Set(),
): void {
  const schedule = new Schedule(nodes, deferred);
  steps.forEach((step, i) => schedule.step(step, i));
  schedule.finish();
}

class Schedule {
  readonly #inForce = new Map<string, InForce>();
  readonly #started: Set<string>;

  constructor(
    private readonly nodes: readonly string[],
    private readonly deferred: ReadonlySet<string>,
  ) {
    this.#started = new Set(nodes.filter((n) => !deferred.has(n)));
  }

  step(step: ScenarioStep, i: number): void {
    const at = `steps[${i}]`;
    if (typeof step !== "object" || step === null) throw new SpecError(at, "must be an object");
    if (!Number.isInteger(step.afterMs) || step.afterMs < 0)
      throw new SpecError(
        `${at}.afterMs`,
        `is ${JSON.stringify(step.afterMs)}; allowed: a whole number of milliseconds ≥ 0`,
      );
    if (step.fault === "heal") return this.#heal(step.label, at);
    if (NETWORK_STEP_KINDS.has(step.fault)) return this.#networkFault(step as NetworkFaultStep, i);
    if (!STEP_KINDS.includes(step.fault))
      throw new SpecError(
        `${at}.fault`,
        `is ${JSON.stringify(step.fault)}; allowed: ${STEP_KINDS.join(", ")}`,
      );
    this.#nodeList((step as { nodes?: unknown }).nodes, `${at}.nodes`).forEach((name, j) => {
      const path = `${at}.nodes[${j}]`;
      if (step.fault === "start") return this.#start(name, path);
      this.#mustHaveStarted(name, path);
      if (step.fault === "restart")
        this.#noRulesNaming(
          name,
          path,
          "restarts",
          "a restart makes a new network namespace (and may give a new address), so the fault's rules would silently go",
        );
    });
  }

  finish(): void {
    const never = [...this.deferred].filter((n) => !this.#started.has(n));
    if (never.length)
      throw new SpecError(
        `nodes[${this.nodes.indexOf(never[0]!)}].deferred`,
        `is set, but no start step starts ${never[0]}`,
      );
  }

  #nodeList(value: unknown, path: string): string[] {
    if (!Array.isArray(value) || value.length === 0)
      throw new SpecError(path, `must be a non-empty list of node names (nodes: ${this.nodes.join(", ")})`);
    value.forEach((name: unknown, j) => {
      if (typeof name !== "string" || !this.nodes.includes(name))
        throw new SpecError(
          `${path}[${j}]`,
          `is ${JSON.stringify(name)}, which is no node of this scenario (nodes: ${this.nodes.join(", ")})`,
        );
    });
    return value as string[];
  }

  #start(name: string, path: string): void {
    if (!this.deferred.has(name))
      throw new SpecError(
        path,
        `is ${name}, which starts in the bring-up; only a deferred node is started by a step`,
      );
    if (this.#started.has(name)) throw new SpecError(path, `starts ${name}, which an earlier step started`);
    this.#noRulesNaming(name, path, "starts", "rules by address were written before it had one", true);
    this.#started.add(name);
  }

  #mustHaveStarted(name: string, path: string): void {
    if (!this.#started.has(name))
      throw new SpecError(
        path,
        `is ${name}, which has not started yet (deferred: a later start step starts it)`,
      );
  }

  /** No fault in force may name `name` (only those whose rules name addresses, with `byAddressOnly`). */
  #noRulesNaming(name: string, path: string, verb: string, why: string, byAddressOnly = false): void {
    const holding = [...this.#inForce].find(
      ([, f]) => f.nodes.includes(name) && (f.byAddress || !byAddressOnly),
    );
    if (holding)
      throw new SpecError(
        path,
        `${verb} ${name} while network fault ${holding[0]} (${holding[1].at}) names it; ${why}: heal it first`,
      );
  }

  #heal(label: string | undefined, at: string): void {
    if (label === undefined) {
      if (this.#inForce.size === 0) throw new SpecError(at, "heals, but no network fault is in force then");
      this.#inForce.clear();
      return;
    }
    if (!this.#inForce.delete(label))
      throw new SpecError(
        `${at}.label`,
        `is ${JSON.stringify(label)}, which is no network fault in force then (in force: ${[...this.#inForce.keys()].join(", ") || "none"})`,
      );
  }

  #networkFault(step: NetworkFaultStep, index: number): void {
    const at = `steps[${index}]`;
    validateNetworkStep(step, at, this.nodes);
    const fault = resolveNetworkFault(step, index, this.nodes);
    const held = this.#inForce.get(fault.label);
    if (held)
      throw new SpecError(
        `${at}.label`,
        `is ${fault.label}, which ${held.at} uses and no heal has ended yet`,
      );
    const byAddress = fault.kind === "partition" || fault.kind === "one-way";
    // Loss and latency named in full (every node) also take a deferred node as it starts.
    if (byAddress || ("nodes" in step && step.nodes !== undefined))
      for (const name of nodesNamed(fault)) this.#mustHaveStarted(name, at);
    const touched = nodesTouched(fault);
    for (const [label, other] of this.#inForce) {
      const both = fault.kind === "latency" ? touched.find((n) => other.delayed.includes(n)) : undefined;
      if (both)
        throw new SpecError(
          at,
          `delays ${both}, which latency ${label} (${other.at}) already delays; heal it first`,
        );
    }
    this.#inForce.set(fault.label, {
      at,
      kind: fault.kind,
      nodes: nodesNamed(fault),
      delayed: fault.kind === "latency" ? touched : [],
      byAddress,
    });
  }
}
