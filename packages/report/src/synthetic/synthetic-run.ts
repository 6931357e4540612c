// A large run made up, for the bench and the scale test: n nodes joining a master one after the
// other (each join gossiped to every member), then pause/resume rounds (every survivor suspects,
// fails and takes back the paused node) until the timeline holds the events asked for, then the
// master killed and a new one elected. Shaped like real logs; deterministic.
import type { ReportEntry, ReportLogLine } from "../model/types.js";

export interface SyntheticOptions {
  nodes: number;
  events: number;
}

export interface SyntheticRun {
  entries: ReportEntry[];
  scenario: { name: string; description: string; nodes: { name: string; port: number }[] };
}

export function syntheticRun({ nodes, events }: SyntheticOptions): SyntheticRun {
  const w = new Writer(nodes);
  w.bringUp();
  for (let round = 0; w.entries.length < events - 4 * nodes; round++) w.pauseRound(1 + (round % (nodes - 1)));
  w.killMaster();
  return {
    entries: w.entries,
    scenario: {
      name: `synthetic-${nodes}`,
      description: `${nodes} generated nodes, ${w.entries.length} entries: star join, pause rounds, master crash`,
      nodes: w.names.map((name, i) => ({ name, port: 8001 + i })),
    },
  };
}

class Writer {
  readonly entries: ReportEntry[] = [];
  readonly names: string[];
  private readonly ids: number[];
  private readonly seq: number[];
  private t = Date.UTC(2026, 11, 1, 12) * 1000;
  private rand = 7;

  constructor(n: number) {
    this.names = Array.from({ length: n }, (_, i) => `node${i + 1}`);
    this.ids = this.names.map((_, i) => 10_000_000 + i * 7_919);
    this.seq = this.names.map(() => 0);
  }

  bringUp(): void {
    this.orch("run.started", `scenario synthetic, ${this.names.length} node(s)`);
    this.node(0, "node.started", `node ${this.ids[0]} starting on port 8001`, {
      port: 8001,
      advertise: "node1",
      clusterip: "node1:8001",
    });
    this.node(0, "master.started", "no cluster answered; starting as master");
    this.node(0, "node.ready", "ready as master", { role: "master", port: 8001 });
    for (let k = 1; k < this.names.length; k++) this.join(k);
  }

  private join(k: number): void {
    const port = 8001 + k;
    this.orch("launched", "node program started", this.names[k]);
    this.node(k, "node.started", `node ${this.ids[k]} starting on port ${port}`, {
      port,
      advertise: this.names[k],
      clusterip: "node1:8001",
    });
    this.node(k, "join.request.sent", "asking node1:8001 to add this node to its cluster", {
      peer: "node1:8001",
    });
    this.node(0, "join.request.received", `join request from node ${this.ids[k]}`, {
      peer: this.addr(k),
      peerId: this.ids[k],
    });
    this.node(
      0,
      "member.joined",
      `member ${this.ids[k]} joined (join)`,
      this.about(k, { via: "join", by: this.ids[0] }),
    );
    this.node(0, "join.response.sent", `answered node ${this.ids[k]} as master`, {
      peer: this.addr(k),
      peerId: this.ids[k],
      role: "master",
    });
    this.node(k, "join.response.received", `node ${this.ids[0]} answered`, {
      peer: "node1:8001",
      peerId: this.ids[0],
    });
    this.node(k, "node.joined", `joined the cluster through node ${this.ids[0]}`, {
      role: "member",
      peerId: this.ids[0],
    });
    for (let m = 0; m < k; m++)
      this.node(
        k,
        "member.joined",
        `member ${this.ids[m]} joined (join-response)`,
        this.about(m, { via: "join-response", by: this.ids[0] }),
      );
    this.node(k, "node.ready", "ready as member", { role: "member", port });
    for (let m = 1; m < k; m++)
      this.node(
        m,
        "member.joined",
        `member ${this.ids[k]} joined (gossip)`,
        this.about(k, { via: "gossip", by: this.ids[this.pick(m, k)] }),
      );
  }

  pauseRound(target: number): void {
    this.tick(400_000);
    this.orch("fault.pause", `pause ${this.names[target]}`, this.names[target]);
    const others = this.names.map((_, i) => i).filter((i) => i !== target);
    for (const o of others)
      this.node(
        o,
        "member.suspect",
        `member ${this.ids[target]} suspected`,
        this.about(target, { by: this.ids[this.pick(o, target)] }),
      );
    this.tick(500_000);
    for (const o of others)
      this.node(
        o,
        "member.failed",
        `member ${this.ids[target]} failed`,
        this.about(target, { by: this.ids[o], previous: "suspect" }),
      );
    this.tick(2_000_000);
    this.orch("fault.unpause", `unpause ${this.names[target]}`, this.names[target]);
    this.node(target, "member.alive", "refuted being suspect", {
      peerId: this.ids[target],
      self: true,
      refuted: "suspect",
    });
    for (const o of others)
      this.node(
        o,
        "member.alive",
        `member ${this.ids[target]} alive again (was failed)`,
        this.about(target, { by: this.ids[target], previous: "failed" }),
      );
  }

  killMaster(): void {
    this.tick(400_000);
    this.orch("fault.kill", "kill node1", "node1");
    const others = this.names.map((_, i) => i).slice(1);
    for (const o of others)
      this.node(
        o,
        "member.failed",
        `member ${this.ids[0]} failed`,
        this.about(0, { by: this.ids[o], previous: "suspect" }),
      );
    this.node(1, "master.elected", "this node is master (epoch 2)", {
      peerId: this.ids[1],
      self: true,
      change: "promoted",
      epoch: 2,
    });
    for (const o of others.slice(1))
      this.node(o, "master.elected", `master is ${this.ids[1]} (epoch 2)`, {
        peerId: this.ids[1],
        self: false,
        change: "changed",
        epoch: 2,
      });
    this.orch("run.verified", "verdict true");
  }

  private about(k: number, extra: Record<string, unknown>): Record<string, unknown> {
    return { peerId: this.ids[k], peer: this.addr(k), inc: 0, ...extra };
  }

  private addr(k: number): string {
    return `${this.names[k]}:${8001 + k}`;
  }

  /** A member other than `self` and `about`, chosen by a small fixed generator. */
  private pick(self: number, about: number): number {
    for (;;) {
      this.rand = (this.rand * 1_103_515_245 + 12_345) % 2_147_483_648;
      const k = this.rand % this.names.length;
      if (k !== self && k !== about) return k;
    }
  }

  private tick(us: number): void {
    this.t += us;
  }

  private node(k: number, event: string, message: string, fields: Record<string, unknown> = {}): void {
    this.tick(150 + (this.entries.length % 7) * 40);
    const line: ReportLogLine = {
      time: new Date(Math.floor(this.t / 1000)).toISOString(),
      level: "info",
      seq: ++this.seq[k]!,
      nodeId: this.ids[k]!,
      name: this.names[k],
      event,
      message,
      ...fields,
    };
    this.entries.push({ kind: "event", node: this.names[k]!, t: this.t, line });
  }

  private orch(event: string, message: string, node?: string): void {
    this.tick(100);
    this.entries.push({
      kind: "orchestrator",
      t: this.t,
      event: { event, message, ...(node ? { node } : {}) },
    });
  }
}
