// The model of a finished (or interrupted) run, from what its run directory holds: the scenario,
// the results when the run got that far, and the merged timeline.
import { ModelBuilder } from "./model/model-builder.js";
import type { ReportCheck, ReportEntry, ReportModel, ReportNodeSpec, Validity } from "./model/types.js";

export interface RunReportInput {
  scenario?: {
    name: string;
    description?: string;
    nodes?: { name: string; port?: number; expect?: unknown }[];
  };
  results?: {
    runId?: string;
    runtime?: string;
    verdict?: Validity;
    exitCode?: number;
    error?: string;
    interrupted?: boolean;
    checks?: ReportCheck[];
    timings?: { upAndVerifiedMs?: number };
    nodes?: {
      name: string;
      address?: string;
      clusterip?: string;
      exit?: { code: number | null; signal?: string | null };
      notStarted?: string;
    }[];
  };
  entries: Iterable<ReportEntry>;
  /** What could not be read (missing files, lines that are not log events). */
  problems?: string[];
  runId?: string;
}

export function buildReportModel(input: RunReportInput): ReportModel {
  const { scenario, results } = input;
  const builder = new ModelBuilder({
    scenario: scenario?.name ?? "(unknown scenario)",
    ...(scenario?.description ? { description: scenario.description } : {}),
    ...optional("runId", results?.runId ?? input.runId),
    ...optional("runtime", results?.runtime),
    verdict: results?.verdict ?? "unknown",
    ...optional("exitCode", results?.exitCode),
    ...optional("error", results?.error),
    ...(results?.interrupted ? { interrupted: true } : {}),
    ...optional("upAndVerifiedMs", results?.timings?.upAndVerifiedMs),
    problems: [...(input.problems ?? [])],
  });
  builder.addAll(input.entries);
  builder.setNodes(nodeSpecs(input));
  builder.setChecks(results?.checks ?? []);
  return builder.model();
}

function nodeSpecs(input: RunReportInput): ReportNodeSpec[] {
  const observed = new Map((input.results?.nodes ?? []).map((n) => [n.name, n] as const));
  return (input.scenario?.nodes ?? []).map((spec) => {
    const seen = observed.get(spec.name);
    return {
      name: spec.name,
      ...optional("port", spec.port),
      ...optional("address", seen?.address),
      ...optional("clusterip", seen?.clusterip),
      ...optional("expect", describeExpect(spec.expect)),
      ...optional("fate", seen ? describeFate(seen) : undefined),
    };
  });
}

function describeExpect(expect: unknown): string | undefined {
  if (typeof expect !== "object" || expect === null) return undefined;
  const e = expect as { role?: string; quits?: number };
  if (e.role) return e.role;
  if (e.quits !== undefined) return `quits (exit ${e.quits})`;
  return JSON.stringify(expect);
}

function describeFate(n: NonNullable<NonNullable<RunReportInput["results"]>["nodes"]>[number]): string {
  if (n.notStarted) return `not started: ${n.notStarted}`;
  if (!n.exit) return "running at the end";
  return n.exit.signal ? `ended by ${n.exit.signal}` : `exited with code ${n.exit.code}`;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
