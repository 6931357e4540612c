// Network-fault steps of a scenario: what a spec may say, how a step becomes the fault the run
// applies (network-fault.ts), and the checks that reject a bad spec before any container starts,
// naming the path of the bad value (`steps[2].groups[1][0]`) and what is allowed.
import type { NetworkFault, NetworkFaultKind } from "../netfaults/network-fault.js";

interface LabelledStep {
  /** Milliseconds after the previous step. */
  afterMs: number;
  /** Names the fault for a later `heal` step (default `<kind>-<step index>`). */
  label?: string;
}

/** Splits the nodes into groups; nodes named in no group form one more group together. */
export interface PartitionStep extends LabelledStep {
  fault: "partition";
  groups: string[][];
}

/** Packets from every `from` node to every `to` node are dropped; replies still arrive. */
export interface OneWayStep extends LabelledStep {
  fault: "one-way";
  from: string[];
  to: string[];
}

/** Drops a fraction (0..1) of the packets arriving at `nodes` (default: every node). */
export interface LossStep extends LabelledStep {
  fault: "loss";
  rate: number;
  nodes?: string[];
}

/** Delays packets leaving `nodes` (default: every node); needs the kernel's netem. */
export interface LatencyStep extends LabelledStep {
  fault: "latency";
  delayMs: number;
  nodes?: string[];
}

export type NetworkFaultStep = PartitionStep | OneWayStep | LossStep | LatencyStep;

/** Removes the network fault labelled `label`, or every one in force when no label is given. */
export interface HealStep {
  afterMs: number;
  fault: "heal";
  label?: string;
}

export const NETWORK_STEP_KINDS: ReadonlySet<string> = new Set<NetworkFaultKind>([
  "partition",
  "one-way",
  "loss",
  "latency",
]);

export const MAX_DELAY_MS = 60_000;

/** A bad value in a spec: where it is, and what was wrong with it. */
export class SpecError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
  }
}

export function defaultLabel(step: NetworkFaultStep, index: number): string {
  return step.label ?? `${step.fault}-${index}`;
}

/** The fault a (valid) step applies, with every default filled in. */
export function resolveNetworkFault(
  step: NetworkFaultStep,
  index: number,
  nodes: readonly string[],
): NetworkFault {
  const label = defaultLabel(step, index);
  switch (step.fault) {
    case "partition": {
      const named = new Set(step.groups.flat());
      const rest = nodes.filter((n) => !named.has(n));
      return { kind: "partition", label, groups: [...step.groups, ...(rest.length ? [rest] : [])] };
    }
    case "one-way":
      return { kind: "one-way", label, from: step.from, to: step.to };
    case "loss":
      return { kind: "loss", label, nodes: step.nodes ?? [...nodes], rate: step.rate };
    case "latency":
      return { kind: "latency", label, nodes: step.nodes ?? [...nodes], delayMs: step.delayMs };
  }
}

/** Checks one network step's shape and names; throws SpecError. */
export function validateNetworkStep(step: NetworkFaultStep, at: string, nodes: readonly string[]): void {
  const known = new Set(nodes);
  const nodeList = (value: unknown, path: string, optional = false): void => {
    if (value === undefined && optional) return;
    if (!Array.isArray(value) || value.length === 0)
      throw new SpecError(path, `must be a non-empty list of node names (nodes: ${nodes.join(", ")})`);
    const seen = new Set<string>();
    value.forEach((name, i) => {
      if (typeof name !== "string" || !known.has(name))
        throw new SpecError(
          `${path}[${i}]`,
          `is ${JSON.stringify(name)}, which is no node of this scenario (nodes: ${nodes.join(", ")})`,
        );
      if (seen.has(name)) throw new SpecError(`${path}[${i}]`, `names ${name} twice`);
      seen.add(name);
    });
  };
  if (
    step.label !== undefined &&
    (typeof step.label !== "string" || !/^[A-Za-z0-9_.:-]{1,40}$/.test(step.label))
  )
    throw new SpecError(`${at}.label`, "must be 1-40 letters, digits or _.:-");
  switch (step.fault) {
    case "partition":
      return validateGroups(step.groups, `${at}.groups`, nodes, nodeList);
    case "one-way": {
      nodeList(step.from, `${at}.from`);
      nodeList(step.to, `${at}.to`);
      const i = step.to.findIndex((n) => step.from.includes(n));
      if (i >= 0) throw new SpecError(`${at}.to[${i}]`, `is ${step.to[i]}, which is also in ${at}.from`);
      return;
    }
    case "loss":
      nodeList(step.nodes, `${at}.nodes`, true);
      if (typeof step.rate !== "number" || !(step.rate >= 0 && step.rate <= 1))
        throw new SpecError(
          `${at}.rate`,
          `is ${JSON.stringify(step.rate)}; a loss is a fraction of packets from 0 to 1 (0.2: one in five dropped)`,
        );
      return;
    case "latency":
      nodeList(step.nodes, `${at}.nodes`, true);
      if (!Number.isInteger(step.delayMs) || step.delayMs < 1 || step.delayMs > MAX_DELAY_MS)
        throw new SpecError(
          `${at}.delayMs`,
          `is ${JSON.stringify(step.delayMs)}; allowed: a whole number of milliseconds, 1..${MAX_DELAY_MS}`,
        );
  }
}

function validateGroups(
  groups: unknown,
  path: string,
  nodes: readonly string[],
  nodeList: (value: unknown, path: string) => void,
): void {
  if (!Array.isArray(groups) || groups.length === 0)
    throw new SpecError(
      path,
      "must be a list of groups, each a list of node names: [[node1, node2], [node3]]",
    );
  const owner = new Map<string, number>();
  groups.forEach((group: unknown, g) => {
    if (Array.isArray(group) && group.length === 0)
      throw new SpecError(`${path}[${g}]`, "covers nobody; every group names at least one node");
    nodeList(group, `${path}[${g}]`);
    (group as string[]).forEach((name, i) => {
      const other = owner.get(name);
      if (other !== undefined)
        throw new SpecError(
          `${path}[${g}][${i}]`,
          `is ${name}, which is already in ${path}[${other}]; groups must not overlap`,
        );
      owner.set(name, g);
    });
  });
  const rest = nodes.filter((n) => !owner.has(n)).length;
  if (groups.length + (rest ? 1 : 0) < 2)
    throw new SpecError(
      path,
      "splits nobody: a partition needs two groups at least (nodes in no group form one)",
    );
}
