// Node ids: random in the seed's range (rand.Intn(99999999)), and fresh ones that avoid taken ids.
import { MAX_NODE_ID } from "@joinlab/protocol";

/** Math.random, like the seed's math/rand: ids need spread, not secrecy, and node:crypto costs ~1 MiB RSS. */
export function randomNodeId(): number {
  return Math.floor(Math.random() * (MAX_NODE_ID + 1));
}

/** A random id not in `taken`; with 10^8 ids and a small cluster, a few draws always suffice. */
export function freshNodeId(taken: (id: number) => boolean): number {
  for (;;) {
    const id = randomNodeId();
    if (!taken(id)) return id;
  }
}
