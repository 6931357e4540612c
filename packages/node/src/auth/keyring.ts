// The accepted cluster keys: the first one signs, every one verifies (so a cluster can rotate its
// key without downtime). Each key is stretched with HKDF into a MAC key and a public key id, so the
// raw key is used for nothing else and the id reveals nothing about it.
import { createHmac, hkdfSync } from "node:crypto";
import { inspect } from "node:util";

export interface ClusterKey {
  /** 8 hex digits, sent in every frame so a verifier picks the key without trying each one. */
  readonly id: string;
  /** HMAC-SHA256 key derived from the cluster key; never leaves this process. */
  readonly macKey: Buffer;
}

const SALT = Buffer.from("joinlab cluster key v1");

function derive(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key, SALT, purpose, 32));
}

function clusterKey(key: Buffer): ClusterKey {
  return { id: derive(key, "key id").subarray(0, 4).toString("hex"), macKey: derive(key, "mac") };
}

export class Keyring {
  readonly #keys: readonly ClusterKey[];
  readonly #byId = new Map<string, ClusterKey[]>();

  /** `keys` in order of preference: the first signs. Repeats of one key are kept once. */
  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error("a keyring needs at least one key");
    const unique: ClusterKey[] = [];
    for (const key of keys) {
      const derived = clusterKey(key);
      const sameId = this.#byId.get(derived.id) ?? [];
      if (sameId.some((k) => k.macKey.equals(derived.macKey))) continue;
      // Two different keys can share an id (one chance in 2^32): both are tried.
      this.#byId.set(derived.id, [...sameId, derived]);
      unique.push(derived);
    }
    this.#keys = unique;
  }

  /** The key that signs what this node sends. */
  get signer(): ClusterKey {
    return this.#keys[0] as ClusterKey;
  }

  /** Keys that carry `id` (usually one; none when the sender uses a key we do not hold). */
  withId(id: string): readonly ClusterKey[] {
    return this.#byId.get(id) ?? [];
  }

  /** The ids, signer first: safe to print (docs and start-up log). */
  ids(): string[] {
    return this.#keys.map((k) => k.id);
  }

  get size(): number {
    return this.#keys.length;
  }

  // A keyring that reaches a log line or a console.log by mistake shows only its ids.
  toJSON(): { keyIds: string[] } {
    return { keyIds: this.ids() };
  }

  [inspect.custom](): string {
    return `Keyring(${this.ids().join(", ")})`;
  }
}

/** HMAC-SHA256 of `parts` joined, with `key`. */
export function mac(key: ClusterKey, parts: readonly (string | Buffer)[]): Buffer {
  const hmac = createHmac("sha256", key.macKey);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}
