// Runs a scenario's network-fault steps against the environment's applier: each fault and each
// heal becomes one event in the merged timeline (`fault.partition`, `fault.heal`, ...) carrying the
// fault's groups and parameters in the typed NetworkFaultRecord shape, timed from the moment the
// step came due to the moment every rule was in place (or gone).
import { nowMicros } from "../logs/records.js";
import {
  NETWORK_STEP_KINDS,
  resolveNetworkFault,
  type HealStep,
  type NetworkFaultStep,
} from "../scenarios/network-steps.js";
import type { ScenarioSpec, ScenarioStep } from "../scenarios/types.js";
import type { NetworkFaultApplier } from "../runtime/types.js";
import {
  describeNetworkFault,
  nodesTouched,
  type NetworkFault,
  type NetworkFaultRecord,
} from "./network-fault.js";

/** Records one orchestrator event (at time `t`, in microseconds, when given). */
export type NoteFn = (
  event: string,
  message: string,
  fields: { t: number; network: NetworkFaultRecord },
) => void;

export function isNetworkStep(step: ScenarioStep): step is NetworkFaultStep | HealStep {
  return step.fault === "heal" || NETWORK_STEP_KINDS.has(step.fault);
}

/** Every node a scenario's network steps touch (their helpers are made ready before the schedule). */
export function networkStepNodes(scenario: ScenarioSpec): string[] {
  const names = scenario.nodes.map((n) => n.name);
  const touched = new Set<string>();
  (scenario.steps ?? []).forEach((step, i) => {
    if (!isNetworkStep(step) || step.fault === "heal") return;
    const fault = resolveNetworkFault(step, i, names);
    for (const n of fault.kind === "one-way" ? [...fault.from, ...fault.to] : nodesTouched(fault))
      touched.add(n);
  });
  return [...touched];
}

export class NetworkStepRunner {
  private readonly names: string[];

  constructor(
    scenario: ScenarioSpec,
    private readonly applier: NetworkFaultApplier,
    private readonly note: NoteFn,
  ) {
    this.names = scenario.nodes.map((n) => n.name);
  }

  async run(step: NetworkFaultStep | HealStep, index: number): Promise<void> {
    const t = nowMicros();
    if (step.fault !== "heal") return this.apply(resolveNetworkFault(step, index, this.names), t);
    const labels = step.label !== undefined ? [step.label] : this.applier.inForce();
    // One event per fault healed: each says which groups (or which loss) ended.
    for (const label of labels) await this.heal(label, t);
  }

  private async apply(fault: NetworkFault, t: number): Promise<void> {
    const outcome = await this.applier.apply(fault);
    const record: NetworkFaultRecord = {
      action: "apply",
      fault,
      inPlaceMs: elapsedMs(t),
      ...(outcome.skipped.length ? { skipped: outcome.skipped } : {}),
    };
    this.note(`fault.${fault.kind}`, describeNetworkFault(fault), { t, network: record });
  }

  private async heal(label: string, t: number): Promise<void> {
    const outcome = await this.applier.heal(label);
    const record: NetworkFaultRecord = {
      action: "heal",
      fault: outcome.fault,
      inPlaceMs: elapsedMs(t),
      ...(outcome.skipped.length ? { skipped: outcome.skipped } : {}),
    };
    this.note("fault.heal", `heal ${label}: ${describeNetworkFault(outcome.fault)} ends`, {
      t,
      network: record,
    });
  }
}

function elapsedMs(sinceMicros: number): number {
  return Math.round((nowMicros() - sinceMicros) / 100) / 10;
}
