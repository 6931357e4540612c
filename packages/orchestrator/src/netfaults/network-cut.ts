// The network cut (Docker network disconnect/connect) as one case of a partition: the cut node is
// a group of its own, everyone else the other group. Its events carry that shape too, so the run
// report and the checks read cuts and rule-based partitions alike.
import type { FaultKind, ScenarioSpec } from "../scenarios/types.js";
import type { NetworkFaultRecord } from "./network-fault.js";

export function cutRecord(
  fault: FaultKind,
  node: string,
  scenario: ScenarioSpec,
): { network: NetworkFaultRecord } | Record<string, never> {
  if (fault !== "disconnect" && fault !== "connect") return {};
  const rest = scenario.nodes.map((n) => n.name).filter((n) => n !== node);
  return {
    network: {
      action: fault === "disconnect" ? "apply" : "heal",
      fault: { kind: "partition", label: `cut-${node}`, groups: [[node], rest] },
    },
  };
}
