// The scenario registry: a plain map, so the CLI's choices (and `--list`) come from its keys.
import { chainJoin } from "./chain-join.js";
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
    [chainJoin, starJoin, lineJoin, noMaster, lateMaster, splitBrain].map((def) => [def.name, def] as const),
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
      throw new Error(`scenario ${name} has a fixed topology; --nodes applies to star-join and line-join`);
    if (!Number.isInteger(options.nodes) || options.nodes < def.nodes.min || options.nodes > def.nodes.max) {
      throw new Error(
        `scenario ${name}: --nodes ${options.nodes} is outside ${def.nodes.min}..${def.nodes.max}`,
      );
    }
  }
  return validateScenario(def.build(options));
}
