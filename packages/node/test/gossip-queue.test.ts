// The gossip queue's order: the destination's own news first, then fewest-sent, newest among
// equals; each record dropped after `limit` sends. Checked against a plain sort of the whole queue
// over random sequences of queueing, forgetting and taking.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { GossipQueue } from "../src/membership/gossip-queue.js";
import type { MemberRecord } from "../src/membership/types.js";
import { memberRecord } from "./support/member-record.js";

const record = (id: number): MemberRecord => memberRecord({ id });

/** The order the queue promises, by sorting everything on every take. */
class SortingModel {
  private readonly queued = new Map<number, { sent: number; at: number }>();
  private clock = 0;

  enqueue(id: number): void {
    this.queued.set(id, { sent: 0, at: ++this.clock });
  }

  forget(id: number): void {
    this.queued.delete(id);
  }

  take(toId: number | undefined, limit: number, maxUpdates: number, known: Set<number>): number[] {
    const order = [...this.queued].sort(([, a], [, b]) => a.sent - b.sent || b.at - a.at).map(([id]) => id);
    if (toId !== undefined && this.queued.has(toId)) order.unshift(toId);
    const taken: number[] = [];
    for (const id of order) {
      if (taken.length >= maxUpdates) break;
      if (taken.includes(id)) continue;
      if (!known.has(id)) {
        this.forget(id);
        continue;
      }
      taken.push(id);
    }
    for (const id of taken) {
      const entry = this.queued.get(id) as { sent: number; at: number };
      if (entry.sent + 1 >= limit) this.forget(id);
      else entry.sent += 1;
    }
    return taken;
  }
}

const operation = fc.oneof(
  fc.record({ kind: fc.constant("enqueue" as const), id: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant("forget" as const), id: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant("unknown" as const), id: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant("take" as const),
    toId: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
    maxUpdates: fc.integer({ min: 1, max: 5 }),
  }),
);

describe("gossip queue", () => {
  it("takes the destination's news first, then fewest-sent and newest first, as a full sort would", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(operation, { maxLength: 80 }), (limit, ops) => {
        const [queue, model] = [new GossipQueue(), new SortingModel()];
        const known = new Set<number>(Array.from({ length: 12 }, (_, i) => i + 1));
        for (const op of ops) {
          if (op.kind === "enqueue") {
            known.add(op.id);
            queue.enqueue(op.id);
            model.enqueue(op.id);
          } else if (op.kind === "forget") {
            queue.forget(op.id);
            model.forget(op.id);
          } else if (op.kind === "unknown") {
            known.delete(op.id); // the member left the view: its queued id is dropped when met
          } else {
            const lookup = (id: number): MemberRecord | undefined => (known.has(id) ? record(id) : undefined);
            const got = queue.take({
              toId: op.toId,
              limit,
              maxUpdates: op.maxUpdates,
              budgetBytes: 65_000,
              lookup,
            });
            assert.deepEqual(
              got.map((r) => r.id),
              model.take(op.toId, limit, op.maxUpdates, known),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("stops filling a datagram at its byte budget and keeps the rest for the next", () => {
    const queue = new GossipQueue();
    for (let id = 1; id <= 10; id++) queue.enqueue(id);
    const size = Buffer.byteLength(JSON.stringify(record(10)));
    const take = (): number[] =>
      queue
        .take({ toId: undefined, limit: 3, maxUpdates: 10, budgetBytes: 3 * size, lookup: record })
        .map((r) => r.id);
    assert.deepEqual(take(), [10, 9, 8]);
    assert.deepEqual(take(), [7, 6, 5], "the unsent go before the once-sent");
    assert.equal(queue.size, 10);
  });

  it("drops a record after it was sent `limit` times, and a new record of it starts again", () => {
    const queue = new GossipQueue();
    queue.enqueue(1);
    const take = (): number[] =>
      queue
        .take({ toId: undefined, limit: 2, maxUpdates: 4, budgetBytes: 65_000, lookup: record })
        .map((r) => r.id);
    assert.deepEqual([take(), take(), take()], [[1], [1], []]);
    assert.equal(queue.size, 0);
    queue.enqueue(1);
    assert.deepEqual(take(), [1]);
  });
});
