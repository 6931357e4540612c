// How each fault kind is applied: one small dispatch from the kind to its applier. An applier gets
// the step (its kind, nodes and parameters) and what it may act on (the run's nodes, the
// environment, the run's event log); a new kind is one applier here.
import { cutRecord } from "../netfaults/network-cut.js";
import type { StartedEnvironment, StartedNode } from "../runtime/types.js";
import type { FaultKind, NodeFaultStep } from "../scenarios/types.js";
import type { RunContext } from "./run-context.js";
import type { RunNodes } from "./run-nodes.js";

export interface FaultTarget {
  run: RunContext;
  env: StartedEnvironment;
  nodes: RunNodes;
}

export type FaultApplier = (step: NodeFaultStep, target: FaultTarget) => Promise<void>;

/**
 * The same node operation on every node the step names, at once. A node that never started or
 * already exited (it failed its join, or a kill came first) has nothing to fault: the engine would
 * refuse, or pretend, so that is noted as `fault.<kind>.skipped`. Each applied fault is an event
 * in the merged timeline, noted just before it is applied.
 */
export function onEachNode(operation: (node: StartedNode) => Promise<void> | undefined): FaultApplier {
  return async (step, { run, nodes }) => {
    await Promise.all(
      step.nodes.map(async (name) => {
        const target = nodes.get(name);
        const node = target.node;
        if (!node || node.exitInfo)
          return run.note(`fault.${step.fault}.skipped`, `${name} is not running`, name);
        target.faults.push(step.fault);
        // A network cut also carries its shape: the node alone, everyone else together.
        run.note(
          `fault.${step.fault}`,
          `${step.fault} ${name}`,
          name,
          cutRecord(step.fault, name, run.scenario),
        );
        // The capability check before the run makes a missing operation unreachable; say so anyway.
        const applied = operation(node);
        if (!applied) throw new Error(`${name}: the ${run.runtime.kind} runtime cannot ${step.fault}`);
        await applied;
      }),
    );
  };
}

export const FAULT_APPLIERS: Readonly<Record<FaultKind, FaultApplier>> = {
  kill: onEachNode((node) => node.kill()),
  stop: onEachNode((node) => node.stop()),
  restart: async (step, target) => {
    await onEachNode((node) => node.restart?.())(step, target);
    // A restart makes a new network namespace: the node's network-fault helper follows it.
    for (const name of step.nodes) target.env.networkFaults?.renew(name);
  },
  pause: onEachNode((node) => node.pause?.()),
  unpause: onEachNode((node) => node.unpause?.()),
  disconnect: onEachNode((node) => node.disconnect?.()),
  connect: onEachNode((node) => node.connect?.()),
};
