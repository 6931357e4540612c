// The parts of the page that read without JavaScript: the verdict, the checks with their errors
// (each linked to its moment in the diagram), what the report could not read, the figures and the
// nodes. The diagram, the membership view and the log are drawn by the page's script.
import { EventTable } from "../model/event-table.js";
import { faultFigures, joinFigures } from "../model/figures.js";
import { laneOrder } from "../model/lane-order.js";
import { networkFigures } from "../model/network-figures.js";
import type { ReportModel, Validity } from "../model/types.js";
import { escapeHtml as h } from "./escape.js";

const VERDICT: Record<string, string> = { true: "VALID", false: "INVALID", unknown: "UNKNOWN" };
const mark = (v: Validity) => (v === true ? "✓" : v === false ? "✗" : "?");
const cls = (v: Validity) => (v === true ? "valid" : v === false ? "invalid" : "unknown");

export function verdictStrip(model: ReportModel): string {
  const m = model.meta;
  const facts = [
    m.runId ? `run ${h(m.runId)}` : "",
    m.runtime ? `on ${h(m.runtime)}` : "",
    `${model.lanes.length} process lane(s), ${model.eventCount} entries`,
    m.upAndVerifiedMs !== undefined ? `up + verified in ${(m.upAndVerifiedMs / 1000).toFixed(2)} s` : "",
    m.exitCode !== undefined ? `exit ${m.exitCode}` : "",
  ].filter(Boolean);
  return `<header class="verdict ${cls(m.verdict)}">
<h1><span class="badge">${VERDICT[String(m.verdict)]}</span> ${h(m.scenario)}</h1>
<p class="facts">${facts.join(" · ")}</p>
${m.description ? `<p class="description">${h(m.description)}</p>` : ""}
${m.error ? `<p class="run-error">? ${h(m.error)}</p>` : ""}
${m.interrupted ? `<p class="run-error">The run was interrupted: what it recorded is shown as far as it got.</p>` : ""}
</header>`;
}

export function checksTable(model: ReportModel): string {
  if (model.checks.length === 0)
    return `<section id="checks"><h2>Checks</h2><p class="missing">No checks were recorded for this run (results.json is missing or the run stopped before the checks).</p></section>`;
  const link = (c: number, e: number) => model.errorLinks.find((l) => l.check === c && l.error === e)?.event;
  const rows = model.checks.map((check, c) => {
    const errors = check.errors.map((error, e) => {
      const at = link(c, e);
      const text = h(error);
      return `<li>${at === undefined ? text : `<a href="#event-${at}" data-event="${at}">${text}</a>`}</li>`;
    });
    return `<tr class="${cls(check.valid)}"><td class="mark">${mark(check.valid)}</td><th scope="row">${h(check.name)}</th><td>${h(check.summary)}${errors.length ? `<ul class="errors">${errors.join("")}</ul>` : ""}</td></tr>`;
  });
  return `<section id="checks"><h2>Checks</h2><table class="checks"><tbody>${rows.join("\n")}</tbody></table></section>`;
}

export function problemsList(model: ReportModel): string {
  if (model.meta.problems.length === 0) return "";
  const items = model.meta.problems.map((p) => `<li>${h(p)}</li>`).join("");
  return `<section id="problems" class="problems"><h2>What this report could not read</h2><ul>${items}</ul></section>`;
}

/** `table`: the model's decoded events, when the caller holds them (the page does). */
export function figuresTables(model: ReportModel, table = new EventTable(model)): string {
  const joins = joinFigures(model, table);
  const faults = [...faultFigures(model, table), ...networkFigures(model, table)].sort(
    (a, b) => a.event - b.event,
  );
  const msCell = (v: number | undefined) =>
    v === undefined ? `<td class="missing">never</td>` : `<td class="num">${v.toFixed(1)} ms</td>`;
  const joinRows = joins.map(
    (j) =>
      `<tr><td><a href="#event-${j.event}" data-event="${j.event}">${h(j.node)}</a></td><td class="num">${j.observers}</td>${msCell(j.knownByAllMs)}</tr>`,
  );
  const faultRows = faults.map(
    (f) =>
      `<tr><td><a href="#event-${f.event}" data-event="${f.event}">${h(f.kind)} ${h(f.node)}</a></td><td class="num">${f.detects === false ? "–" : f.survivors}</td>${f.detects === false ? `<td class="missing">–</td><td class="missing">–</td>` : `${msCell(f.detectedMs)}${msCell(f.declaredMs)}`}${msCell(f.convergedMs)}</tr>`,
  );
  const slowest = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length ? `, slowest ${Math.max(...known).toFixed(1)} ms` : "";
  };
  const joinTable = joinRows.length
    ? `<table class="figures-joins"><caption>Joins: admitted → known alive by every node up then</caption><thead><tr><th>joiner</th><th>nodes up</th><th>known by all</th></tr></thead><tbody>${joinRows.join("")}</tbody></table>`
    : "";
  const faultTable = faultRows.length
    ? `<table class="figures-faults"><caption>Faults: the survivors' detection, and one view again (after the heal, for a network fault)</caption><thead><tr><th>fault</th><th>survivors</th><th>noticed by all</th><th>declared by all</th><th>converged</th></tr></thead><tbody>${faultRows.join("")}</tbody></table>`
    : "";
  return `<div class="figures">
${foldable(joinTable, joins.length, `${joins.length} joins${slowest(joins.map((j) => j.knownByAllMs))}`)}
${foldable(faultTable, faults.length, `${faults.length} faults${slowest(faults.map((f) => f.convergedMs))} to converge`)}
</div>`;
}

/** A long table folds away behind its summary (it still reads without the script). */
function foldable(table: string, rows: number, summary: string): string {
  if (!table || rows <= FOLD_ROWS) return table;
  return `<details><summary>${h(summary)}</summary>${table}</details>`;
}

const FOLD_ROWS = 16;

export function nodesTable(model: ReportModel): string {
  const spec = new Map(model.nodes.map((n) => [n.name, n] as const));
  const rows = laneOrder(model).map((i) => {
    const lane = model.lanes[i]!;
    const s = spec.get(lane.node);
    const ended = lane.endKind
      ? `${lane.endKind}`
      : lane.ready !== undefined
        ? "up at the end"
        : "never ready";
    return `<tr><td><a href="#lane-${i}" data-lane="${i}">${h(lane.node)}${lane.gen ? ` #${lane.gen}` : ""}</a></td><td class="num">${lane.ids.map(String).join(" → ") || "–"}</td><td class="num">${lane.port ?? s?.port ?? "–"}</td><td>${h(s?.address ?? lane.advertise ?? "–")}</td><td>${h(lane.clusterip ?? s?.clusterip ?? "–")}</td><td>${h(s?.expect ?? "–")}</td><td>${h(lane.role ?? "–")}</td><td>${h(ended)}</td></tr>`;
  });
  const table = `<table class="nodes"><thead><tr><th>node</th><th>id</th><th>port</th><th>address</th><th>cluster address</th><th>expected</th><th>role</th><th>end</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
  return `<section id="nodes"><h2>Nodes</h2>${foldable(table, rows.length, `${rows.length} process lanes`)}</section>`;
}
