// The members this node knows about: itself, the node it joined through, and nodes that joined via it.
import type { WireRole } from "@joinlab/protocol";

export interface Member {
  nodeId: number;
  /** Advertised "host:port". */
  address: string;
  /** As far as this node knows; undefined for a seed node, which never says. */
  role?: WireRole;
}

/**
 * Keyed by node id, which is what makes ids unique: a join from a known id at another address is
 * given a fresh id (see join-responder.ts). The membership module extends this set later.
 */
export class KnownMembers {
  readonly #byId = new Map<number, Member>();

  has(nodeId: number): boolean {
    return this.#byId.has(nodeId);
  }

  get(nodeId: number): Member | undefined {
    return this.#byId.get(nodeId);
  }

  upsert(member: Member): void {
    this.#byId.set(member.nodeId, member);
  }

  delete(nodeId: number): boolean {
    return this.#byId.delete(nodeId);
  }

  get size(): number {
    return this.#byId.size;
  }

  list(): Member[] {
    return [...this.#byId.values()];
  }
}
