// Test helpers for membership on loopback: the seed's four-node topology, and timings read from log lines.
import { freePort, type NodeFleet, type NodeProcess, type TestLogLine } from "./node-process.js";

export interface Member {
  name: string;
  node: NodeProcess;
  port: number;
  /** The id the node ended up with (from its node.ready line). */
  id: number;
}

/** Starts a joinlab joiner on `port` (a free one by default) and waits until it is ready. */
export async function joinVia(
  fleet: NodeFleet,
  name: string,
  clusterPort: number,
  extra: string[] = [],
  port?: number,
): Promise<Member> {
  const myport = port ?? (await freePort());
  const node = fleet.spawn([
    "--name",
    name,
    "--myport",
    String(myport),
    "--clusterip",
    `127.0.0.1:${clusterPort}`,
    ...extra,
  ]);
  const ready = await node.event("node.ready", `${name} ready`);
  return { name, node, port: myport, id: ready.nodeId };
}

/** The seed article's demo: master; a and b join the master; c joins through a (the chain join). */
export async function seedTopology(
  fleet: NodeFleet,
  extra: (name: string) => string[] = () => [],
): Promise<Member[]> {
  const master = await fleet.master(["--name", "master", ...extra("master")]);
  const ready = await master.node.event("node.ready");
  const m: Member = { name: "master", node: master.node, port: master.port, id: ready.nodeId };
  const a = await joinVia(fleet, "a", m.port, extra("a"));
  const b = await joinVia(fleet, "b", m.port, extra("b"));
  const c = await joinVia(fleet, "c", a.port, extra("c"));
  return [m, a, b, c];
}

/** Bounded wait for `event` about `peerId` (and whatever else `match` demands) on one node. */
export function awaitAbout(
  member: Member,
  event: string,
  peerId: number,
  match: (line: TestLogLine) => boolean = () => true,
): Promise<TestLogLine> {
  return member.node.waitFor(
    (line) => line.event === event && line.peerId === peerId && match(line),
    `${member.name}: ${event} about ${peerId}`,
  );
}

export function linesOf(member: Member, event: string, peerId?: number): TestLogLine[] {
  return member.node.lines.filter(
    (line) => line.event === event && (peerId === undefined || line.peerId === peerId),
  );
}

/** Milliseconds from `since` (epoch ms) to a log line's own timestamp. */
export function msAfter(since: number, line: TestLogLine): number {
  return Date.parse(line.time) - since;
}
