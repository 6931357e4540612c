// The scenario registry: a plain map, so the CLI's choices (and `--list`) come from its keys.
import { chainJoin } from "./chain-join.js";
import { chaos } from "./chaos.js";
import { gracefulLeave } from "./graceful-leave.js";
import { masterCrash } from "./master-crash.js";
import { nodeCrash } from "./node-crash.js";
import { lossy } from "./lossy.js";
import { oneWay } from "./one-way.js";
import { partitionHalves } from "./partition-halves.js";
import { splitAndMerge } from "./split-and-merge.js";
import { partitionHeal } from "./partition-heal.js";
import { pauseResume } from "./pause-resume.js";
import { restartRejoin } from "./restart-rejoin.js";
import { roguePeer } from "./rogue-peer.js";
import { lateMaster } from "./late-master.js";
import { lineJoin } from "./line-join.js";
import { noMaster } from "./no-master.js";
import { splitBrain } from "./split-brain.js";
import { starJoin } from "./star-join.js";
import {
  validateScenario,
  type ScenarioDefinition,
  type ScenarioOptions,
  type ScenarioSpec,
} from "./types.js";

export const SCENARIOS: Readonly<Record<string, ScenarioDefinition>> = Object.freeze(
  Object.fromEntries(
    [
      chainJoin,
      starJoin,
      lineJoin,
      noMaster,
      lateMaster,
      splitBrain,
      // Membership under faults.
      masterCrash,
      nodeCrash,
      gracefulLeave,
      pauseResume,
      partitionHeal,
      restartRejoin,
      chaos,
      // A keyed cluster against a peer without the key.
      roguePeer,
      // Network faults by rules in the nodes' namespaces.
      partitionHalves,
      splitAndMerge,
      oneWay,
      lossy,
    ].map((def) => [def.name, def] as const),
  ),
);

export function scenarioNames(): string[] {
  return Object.keys(SCENARIOS);
}

/** Builds and validates a registry scenario; the error lists the known names. */
export function buildScenario(name: string, options: ScenarioOptions = {}): ScenarioSpec {
  const def = SCENARIOS[name];
  if (!def) throw new Error(`unknown scenario ${JSON.stringify(name)}; known: ${scenarioNames().join(", ")}`);
  if (options.nodes !== undefined) {
    if (!def.nodes)
      throw new Error(
        `scenario ${name} has a fixed topology; --nodes applies to ${scenarioNames()
          .filter((n) => SCENARIOS[n]!.nodes)
          .join(", ")}`,
      );
    if (!Number.isInteger(options.nodes) || options.nodes < def.nodes.min || options.nodes > def.nodes.max) {
      throw new Error(
        `scenario ${name}: --nodes ${options.nodes} is outside ${def.nodes.min}..${def.nodes.max}`,
      );
    }
  }
  return validateScenario(def.build(options));
}
