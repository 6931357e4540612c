// One cluster key as text (base64) turned into bytes, strictly: a mistyped key must fail at
// start-up with a reason, never decode into something shorter or different and fail later as
// "bad MAC" on every datagram. No message here ever contains the key.

/** Below 128 bits a key is guessable offline from one captured MAC. */
export const MIN_KEY_BYTES = 16;
/** HMAC-SHA256's block size; a longer key would be hashed down anyway. */
export const MAX_KEY_BYTES = 64;

/** How to make a good key, for error messages and --help. */
export const KEY_ADVICE = "make one with: head -c 32 /dev/urandom | base64";

/** A key that cannot be used; the message names where it came from and what is wrong. */
export class KeyProblem extends Error {}

const STANDARD = /^[A-Za-z0-9+/]+={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]+$/;

/** Decodes one base64 (standard or URL-safe, padding optional) key; `where` names its source. */
export function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (trimmed === "") throw new KeyProblem(`${where} is empty: ${KEY_ADVICE}`);
  const standard = STANDARD.test(trimmed);
  if (!standard && !URL_SAFE.test(trimmed)) {
    throw new KeyProblem(`${where} is not base64 (it has characters base64 does not use): ${KEY_ADVICE}`);
  }
  const bytes = Buffer.from(trimmed, standard ? "base64" : "base64url");
  // Buffer.from ignores a dangling character or wrong padding; re-encoding shows whether it did.
  const canonical = bytes.toString(standard ? "base64" : "base64url").replace(/=+$/, "");
  if (canonical !== trimmed.replace(/=+$/, "")) {
    throw new KeyProblem(`${where} is not valid base64 (its length or padding is wrong): ${KEY_ADVICE}`);
  }
  if (bytes.length < MIN_KEY_BYTES) {
    throw new KeyProblem(
      `${where} is too short: ${bytes.length} bytes, at least ${MIN_KEY_BYTES} needed (32 recommended): ${KEY_ADVICE}`,
    );
  }
  if (bytes.length > MAX_KEY_BYTES) {
    throw new KeyProblem(
      `${where} is too long: ${bytes.length} bytes, at most ${MAX_KEY_BYTES}: ${KEY_ADVICE}`,
    );
  }
  return bytes;
}
