// Cluster keys: what is accepted, what is refused with which message, and that no message or
// serialisation ever shows a key.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, describe, it } from "node:test";
import { KeyProblem, Keyring, decodeKey, loadKeyring } from "../src/auth/index.js";

const key = (bytes = 32): string => randomBytes(bytes).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "joinlab-keys-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, content: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

/** Runs `load`, expects a KeyProblem matching `pattern`, and checks the secret is not in it. */
function refused(load: () => unknown, pattern: RegExp, secret?: string): void {
  assert.throws(load, (err: unknown) => {
    assert.ok(err instanceof KeyProblem, `a KeyProblem, got ${String(err)}`);
    assert.match(err.message, pattern);
    if (secret !== undefined && secret.length > 3)
      assert.ok(!err.message.includes(secret), "the key is not echoed");
    return true;
  });
}

describe("decodeKey", () => {
  it("takes standard and URL-safe base64, with or without padding", () => {
    const bytes = randomBytes(32);
    for (const text of [
      bytes.toString("base64"),
      bytes.toString("base64url"),
      bytes.toString("base64").replace(/=+$/, ""),
      `  ${bytes.toString("base64")}\n`,
    ]) {
      assert.deepEqual(decodeKey(text, "--clusterKey"), bytes);
    }
  });

  it("refuses a key that is too short, saying how long it is and how to make one", () => {
    const short = key(8);
    refused(
      () => decodeKey(short, "--clusterKey"),
      /--clusterKey is too short: 8 bytes, at least 16.*urandom/,
      short,
    );
  });

  it("refuses text that is not base64, or whose padding is wrong, without echoing it", () => {
    const secret = "correct horse battery staple!!";
    refused(() => decodeKey(secret, "--clusterKey"), /not base64/, secret);
    const dangling = `${key(30)}A`; // 41 characters: no whole number of bytes
    refused(() => decodeKey(dangling, "--clusterKey"), /length or padding/, dangling);
    refused(() => decodeKey("", "JOINLAB_CLUSTER_KEY"), /JOINLAB_CLUSTER_KEY is empty/);
  });

  it("refuses a key longer than 64 bytes", () => {
    refused(() => decodeKey(key(65), "--clusterKey"), /too long: 65 bytes/);
  });
});

describe("loadKeyring", () => {
  it("no source, no keyring", () => {
    assert.equal(loadKeyring({}), undefined);
    assert.equal(loadKeyring({ flagKeys: [], envKeys: " " }), undefined);
  });

  it("keeps the order given: the first key signs, the others verify", () => {
    const [a, b] = [key(), key()];
    const fromFlags = loadKeyring({ flagKeys: [a, b] });
    const fromEnv = loadKeyring({ envKeys: `${a}, ${b}` });
    const fromFile = loadKeyring({ keyFile: keyFile("two", `# rotation: new key first\n${a}\n\n${b}\n`) });
    const onlyA = new Keyring([decodeKey(a, "a")]);
    for (const ring of [fromFlags, fromEnv, fromFile]) {
      assert.equal(ring?.size, 2);
      assert.equal(ring?.signer.id, onlyA.signer.id);
    }
  });

  it("names the key that is wrong among several", () => {
    refused(() => loadKeyring({ flagKeys: [key(), key(4)] }), /--clusterKey \(key 2 of 2\) is too short/);
    const path = keyFile("bad-line", `${key()}\n# comment\nnot a key!\n`);
    refused(() => loadKeyring({ keyFile: path }), /line 3, is not base64/);
  });

  it("refuses two sources at once", () => {
    refused(
      () => loadKeyring({ flagKeys: [key()], envKeys: key() }),
      /--clusterKey and JOINLAB_CLUSTER_KEY: give them one way only/,
    );
  });

  it("refuses a key file that every user can read, or that is missing, a directory or empty", () => {
    const secret = key();
    const open = keyFile("open", `${secret}\n`, 0o644);
    refused(
      () => loadKeyring({ keyFile: open }),
      /can be read by every user \(mode 644\): restrict it with chmod 600/,
      secret,
    );
    refused(
      () => loadKeyring({ keyFile: keyFile("writable", `${key()}\n`, 0o602) }),
      /can be changed by every user/,
    );
    refused(
      () => loadKeyring({ keyFile: join(dir, "absent") }),
      /cannot read --clusterKeyFile .*absent: no such file/,
    );
    const sub = join(dir, "sub");
    mkdirSync(sub);
    refused(() => loadKeyring({ keyFile: sub }), /is not a regular file/);
    refused(() => loadKeyring({ keyFile: keyFile("empty", "# nothing yet\n") }), /holds no key/);
  });

  it(
    "refuses a key file this user may not read",
    { skip: process.getuid?.() === 0 && "root reads any file" },
    () => {
      refused(() => loadKeyring({ keyFile: keyFile("locked", `${key()}\n`, 0o000) }), /permission denied/);
    },
  );
});

describe("Keyring", () => {
  it("shows only key ids when logged, printed or serialised", () => {
    const text = key();
    const bytes = decodeKey(text, "k");
    const ring = new Keyring([bytes]);
    const shown = [
      JSON.stringify({ ring }),
      inspect(ring),
      inspect({ nested: { ring } }),
      String(ring.ids()),
    ];
    for (const out of shown) {
      assert.ok(!out.includes(text), out);
      assert.ok(!out.includes(bytes.toString("hex")), out);
      assert.ok(out.includes(ring.signer.id), out);
    }
  });

  it("keeps a repeated key once, and gives different keys different ids", () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const ring = new Keyring([a, b, a]);
    assert.equal(ring.size, 2);
    assert.notEqual(ring.ids()[0], ring.ids()[1]);
    assert.match(ring.signer.id, /^[0-9a-f]{8}$/);
  });
});
