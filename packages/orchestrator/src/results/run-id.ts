// Run ids: a sortable UTC timestamp plus a few random characters, e.g. 20261124-150129-123-4f2a.
// The run directory is runs/<scenario>/<runId>/, containers are jl-<runId>-<node>.
import { randomBytes } from "node:crypto";

export function makeRunId(now = new Date()): string {
  const iso = now.toISOString(); // 2026-11-24T15:01:29.123Z
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}-${iso.slice(20, 23)}`;
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
