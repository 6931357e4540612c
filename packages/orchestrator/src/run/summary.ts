// The end of a run on the terminal: each check, the verdict with the up+verified time, and where
// the merged log and the report are.
import { relative } from "node:path";
import type { RunResult } from "./run-scenario.js";

const mark = (valid: true | false | "unknown") => (valid === true ? "✓" : valid === false ? "✗" : "?");

export function formatSummary(result: RunResult): string {
  const lines: string[] = [];
  const width = Math.max(0, ...result.checks.map((c) => c.name.length));
  for (const check of result.checks) {
    lines.push(`${mark(check.valid)} ${check.name.padEnd(width)}  ${check.summary}`);
    for (const error of check.errors) lines.push(`    ${error}`);
  }
  if (result.error) lines.push(`? ${result.error}`);
  const verdict = result.verdict === true ? "VALID" : result.verdict === false ? "INVALID" : "UNKNOWN";
  const up = result.timings.upAndVerifiedMs;
  const count = result.nodes.length;
  lines.push(
    `${verdict}: ${result.scenario}, ${count} node(s) on ${result.runtime}${up !== undefined ? `, up + verified in ${(up / 1000).toFixed(2)}s` : ""} (exit ${result.exitCode})`,
  );
  if (result.kept)
    lines.push(
      `kept for inspection: docker ps -a --filter label=joinlab.run=${result.runId}; remove with npm run clean`,
    );
  const shown = (path: string) => relative(process.cwd(), path) || path;
  lines.push(`merged log: ${shown(result.mergedLog)}`);
  if (result.artifacts.report) lines.push(`report:     ${shown(result.artifacts.report)}`);
  return lines.join("\n");
}
