// The faults the orchestrator applies to whole nodes (kill, pause, cut, ...); network faults and
// their steps are in network-steps.ts.

/** A fault the orchestrator applies to whole nodes after the bring-up. */
export type FaultKind = "kill" | "stop" | "restart" | "pause" | "unpause" | "disconnect" | "connect";

export const NODE_FAULT_KINDS: readonly FaultKind[] = [
  "kill",
  "stop",
  "restart",
  "pause",
  "unpause",
  "disconnect",
  "connect",
];
