// @joinlab/orchestrator as a library: run scenarios, read runs back, check recorded logs.
export {
  runScenario,
  type RunArtifact,
  type RunOptions,
  type RunResult,
  type RunTimings,
  type NodeSummary,
} from "./run/run-scenario.js";
export type { NodeProgress, RunEvent, RunEventListener, RunPhase } from "./run/run-events.js";
export { RUN_DEFAULTS } from "./run/run-defaults.js";
export { formatSummary } from "./run/summary.js";
export { SCENARIOS, buildScenario, scenarioNames } from "./scenarios/registry.js";
export * from "./scenarios/types.js";
export { CHECKS, DEFAULT_CHECKS, runChecks } from "./checks/registry.js";
export type { Check, CheckContext, CheckResult, ObservedNode, Validity } from "./checks/types.js";
export { mergeTimeline } from "./logs/merge.js";
export { formatEntry, formatTimeline } from "./logs/format.js";
export { readRunTimeline, resolveRunDir, filterTimeline } from "./logs/read-run.js";
export type { LogRecord } from "./logs/records.js";
export type { OrchestratorEvent, TimelineEntry } from "./logs/timeline.js";
export { chooseRuntime, sweepRuntimes } from "./runtime/choose-runtime.js";
export { DockerRuntime } from "./runtime/docker-runtime.js";
export { ProcessRuntime } from "./runtime/process-runtime.js";
export type * from "./runtime/types.js";
export { createLogger } from "./progress/logger.js";
export { createReporter, type ProgressReporter } from "./progress/reporter.js";
