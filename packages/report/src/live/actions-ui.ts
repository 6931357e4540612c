// The playground's controls: per node the actions that apply to it now (a "join here" that adds a
// node through it, so a chain join is one click), and a form to add a node with a chosen name,
// port and member to join through. Each action says what it will do before it is clicked; a click
// sends one request with the session's token (one at a time: no request loop), and the answer, or
// the server's error, is shown on the page.
import {
  ACTION_KINDS,
  type ActionKind,
  type ActionReply,
  type ActionRequest,
  type ClusterNode,
  type ClusterSummary,
} from "./live-protocol.js";
import type { DrawLatency } from "./draw-latency.js";

export interface ActionsOptions {
  token: string;
  cutBy?: "rules" | "disconnect";
  about: HTMLElement;
  status: HTMLElement;
  latency: DrawLatency;
}

const LABEL: Record<ActionKind, string> = {
  add: "join here",
  kill: "kill",
  stop: "stop",
  pause: "pause",
  resume: "resume",
  restart: "restart",
  cut: "cut off",
  heal: "heal",
};

export class ActionsUi {
  private busy = false;

  constructor(private readonly options: ActionsOptions) {}

  /**
   * The buttons of one node's row: what the server says applies to it now (it offers only what its
   * runtime can do, and a page opened before the runtime was known learns it from the summary).
   */
  buttonsFor(node: ClusterNode, summary: ClusterSummary): HTMLElement[] {
    const applies = new Set(node.actions ?? []);
    return ACTION_KINDS.filter((a) => applies.has(a)).map((action) => {
      const request: ActionRequest =
        action === "add" ? { action, via: node.name, ...summary.proposal } : { action, node: node.name };
      return this.button(LABEL[action], this.describe(request, node, summary), request);
    });
  }

  /** The add form: name, port and the member to join through, prefilled with the proposal. */
  addForm(form: HTMLFormElement, summary: ClusterSummary): void {
    const via = form.elements.namedItem("via") as HTMLSelectElement;
    const name = form.elements.namedItem("name") as HTMLInputElement;
    const port = form.elements.namedItem("port") as HTMLInputElement;
    const members = summary.nodes.filter((n) => n.actions?.includes("add")).map((n) => n.name);
    const chosen = via.value;
    via.replaceChildren(
      ...members.map((m) => {
        const o = document.createElement("option");
        o.value = o.textContent = m;
        return o;
      }),
    );
    if (members.includes(chosen)) via.value = chosen;
    if (summary.proposal && document.activeElement !== name && !form.dataset.edited) {
      name.value = summary.proposal.name;
      port.value = String(summary.proposal.port);
    }
  }

  bindForm(form: HTMLFormElement): void {
    form.addEventListener("input", () => (form.dataset.edited = "true"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const value = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
      const portText = value("port");
      const request: ActionRequest = {
        action: "add",
        via: value("via"),
        ...(value("name") ? { name: value("name") } : {}),
        ...(portText ? { port: Number(portText) } : {}),
      };
      delete form.dataset.edited;
      void this.send(request);
    });
  }

  private button(label: string, about: string, request: ActionRequest): HTMLButtonElement {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.dataset.action = request.action;
    b.title = about;
    b.disabled = this.busy;
    const show = () => (this.options.about.textContent = about);
    b.addEventListener("mouseenter", show);
    b.addEventListener("focus", show);
    b.addEventListener("click", () => void this.send(request));
    return b;
  }

  private async send(request: ActionRequest): Promise<void> {
    if (this.busy) return;
    const target = request.action === "add" ? (request.name ?? "a new node") : request.node;
    const timing = this.options.latency.clicked(request.action, target);
    this.setBusy(true);
    this.say(`${request.action} ${target}: sending…`, "pending");
    try {
      const response = await fetch("/api/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Joinlab-Token": this.options.token },
        body: JSON.stringify(request),
      });
      const reply = (await response.json()) as ActionReply;
      this.options.latency.answered(timing);
      if (reply.ok) this.say(`${reply.message} (applied in ${reply.appliedMs} ms)`, "done");
      else this.say(`${request.action} ${target} refused: ${reply.error}`, "error");
    } catch (err) {
      this.say(`${request.action} ${target}: no answer from the server (${(err as Error).message})`, "error");
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    for (const b of document.querySelectorAll<HTMLButtonElement>("#live button")) b.disabled = busy;
  }

  private say(text: string, kind: "pending" | "done" | "error"): void {
    this.options.status.textContent = text;
    this.options.status.dataset.kind = kind;
  }

  /** What the action will do, in a teacher's words. */
  private describe(request: ActionRequest, node: ClusterNode, summary: ClusterSummary): string {
    const name = node.name;
    const master = node.role === "master";
    switch (request.action) {
      case "add": {
        const chain = master
          ? ""
          : ` — a chain join: ${name} is not the master, so it answers and gossips the newcomer on`;
        return `add ${request.name ?? "a node"}${request.port ? ` (port ${request.port})` : ""}, joining through ${name}${chain}`;
      }
      case "kill":
        return `kill ${name}: SIGKILL, no goodbye. The others suspect it, then declare it failed${master ? "; it is the master, so they elect a new one" : ""}.`;
      case "stop":
        return `stop ${name} gracefully: SIGTERM. It announces that it leaves, so the others mark it left, never failed.`;
      case "pause":
        return `pause ${name}: freeze its process. It cannot answer probes, so the others suspect it and declare it failed; resume brings it back.`;
      case "resume":
        return `resume ${name}: it runs again, answers probes and refutes the suspicion; the others hold it alive again.`;
      case "restart":
        return `restart ${name}: kill it and start the same program at the same address: a new process with a new id replaces the old entry everywhere.`;
      case "cut":
        return `cut ${name} off the network (${this.options.cutBy === "rules" ? "rules in its network namespace drop every packet to and from the others" : "its container is disconnected from the run's network"}): each side declares the other failed${master ? "; the others elect a new master" : ""}.`;
      case "heal":
        return `heal ${name}'s network: traffic flows again and the two sides merge back into one view with one master${summary.masters.names.length > 1 ? " (there are two masters now)" : ""}.`;
    }
  }
}
