// The live page's script, run after the report page's: it reads its boot data, draws the live
// panel (the teacher's answers, the nodes, and in a playground the controls), and feeds the
// report page from the server's event stream. window.joinlabLive exposes its figures (the bench
// reads them) and a reconnect (as a dropped connection would).
import type { ReportApi } from "../browser/main.js";
import { hydrateModel } from "../model/stored-model.js";
import { ActionsUi } from "./actions-ui.js";
import { renderAnswers, renderNodes } from "./cluster-panel.js";
import { EventStream, type StreamStatus } from "./event-stream.js";
import type { ClusterSummary, LiveBoot, RunEnded, StreamMessages } from "./live-protocol.js";
import { LiveWindow } from "./live-window.js";

interface Panel {
  status: HTMLElement;
  answers: HTMLElement;
  rows: HTMLTableSectionElement;
  about: HTMLElement;
  actionStatus: HTMLElement;
  form?: HTMLFormElement;
}

function readBoot(): LiveBoot {
  return JSON.parse(document.getElementById("joinlab-live")?.textContent ?? "null") as LiveBoot;
}

function buildPanel(root: HTMLElement, boot: LiveBoot): Panel {
  const controls = boot.mode === "playground";
  root.innerHTML = `<h2>${controls ? "Playground" : "Live"} <span class="live-status" id="live-status"></span></h2>
<div class="answers" id="answers"></div>
${controls ? `<p class="about" id="action-about">Point at an action to see what it will do.</p><p class="action-status" id="action-status" role="status"></p>` : `<p class="about" id="action-about" hidden></p><p class="action-status" id="action-status" hidden></p>`}
<table class="cluster-nodes"><thead><tr><th>node</th><th>address</th><th>state</th><th>role</th><th>its master</th><th>its view of the others</th>${controls ? "<th>actions</th>" : ""}</tr></thead><tbody id="cluster-rows"></tbody></table>
${controls ? `<form id="add-node" class="add-node">add a node: <label>name <input name="name" size="8" maxlength="31" autocomplete="off"></label> <label>port <input name="port" size="6" inputmode="numeric" autocomplete="off"></label> <label>joining through <select name="via"></select></label> <button type="submit">add</button></form>` : ""}`;
  const get = (id: string) => document.getElementById(id)!;
  return {
    status: get("live-status"),
    answers: get("answers"),
    rows: get("cluster-rows") as HTMLTableSectionElement,
    about: get("action-about"),
    actionStatus: get("action-status"),
    ...(controls ? { form: get("add-node") as HTMLFormElement } : {}),
  };
}

function start(): void {
  const api = (window as unknown as { joinlabReport: ReportApi }).joinlabReport;
  const boot = readBoot();
  const panel = buildPanel(document.getElementById("live")!, boot);
  const live = new LiveWindow(api, boot.window, boot.dropped);
  const actions =
    boot.mode === "playground"
      ? new ActionsUi({
          token: boot.token,
          ...(boot.cutBy ? { cutBy: boot.cutBy } : {}),
          about: panel.about,
          status: panel.actionStatus,
          latency: live.latency,
        })
      : undefined;
  if (actions && panel.form) actions.bindForm(panel.form);
  let cluster = boot.cluster;
  let ended: RunEnded | undefined = boot.ended;
  let status: { status: StreamStatus; detail: string } = { status: "connecting", detail: "" };
  let shownCluster = "";
  const showCluster = (summary: ClusterSummary) => {
    cluster = summary;
    // The summary comes several times a second, mostly unchanged: the panel is redrawn on a change.
    const text = JSON.stringify(summary);
    if (text === shownCluster) return;
    shownCluster = text;
    renderAnswers(panel.answers, summary);
    renderNodes(
      {
        answers: panel.answers,
        rows: panel.rows,
        ...(actions ? { actionsFor: (n, s) => actions.buttonsFor(n, s) } : {}),
      },
      summary,
    );
    if (actions && panel.form) actions.addForm(panel.form, summary);
  };
  const showStatus = () => showStreamStatus(panel.status, status, live, ended);
  live.onApplied(showStatus);
  showCluster(cluster);
  const stream = new EventStream(`/events?session=${encodeURIComponent(boot.session)}`, boot.lastEventId, {
    message(event, data) {
      handle(event, data);
    },
    status(s, detail) {
      status = { status: s, detail };
      showStatus();
    },
  });
  const handle = <E extends keyof StreamMessages>(event: E, data: StreamMessages[E]) => {
    if (event === "entries") live.add((data as StreamMessages["entries"]).entries);
    else if (event === "checks") live.setChecks((data as StreamMessages["checks"]).checks);
    else if (event === "cluster") showCluster(data as ClusterSummary);
    else if (event === "final") {
      const final = data as StreamMessages["final"];
      ended = final;
      if (final.model) live.load(hydrateModel(final.model));
      showStatus();
    } else if (event === "reset") location.reload();
  };
  if (!ended) stream.open();
  else showStatus();
  (window as unknown as { joinlabLive: unknown }).joinlabLive = {
    stats: () => ({ ...live.latency.stats(), total: live.total, onPage: api.model().eventCount }),
    reconnect: () => stream.reconnect(),
    status: () => ({
      ...status,
      lastEventId: stream.lastEventId,
      pending: live.pending,
      ended: ended !== undefined,
      cluster,
    }),
  };
  document.body.dataset.live = "true";
}

function showStreamStatus(
  box: HTMLElement,
  s: { status: StreamStatus; detail: string },
  live: LiveWindow,
  ended: RunEnded | undefined,
): void {
  const held = live.dropped
    ? ` (the page holds the newest ${(live.total - live.dropped).toLocaleString("en")})`
    : "";
  const count = `${live.total.toLocaleString("en")} entries${held}`;
  const verdict = (v: RunEnded["verdict"]) => (v === true ? "VALID" : v === false ? "INVALID" : "UNKNOWN");
  const text = ended
    ? `ended, ${verdict(ended.verdict)} · ${count} · the report: ${ended.report}`
    : s.status === "live"
      ? `● live · ${count}`
      : `${s.status}${s.detail ? `: ${s.detail}` : ""} · ${count}`;
  box.textContent = text;
  box.dataset.status = ended ? "ended" : s.status;
}

start();
