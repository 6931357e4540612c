// rogue-peer: a keyed cluster and one more container on its network, running joinlab-rogue without
// the key. The rogue knows every member's id and address, the label and the key id; it holds
// recordings of genuine frames; it does not have the key. Nothing it sends may get in.
import { randomBytes } from "node:crypto";
import { ClusterAuth, Keyring, decodeKey } from "@joinlab/node";
import { MEMBERSHIP_CHECKS } from "../checks/registry.js";
import { starNodes } from "./topology.js";
import { nodeName, portOf, type NodeSpec, type ScenarioDefinition, type ScenarioSpec } from "./types.js";

const LABEL = "rogue-peer";
/** The rogue's datagrams in all, and their pace (a flood the nodes must shrug off). */
const DATAGRAMS = 100_000;
const RATE = 10_000;
/** Recordings are this old: from before any node of the run started. */
const RECORDED_AGO_MS = 10 * 60_000;

/** Fixed ids, so the rogue can aim at each member by id (as anyone who saw one datagram could). */
const idOf = (index: number): number => 1000 + index;

export const roguePeer: ScenarioDefinition = {
  name: "rogue-peer",
  summary: `N keyed nodes (default 5) and a rogue without the key: joins, forged claims, replays, a ${DATAGRAMS.toLocaleString("en")}-datagram flood; nothing gets in`,
  nodes: { default: 5, min: 3, max: 16 },
  build: ({ nodes = 5 }) => roguePeerScenario(nodes),
};

function roguePeerScenario(count: number): ScenarioSpec {
  // A key made for this run only. It is passed with --clusterKey, so it shows in results.json:
  // fine for a throwaway test key, never for a real one (use --clusterKeyFile).
  const key = randomBytes(32).toString("base64");
  const members = starNodes(count).map((node, i): NodeSpec => ({
    ...node,
    flags: ["--clusterKey", key, "--clusterLabel", LABEL, "--nodeId", String(idOf(i + 1))],
  }));
  return {
    name: "rogue-peer",
    description:
      `${count} nodes with a cluster key and label, node1 master; once all are ready, a rogue container ` +
      "on the same network (joinlab-rogue, without the key) tries seed, unsigned, self-signed, forged-MAC, " +
      "wrong-label and replayed joins on every member, then forged failed/alive/master/leave/ping/sync " +
      `datagrams in every wrapping, recorded frames as they were and altered, and a flood up to ` +
      `${DATAGRAMS.toLocaleString("en")} datagrams. Nothing may get in: no view holds the rogue or believes ` +
      "a forged claim, the master stays, the rogue receives nothing, and the nodes log every kind of refusal.",
    nodes: [...members, rogueNode(count, key, members)],
    checks: [...MEMBERSHIP_CHECKS, "rogue-refused"],
    requires: ["rogue"],
    // The flood takes about DATAGRAMS / RATE seconds after the joins; the run ends once the checks pass.
    settleMs: 90_000,
  };
}

function rogueNode(count: number, key: string, members: NodeSpec[]): NodeSpec {
  const targets = members.map((m, i) => ["--member", `${idOf(i + 1)}@${m.name}:${m.port}`]);
  return {
    name: "rogue",
    port: portOf(count + 1),
    clusterip: nodeName(1),
    program: "rogue",
    expect: { rogue: true },
    startAfter: members.map((m) => ({ node: m.name, state: "ready" as const })),
    flags: [
      "--linger",
      "--label",
      LABEL,
      "--datagrams",
      String(DATAGRAMS),
      "--rate",
      String(RATE),
      ...targets.flat(),
      ...recordings(key, members.length).flatMap((r) => ["--capture", r]),
    ],
  };
}

/**
 * What the rogue could hold of genuine traffic: no member ever addresses it and Docker's bridge
 * shows it nothing of others', so it can only have frames recorded earlier. They are made here,
 * with the run's key, by the nodes' own sealing code, dated before the run: a ping to every
 * member and a join request.
 */
function recordings(key: string, count: number): string[] {
  const recordedAt = Date.now() - RECORDED_AGO_MS;
  const auth = new ClusterAuth({
    keyring: new Keyring([decodeKey(key, "the run's key")]),
    label: LABEL,
    clock: () => recordedAt,
  });
  const pings = Array.from({ length: count }, (_, i) =>
    auth.sealDatagram(JSON.stringify({ type: "ping", from: idOf(1), seq: i + 1 }), idOf(i + 1)),
  );
  const join = auth.sealRequest(
    JSON.stringify({
      source: { nodeId: 4242, nodeIpAddr: "10.0.0.99", Port: "8099" },
      dest: { nodeId: -1, nodeIpAddr: nodeName(1), Port: String(portOf(1)) },
      message: "Hi nody.. 请添加我到集群..",
      membership: { gen: recordedAt },
    }),
  ).text;
  const b64 = (text: string): string => Buffer.from(text).toString("base64");
  return [...pings.map((p) => `datagram:${b64(p)}`), `join:${b64(join)}`];
}
