// The clock test seam's variable: swarm hostnames to made-up clock errors, and a clear error for
// anything else.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEngineSkews } from "../src/runtime/engine-skew.js";

describe("JOINLAB_TEST_ENGINE_SKEW", () => {
  it("unset or empty: no engine is skewed", () => {
    assert.equal(parseEngineSkews(undefined).size, 0);
    assert.equal(parseEngineSkews("  ").size, 0);
  });

  it("reads hostname=milliseconds pairs as microseconds, either sign", () => {
    assert.deepEqual(
      [...parseEngineSkews("jlmh2=250, jlmh3=-400.5")],
      [
        ["jlmh2", 250_000],
        ["jlmh3", -400_500],
      ],
    );
  });

  it("refuses what is not a pair, or an offset past an hour, saying the form", () => {
    for (const bad of ["jlmh2", "jlmh2=soon", "=5", "jlmh2=3600001"]) {
      assert.throws(() => parseEngineSkews(bad), /is not <swarm-hostname>=<milliseconds>/, bad);
    }
  });
});
