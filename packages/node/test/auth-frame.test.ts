// The authenticated framing: unchanged bytes without a key, exact round trips with one, and the
// verifier's verdict on everything a peer without the key can send (property-based).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ClusterAuth, Keyring, type Opened } from "../src/auth/index.js";

const ring = (...keys: Buffer[]): Keyring => new Keyring(keys);
const [keyA, keyB, keyC] = [randomBytes(32), randomBytes(32), randomBytes(32)];
const payloadArb = fc.json({ maxDepth: 3 });
const labelArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const SELF = 4242;

/** A node's verifier on a clock the test moves. */
function node(options: { keys?: Buffer[]; label?: string; start?: number } = {}) {
  const clock = { now: options.start ?? 1_000_000 };
  const auth = new ClusterAuth({
    ...(options.keys ? { keyring: ring(...options.keys) } : {}),
    ...(options.label !== undefined ? { label: options.label } : {}),
    clock: () => clock.now,
    startedAt: clock.now - 1,
  });
  return { auth, clock };
}

function accepted(opened: Opened): Buffer {
  assert.ok(opened.ok, `accepted, got ${JSON.stringify(opened)}`);
  return opened.payload;
}

function rejectedFor(opened: Opened, reason: string): void {
  assert.ok(!opened.ok, "rejected");
  assert.equal(opened.reason, reason, opened.detail);
}

describe("framing without a key or label", () => {
  it("is the identity: the seed protocol's bytes, untouched, both ways", () => {
    const { auth } = node();
    fc.assert(
      fc.property(payloadArb, (payload) => {
        assert.equal(auth.sealDatagram(payload, SELF), payload);
        assert.deepEqual(auth.sealRequest(payload), { text: payload });
        assert.equal(auth.sealReply(payload, undefined), payload);
        assert.equal(accepted(auth.openRequest(Buffer.from(payload))).toString(), payload);
      }),
    );
  });

  it("refuses frames: another cluster's label, or a key it cannot check", () => {
    const { auth } = node();
    rejectedFor(
      auth.openDatagram(Buffer.from(node({ label: "blue" }).auth.sealDatagram("{}", SELF)), SELF),
      "wrong-label",
    );
    rejectedFor(
      auth.openDatagram(Buffer.from(node({ keys: [keyA] }).auth.sealDatagram("{}", SELF)), SELF),
      "unexpected-key",
    );
  });
});

describe("framing with a label only", () => {
  it("round-trips within the label and refuses other labels and raw bytes", () => {
    fc.assert(
      fc.property(payloadArb, labelArb, labelArb, (payload, mine, theirs) => {
        const a = node({ label: mine }).auth;
        const sealed = Buffer.from(a.sealDatagram(payload, SELF));
        assert.equal(JSON.parse(sealed.toString()).msg !== undefined, true, "the frame is one JSON object");
        assert.equal(accepted(node({ label: mine }).auth.openDatagram(sealed, SELF)).toString(), payload);
        if (theirs !== mine)
          rejectedFor(node({ label: theirs }).auth.openDatagram(sealed, SELF), "wrong-label");
        rejectedFor(a.openDatagram(Buffer.from(payload), SELF), "wrong-label");
      }),
    );
  });
});

describe("framing with a key", () => {
  it("round-trips every payload exactly once, on every channel", () => {
    fc.assert(
      fc.property(payloadArb, fc.option(labelArb, { nil: undefined }), (payload, label) => {
        const sender = node({ keys: [keyA], ...(label ? { label } : {}) }).auth;
        const receiver = node({ keys: [keyA], ...(label ? { label } : {}) }).auth;
        const datagram = Buffer.from(sender.sealDatagram(payload, SELF));
        assert.equal(accepted(receiver.openDatagram(datagram, SELF)).toString(), payload);
        rejectedFor(receiver.openDatagram(datagram, SELF), "replay");
        const request = sender.sealRequest(payload);
        const opened = receiver.openRequest(Buffer.from(request.text));
        assert.equal(accepted(opened).toString(), payload);
        const reply = Buffer.from(receiver.sealReply(payload, opened.ok ? opened.nonce : undefined));
        assert.equal(accepted(sender.openReply(reply, request.nonce)).toString(), payload);
      }),
    );
  });

  it("tells a node without the key that it must have one, and one with another key that it is not known", () => {
    const receiver = node({ keys: [keyA] }).auth;
    rejectedFor(receiver.openRequest(Buffer.from('{"source":{}}')), "unsigned");
    rejectedFor(
      receiver.openRequest(Buffer.from(node({ keys: [keyC] }).auth.sealRequest("{}").text)),
      "unknown-key",
    );
    rejectedFor(
      receiver.openRequest(Buffer.from(node({ label: "x" }).auth.sealRequest("{}").text)),
      "wrong-label",
    );
  });

  it("binds a datagram to its destination, a reply to its request, and each to its channel", () => {
    const sender = node({ keys: [keyA] }).auth;
    const receiver = node({ keys: [keyA] }).auth;
    rejectedFor(receiver.openDatagram(Buffer.from(sender.sealDatagram("{}", 7)), SELF), "misdirected");
    const request = sender.sealRequest("{}");
    const reply = Buffer.from(receiver.sealReply("{}", "AAAAAAAAAAAAAAAA"));
    rejectedFor(sender.openReply(reply, request.nonce), "bad-mac");
    // A request and a reply have the same fields: only the channel in the MAC tells them apart.
    rejectedFor(sender.openReply(Buffer.from(request.text), undefined), "bad-mac");
    // A datagram names its receiver and a join line does not: the grammar tells those apart.
    rejectedFor(receiver.openRequest(Buffer.from(sender.sealDatagram("{}", SELF))), "bad-frame");
    rejectedFor(receiver.openDatagram(Buffer.from(request.text), SELF), "bad-frame");
  });

  it("refuses a frame outside the window, or signed before the receiver started", () => {
    const sender = node({ keys: [keyA] });
    const receiver = node({ keys: [keyA], start: sender.clock.now - 60_000 });
    receiver.clock.now = sender.clock.now + 31_000;
    rejectedFor(receiver.auth.openDatagram(Buffer.from(sender.auth.sealDatagram("{}", SELF)), SELF), "stale");
    receiver.clock.now = sender.clock.now - 31_000;
    rejectedFor(receiver.auth.openDatagram(Buffer.from(sender.auth.sealDatagram("{}", SELF)), SELF), "stale");
    const restarted = node({ keys: [keyA], start: sender.clock.now + 1000 });
    rejectedFor(
      restarted.auth.openDatagram(Buffer.from(sender.auth.sealDatagram("{}", SELF)), SELF),
      "stale",
    );
  });

  it("rotates without downtime: every step of the documented rotation keeps every pair talking", () => {
    // 1. all [A]; 2. one by one [A, B] (A signs, B accepted); 3. one by one [B, A]; 4. one by one [B].
    const steps = [
      [[keyA]],
      [[keyA], [keyA, keyB]],
      [[keyA, keyB]],
      [
        [keyA, keyB],
        [keyB, keyA],
      ],
      [[keyB, keyA]],
      [[keyB, keyA], [keyB]],
      [[keyB]],
    ];
    for (const rings of steps) {
      for (const from of rings) {
        for (const to of rings) {
          const frame = Buffer.from(node({ keys: from }).auth.sealDatagram("{}", SELF));
          accepted(node({ keys: to }).auth.openDatagram(frame, SELF));
        }
      }
    }
  });
});

/**
 * What a rogue without the key can send: anything at all, frames carrying the cluster's real key
 * id and label with made-up MACs, frames signed with its own key, and genuine frames it captured
 * (replayed, replayed late, sent to another node, or altered in one byte).
 */
describe("the verifier against a rogue (property-based)", () => {
  it("accepts no forged, altered, misdirected or replayed frame among 100,000", () => {
    const cluster = node({ keys: [keyA], label: "prod" });
    const member = node({ keys: [keyA], label: "prod" });
    const rogue = node({ keys: [keyC], label: "prod" }).auth;
    const kid = ring(keyA).signer.id;
    // Captured genuine traffic, each frame already delivered once (so every resend is a replay).
    const captured = Array.from({ length: 64 }, (_, i) => {
      const frame = Buffer.from(
        member.auth.sealDatagram(JSON.stringify({ type: "ping", from: i, seq: i }), SELF),
      );
      accepted(cluster.auth.openDatagram(frame, SELF));
      return frame;
    });
    const forgedHeader = fc
      .record({
        ts: fc.integer({ min: 0, max: 2 ** 45 }),
        nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
        mac: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        to: fc.constantFrom(SELF, 7),
      })
      .map(
        ({ ts, nonce, mac, to }) =>
          `{"cluster":{"v":1,"label":"prod","kid":"${kid}","ts":${ts},"nonce":"${Buffer.from(nonce).toString("base64url")}","to":${to},"mac":"${Buffer.from(mac).toString("base64url")}"},"msg":{"type":"ping","from":1,"seq":1}}`,
      );
    const attack = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      payloadArb.map((json) => Buffer.from(json)),
      forgedHeader.map((text) => Buffer.from(text)),
      payloadArb.map((json) => Buffer.from(rogue.sealDatagram(json, SELF))),
      fc.constantFrom(...captured),
      fc
        .tuple(fc.constantFrom(...captured), fc.nat(), fc.integer({ min: 1, max: 255 }))
        .map(([frame, at, xor]) => {
          const altered = Buffer.from(frame);
          altered[at % altered.length] = (altered[at % altered.length] as number) ^ xor;
          return altered;
        }),
      fc.constantFrom(...captured).map((frame) => ({ frame, late: true })),
    );
    let sent = 0;
    fc.assert(
      fc.property(attack, (input) => {
        sent++;
        const late = !Buffer.isBuffer(input);
        const bytes = Buffer.isBuffer(input) ? input : input.frame;
        if (late) cluster.clock.now += 31_000;
        const verdict = cluster.auth.openDatagram(bytes, SELF);
        if (late) cluster.clock.now -= 31_000;
        assert.ok(!verdict.ok, `accepted ${bytes.toString("latin1").slice(0, 200)}`);
      }),
      { numRuns: 100_000 },
    );
    assert.equal(sent, 100_000);
  });
});
