// The live panel's answers and node table: is there exactly one master, have the live nodes
// converged on one view, how long the last detection took; then per node its state, its role,
// whom it takes for master and what it believes about the others (and, in a playground, the
// actions that apply to it). Everything is written with textContent: node output is data.
import type { ClusterNode, ClusterSummary } from "./live-protocol.js";

export interface PanelParts {
  answers: HTMLElement;
  rows: HTMLTableSectionElement;
  /** Makes the action buttons of one node's row (playground only). */
  actionsFor?: (node: ClusterNode, summary: ClusterSummary) => HTMLElement[];
}

export function renderAnswers(box: HTMLElement, summary: ClusterSummary): void {
  const { masters, converged, detection } = summary;
  box.replaceChildren(
    answer("answer-master", "One master?", masters.ok, masters.text),
    answer("answer-converged", "One view?", converged.ok, converged.text, converged.disagreements),
    answer(
      "answer-detection",
      "Last detection",
      detection ? detection.noticedMs !== undefined : undefined,
      detection?.text ?? "no node has been taken away yet",
    ),
  );
}

function answer(id: string, question: string, ok: boolean | undefined, text: string, details: string[] = []) {
  const div = document.createElement("div");
  div.id = id;
  div.className = `answer ${ok === undefined ? "none" : ok ? "ok" : "not-yet"}`;
  const q = document.createElement("b");
  q.textContent = question;
  const a = document.createElement("span");
  a.className = "text";
  a.textContent = text;
  div.append(q, a);
  if (details.length) div.title = details.join("\n");
  return div;
}

export function renderNodes(parts: PanelParts, summary: ClusterSummary): void {
  const rows = summary.nodes.map((node) => {
    const tr = document.createElement("tr");
    tr.dataset.node = node.name;
    tr.dataset.state = node.state;
    tr.className = `node-${node.state.replace(" ", "-")}${node.role === "master" ? " is-master" : ""}`;
    tr.append(
      cell(
        node.name,
        "name",
        node.id !== undefined ? `id ${node.id}${node.gen ? ` (restart ${node.gen})` : ""}` : "",
      ),
      cell(node.address ?? "–", "address", node.via ? `joined through ${node.via}` : ""),
      cell(node.state, "state"),
      cell(node.role ?? "–", "role"),
      cell(node.master ?? "–", "master"),
      viewCell(node),
    );
    if (parts.actionsFor) {
      const td = document.createElement("td");
      td.className = "actions";
      td.append(...parts.actionsFor(node, summary));
      tr.append(td);
    }
    return tr;
  });
  parts.rows.replaceChildren(...rows);
}

function cell(text: string, cls: string, title = ""): HTMLTableCellElement {
  const td = document.createElement("td");
  td.className = cls;
  td.textContent = text;
  if (title) td.title = title;
  return td;
}

/** "3 alive · failed: node1": counts by state, the nodes named for every state but alive. */
function viewCell(node: ClusterNode): HTMLTableCellElement {
  const td = document.createElement("td");
  td.className = "view";
  const parts: HTMLElement[] = [];
  for (const state of ["alive", "suspect", "failed", "left"] as const) {
    const names = node.view[state];
    if (!names?.length) continue;
    const span = document.createElement("span");
    span.className = `belief ${state}`;
    span.dataset.state = state;
    span.textContent =
      state === "alive"
        ? `${names.length} alive`
        : `${state}: ${names.slice(0, 6).join(", ")}${names.length > 6 ? ` +${names.length - 6}` : ""}`;
    span.title = `${state}: ${names.join(", ")}`;
    parts.push(span);
  }
  if (parts.length === 0) td.textContent = node.state === "starting" ? "–" : "knows no other node";
  else td.append(...parts);
  return td;
}
