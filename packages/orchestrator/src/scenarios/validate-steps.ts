// Checks a scenario's fault schedule before anything starts: each step's shape (with the path of a
// bad value) and the schedule as a whole — a heal names a fault in force, labels are not reused
// while in force, no node is delayed twice at once, and no node is restarted while a network fault
// names it (a restart makes a new namespace, and may give a new address: the rules would silently go).
import { nodesNamed, nodesTouched } from "../netfaults/network-fault.js";
import {
  NETWORK_STEP_KINDS,
  resolveNetworkFault,
  SpecError,
  validateNetworkStep,
  type NetworkFaultStep,
} from "./network-steps.js";
import { NODE_FAULT_KINDS, type ScenarioStep } from "./types.js";

interface InForce {
  at: string;
  kind: string;
  /** Every node the fault's rules name. */
  nodes: string[];
  /** The nodes it delays (latency: one netem per node at a time). */
  delayed: string[];
}

export function validateSteps(steps: readonly ScenarioStep[], nodes: readonly string[]): void {
  const inForce = new Map<string, InForce>();
  steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (typeof step !== "object" || step === null) throw new SpecError(at, "must be an object");
    if (!Number.isInteger(step.afterMs) || step.afterMs < 0)
      throw new SpecError(
        `${at}.afterMs`,
        `is ${JSON.stringify(step.afterMs)}; allowed: a whole number of milliseconds ≥ 0`,
      );
    if (step.fault === "heal") return heal(step.label, at, inForce);
    if (NETWORK_STEP_KINDS.has(step.fault)) return networkFault(step as NetworkFaultStep, i, nodes, inForce);
    if (!NODE_FAULT_KINDS.includes(step.fault as (typeof NODE_FAULT_KINDS)[number]))
      throw new SpecError(
        `${at}.fault`,
        `is ${JSON.stringify(step.fault)}; allowed: ${[...NODE_FAULT_KINDS, ...NETWORK_STEP_KINDS, "heal"].join(", ")}`,
      );
    const names = (step as { nodes?: unknown }).nodes;
    if (!Array.isArray(names) || names.length === 0)
      throw new SpecError(
        `${at}.nodes`,
        `must be a non-empty list of node names (nodes: ${nodes.join(", ")})`,
      );
    names.forEach((name: unknown, j) => {
      if (typeof name !== "string" || !nodes.includes(name))
        throw new SpecError(
          `${at}.nodes[${j}]`,
          `is ${JSON.stringify(name)}, which is no node of this scenario (nodes: ${nodes.join(", ")})`,
        );
      if (step.fault !== "restart") return;
      const holding = [...inForce].find(([, f]) => f.nodes.includes(name));
      if (holding)
        throw new SpecError(
          `${at}.nodes[${j}]`,
          `restarts ${name} while network fault ${holding[0]} (${holding[1].at}) names it; a restart makes a new network namespace (and may give a new address), so the fault's rules would silently go: heal it first`,
        );
    });
  });
}

function heal(label: string | undefined, at: string, inForce: Map<string, InForce>): void {
  if (label === undefined) {
    if (inForce.size === 0) throw new SpecError(at, "heals, but no network fault is in force then");
    inForce.clear();
    return;
  }
  if (!inForce.delete(label))
    throw new SpecError(
      `${at}.label`,
      `is ${JSON.stringify(label)}, which is no network fault in force then (in force: ${[...inForce.keys()].join(", ") || "none"})`,
    );
}

function networkFault(
  step: NetworkFaultStep,
  index: number,
  nodes: readonly string[],
  inForce: Map<string, InForce>,
): void {
  const at = `steps[${index}]`;
  validateNetworkStep(step, at, nodes);
  const fault = resolveNetworkFault(step, index, nodes);
  const held = inForce.get(fault.label);
  if (held)
    throw new SpecError(`${at}.label`, `is ${fault.label}, which ${held.at} uses and no heal has ended yet`);
  const touched = nodesTouched(fault);
  // A restart of any node the rules name (its namespace, or its address in another's rules) is refused.
  const named = nodesNamed(fault);
  if (fault.kind === "latency") {
    for (const [label, other] of inForce) {
      const both = touched.find((n) => other.delayed.includes(n));
      if (both)
        throw new SpecError(
          at,
          `delays ${both}, which latency ${label} (${other.at}) already delays; heal it first`,
        );
    }
  }
  inForce.set(fault.label, {
    at,
    kind: fault.kind,
    nodes: named,
    delayed: fault.kind === "latency" ? touched : [],
  });
}
