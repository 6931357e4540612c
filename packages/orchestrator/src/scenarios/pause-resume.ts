// pause-resume: freeze a member (docker pause) long enough to be declared failed, then thaw it:
// it must refute and be alive again everywhere.
import { FAULT_NODES, faultScenario, SETTLE_BEFORE_FAULT_MS } from "./fault-cluster.js";
import { nodeName, type ScenarioDefinition } from "./types.js";

/** Longer than detection (about 1.1 s at p99) plus suspicion, so the pause is noticed. */
const PAUSE_MS = 3000;

export const pauseResume: ScenarioDefinition = {
  name: "pause-resume",
  summary: `N nodes (default 5); pause a member ${PAUSE_MS / 1000} s, then unpause: failed while frozen, alive again after`,
  nodes: FAULT_NODES,
  build: ({ nodes = FAULT_NODES.default }) =>
    faultScenario(
      "pause-resume",
      `${nodes} nodes, node1 master. ${nodeName(nodes)} is frozen (docker pause; SIGSTOP in the process runtime) for ${PAUSE_MS} ms: the others suspect it and declare it failed (detection time reported), then it is thawed and must refute and be alive again in every view (reconvergence time reported).`,
      nodes,
      [
        { afterMs: SETTLE_BEFORE_FAULT_MS, fault: "pause", nodes: [nodeName(nodes)] },
        { afterMs: PAUSE_MS, fault: "unpause", nodes: [nodeName(nodes)] },
      ],
    ),
};
