// Where a node's keyring comes from: --clusterKey (repeatable), JOINLAB_CLUSTER_KEY, or
// --clusterKeyFile. One source at a time; in each, the first key signs and the others are only
// accepted (the rotation steps in docs/protocol.md rely on that order).
import { readFileSync, statSync } from "node:fs";
import { KeyProblem, decodeKey } from "./key-text.js";
import { Keyring } from "./keyring.js";

export const KEY_ENV = "JOINLAB_CLUSTER_KEY";

export interface KeySources {
  /** --clusterKey values, in the order given (visible in `ps`: for tests and demos). */
  flagKeys?: readonly string[];
  /** JOINLAB_CLUSTER_KEY: one key, or several separated by commas or white space. */
  envKeys?: string;
  /** --clusterKeyFile: one key per line; blank lines and lines starting with # are skipped. */
  keyFile?: string;
}

/** The keyring the sources describe; undefined when none is given. Throws KeyProblem. */
export function loadKeyring(sources: KeySources): Keyring | undefined {
  const given = [
    sources.flagKeys !== undefined && sources.flagKeys.length > 0 ? "--clusterKey" : undefined,
    sources.envKeys !== undefined && sources.envKeys.trim() !== "" ? KEY_ENV : undefined,
    sources.keyFile !== undefined ? "--clusterKeyFile" : undefined,
  ].filter((name) => name !== undefined);
  if (given.length > 1) {
    throw new KeyProblem(`cluster keys come from ${given.join(" and ")}: give them one way only`);
  }
  if (sources.flagKeys !== undefined && sources.flagKeys.length > 0) {
    return keyringOf(sources.flagKeys, (i, n) =>
      n === 1 ? "--clusterKey" : `--clusterKey (key ${i} of ${n})`,
    );
  }
  if (sources.envKeys !== undefined && sources.envKeys.trim() !== "") {
    const texts = sources.envKeys.split(/[\s,]+/).filter((t) => t !== "");
    return keyringOf(texts, (i, n) => (n === 1 ? KEY_ENV : `${KEY_ENV} (key ${i} of ${n})`));
  }
  if (sources.keyFile !== undefined) return keyringFromFile(sources.keyFile);
  return undefined;
}

function keyringOf(texts: readonly string[], where: (index: number, count: number) => string): Keyring {
  return new Keyring(texts.map((text, i) => decodeKey(text, where(i + 1, texts.length))));
}

function keyringFromFile(path: string): Keyring {
  const text = readKeyFile(path);
  const lines = text.split(/\r?\n/).map((line, i) => ({ line: line.trim(), number: i + 1 }));
  const keys = lines.filter(({ line }) => line !== "" && !line.startsWith("#"));
  if (keys.length === 0) {
    throw new KeyProblem(`--clusterKeyFile ${path} holds no key (one base64 key per line; the first signs)`);
  }
  return new Keyring(
    keys.map(({ line, number }) => decodeKey(line, `--clusterKeyFile ${path}, line ${number},`)),
  );
}

/** Reads the file after checking that only its owner (and group) can read or change it. */
function readKeyFile(path: string): string {
  let mode: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new KeyProblem(`--clusterKeyFile ${path} is not a regular file`);
    mode = stats.mode;
  } catch (err) {
    if (err instanceof KeyProblem) throw err;
    throw new KeyProblem(`cannot read --clusterKeyFile ${path}: ${describeIoError(err)}`);
  }
  if ((mode & 0o006) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, "0");
    throw new KeyProblem(
      `--clusterKeyFile ${path} can be ${mode & 0o004 ? "read" : "changed"} by every user (mode ${octal}): ` +
        `restrict it with chmod 600 ${path}`,
    );
  }
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new KeyProblem(`cannot read --clusterKeyFile ${path}: ${describeIoError(err)}`);
  }
}

function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied (this user may not read it)";
  if (code === "EISDIR") return "it is a directory";
  return code ?? (err as Error).message;
}
