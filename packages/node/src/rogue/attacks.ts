// What a peer without the cluster key can send. It knows everything but the key: the members' ids
// and addresses, the cluster's label and key id, and any frames it recorded. Each claim it would
// like the cluster to believe is sent in every wrapping it can make; recorded frames are resent as
// they are and altered. Pure: the rogue program sends what this returns.
import { randomBytes } from "node:crypto";
import { ClusterAuth } from "../auth/cluster-auth.js";
import { parseFrame } from "../auth/frame.js";
import { Keyring } from "../auth/keyring.js";
import type { MemberRecord } from "../membership/types.js";
import { encodeMessage, type MembershipMessage } from "../membership/wire.js";

export interface Target {
  id: number;
  host: string;
  port: number;
}

export interface RogueKit {
  /** The real members (their ids are no secret: they are in every datagram). */
  targets: Target[];
  /** The rogue itself, as it would like to appear in views. */
  self: Target;
  /** The cluster's label (sent in clear in every frame). */
  label: string;
  /** Frames recorded earlier: datagrams and join lines. */
  captured: { kind: "datagram" | "join"; bytes: Buffer }[];
}

export interface Attack {
  /** claim/wrapping, e.g. "forged-failed/own-key" or "replay/datagram". */
  name: string;
  to: Target;
  bytes: Buffer;
}

/** The claims the rogue would like a member to believe, as plain membership messages. */
export function forgedClaims(kit: RogueKit, to: Target): { claim: string; msg: MembershipMessage }[] {
  const others = kit.targets.filter((t) => t.id !== to.id);
  const liar = others[0] ?? to;
  const record = (t: Target, over: Partial<MemberRecord>): MemberRecord => ({
    id: t.id,
    addr: t.host,
    port: t.port,
    role: "member",
    state: "alive",
    inc: 1000,
    epoch: 0,
    gen: Date.now(),
    ...over,
  });
  const ghost = record(kit.self, {});
  return [
    ...others.map((m) => ({
      claim: "forged-failed",
      msg: { type: "update", from: liar.id, updates: [record(m, { state: "failed" })] } as MembershipMessage,
    })),
    { claim: "forged-alive", msg: { type: "update", from: kit.self.id, updates: [ghost] } },
    {
      claim: "forged-alive",
      msg: {
        type: "update",
        from: liar.id,
        updates: [record(liar, { addr: kit.self.host, port: kit.self.port })],
      },
    },
    {
      claim: "forged-master",
      msg: { type: "update", from: kit.self.id, updates: [{ ...ghost, role: "master", epoch: 1000 }] },
    },
    {
      claim: "forged-master",
      msg: { type: "update", from: liar.id, updates: [record(liar, { role: "master", epoch: 1000 })] },
    },
    { claim: "forged-leave", msg: { type: "leave", from: liar.id, inc: 1000 } },
    { claim: "forged-ping", msg: { type: "ping", from: liar.id, seq: 1 } },
    {
      claim: "forged-sync",
      msg: {
        type: "sync",
        from: liar.id,
        part: 0,
        parts: 1,
        members: [ghost, ...others.map((m) => record(m, { state: "failed" }))],
      },
    },
  ];
}

/** Every wrapping the rogue can put around a payload for member `to`. */
export function wrappings(kit: RogueKit, payload: string, to: Target): { wrap: string; bytes: Buffer }[] {
  const ownKey = new ClusterAuth({ keyring: new Keyring([randomBytes(32)]), label: kit.label });
  const kid = clusterKeyId(kit);
  const forgedHeader =
    `{"cluster":{"v":1,"label":"${kit.label}","kid":"${kid ?? "00000000"}","ts":${Date.now()},` +
    `"nonce":"${randomBytes(12).toString("base64url")}","to":${to.id},"mac":"${randomBytes(32).toString("base64url")}"},"msg":`;
  return [
    { wrap: "unsigned", bytes: Buffer.from(payload) },
    { wrap: "own-key", bytes: Buffer.from(ownKey.sealDatagram(payload, to.id)) },
    { wrap: "forged-mac", bytes: Buffer.from(`${forgedHeader}${payload}}`) },
    {
      wrap: "wrong-label",
      bytes: Buffer.from(new ClusterAuth({ label: `${kit.label}-x` }).sealDatagram(payload, to.id)),
    },
    { wrap: "bad-frame", bytes: Buffer.from(`{"cluster":{"v":1,"label":${payload}}`) },
  ];
}

/** One round of every datagram attack against every member. */
export function datagramAttacks(kit: RogueKit): Attack[] {
  const attacks: Attack[] = [];
  for (const to of kit.targets) {
    for (const { claim, msg } of forgedClaims(kit, to)) {
      for (const { wrap, bytes } of wrappings(kit, encodeMessage(msg), to))
        attacks.push({ name: `${claim}/${wrap}`, to, bytes });
    }
    for (const { bytes } of kit.captured.filter((c) => c.kind === "datagram")) {
      attacks.push({ name: "replay/as-recorded", to, bytes });
      attacks.push({ name: "replay/altered", to, bytes: flipOneByte(bytes) });
    }
    attacks.push({ name: "garbage/random", to, bytes: randomBytes(64 + Math.floor(Math.random() * 400)) });
  }
  return attacks;
}

/** Join request lines (without the newline) the rogue tries on each member. */
export function joinAttacks(kit: RogueKit, to: Target): { name: string; line: string }[] {
  const request = JSON.stringify({
    source: { nodeId: kit.self.id, nodeIpAddr: kit.self.host, Port: String(kit.self.port) },
    dest: { nodeId: -1, nodeIpAddr: to.host, Port: String(to.port) },
    message: "Hi nody.. 请添加我到集群..",
    membership: { gen: Date.now() },
  });
  const lines = wrappings(kit, request, to).map(({ wrap, bytes }) => ({
    name: `join/${wrap}`,
    line: bytes.toString(),
  }));
  for (const { bytes } of kit.captured.filter((c) => c.kind === "join")) {
    lines.push({ name: "join/replay", line: bytes.toString() });
  }
  return lines;
}

/** The key id the cluster signs with, read from a recorded frame's header (it is sent in clear). */
export function clusterKeyId(kit: RogueKit): string | undefined {
  for (const { bytes } of kit.captured) {
    const frame = parseFrame(bytes);
    if (frame.kind === "frame" && frame.header.kid !== undefined) return frame.header.kid;
  }
  return undefined;
}

function flipOneByte(bytes: Buffer): Buffer {
  const altered = Buffer.from(bytes);
  const at = Math.floor(Math.random() * altered.length);
  altered[at] = (altered[at] as number) ^ (1 + Math.floor(Math.random() * 255));
  return altered;
}
