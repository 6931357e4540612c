// Node ids: random in the seed's range (rand.Intn(99999999)), and fresh ones that avoid taken ids.
import { randomInt } from "node:crypto";
import { MAX_NODE_ID } from "@joinlab/protocol";

export function randomNodeId(): number {
  return randomInt(0, MAX_NODE_ID + 1);
}

/** A random id not in `taken`; with 10^8 ids and a small cluster, a few draws always suffice. */
export function freshNodeId(taken: (id: number) => boolean): number {
  for (;;) {
    const id = randomNodeId();
    if (!taken(id)) return id;
  }
}
