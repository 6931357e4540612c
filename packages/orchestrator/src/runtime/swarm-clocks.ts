// A run's engine clocks: each reachable host's engine measured before the first node starts (its
// offset corrects that host's log timestamps as they arrive) and again after the last check (the
// difference is drift, which widens the bound). Hosts without a reachable engine are reported as
// unmeasured: their timestamps stand as the engine wrote them, and the merge's causal repair is
// all that orders them against the others.
import { measureEngineClock, runBoundUs, type ClockEstimate } from "./engine-clock.js";
import type { HostEngine, SwarmHosts } from "./swarm-hosts.js";
import type { ClockReport, EngineClockReport } from "./types.js";

const ms = (us: number) => Math.round(us) / 1000;

export class SwarmClocks {
  private readonly start = new Map<string, ClockEstimate>();

  private constructor(private readonly hosts: SwarmHosts) {}

  static async measure(hosts: SwarmHosts): Promise<SwarmClocks> {
    const clocks = new SwarmClocks(hosts);
    await Promise.all(
      hosts.eligible().map(async (h) => {
        if (h.client) clocks.start.set(h.host.id, await measureEngineClock(h.client));
      }),
    );
    return clocks;
  }

  /** Maps a host's engine timestamps to ours (µs); the identity for unmeasured hosts. */
  toLocal(nodeId: string): (engineT: number) => number {
    const offset = this.start.get(nodeId)?.offsetUs ?? 0;
    return (t) => Math.round(t - offset);
  }

  /** Short text for the run's environment event. */
  summary(): string {
    const bounds = [...this.start.values()].map((e) => e.boundUs);
    if (bounds.length === 0) return "no engine clock measured";
    return `${bounds.length} engine clock(s) measured (±${ms(Math.max(...bounds))} ms)`;
  }

  /** Measures again and reports every host. */
  async finish(): Promise<ClockReport> {
    const engines = await Promise.all(this.hosts.eligible().map((h) => this.reportOf(h)));
    const bounds = engines.flatMap((e) => (e.boundMs !== undefined ? [e.boundMs] : []));
    return { engines, ...(bounds.length ? { boundMs: Math.max(...bounds) } : {}) };
  }

  private async reportOf(h: HostEngine): Promise<EngineClockReport> {
    const host = h.host.hostname;
    const start = this.start.get(h.host.id);
    if (!h.client || !start) return { host, unmeasured: "no engine reachable for this host" };
    const end = await measureEngineClock(h.client).catch(() => undefined);
    return {
      host,
      startOffsetMs: ms(start.offsetUs),
      startBoundMs: ms(start.boundUs),
      ...(end ? { endOffsetMs: ms(end.offsetUs), endBoundMs: ms(end.boundUs) } : {}),
      boundMs: ms(runBoundUs(start, end)),
    };
  }
}
