// A restarted node's log holds two processes that each count seq from 1: the merge (live, by the
// records' generation) and the read-back of a finished run (by node.started) keep them apart.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { NodeEvent } from "@joinlab/protocol";
import { readRunTimeline } from "../src/logs/read-run.js";
import { sampleLine } from "./helpers.js";

const line = (ms: number, seq: number, nodeId: number, event: NodeEvent) =>
  `2026-11-24T16:00:00.${String(ms).padStart(3, "0")}000000Z ${sampleLine(seq, nodeId, event)}`;

describe("a restarted node's log", () => {
  it("reads back with the first process's lines before the second's", () => {
    const dir = mkdtempSync(join(tmpdir(), "joinlab-restart-"));
    try {
      // Same timestamps on purpose: only the generation can order them.
      const text = [
        line(100, 1, 11, "node.started"),
        line(100, 2, 11, "node.joined"),
        line(100, 3, 11, "node.ready"),
        line(100, 1, 22, "node.started"),
        line(100, 2, 22, "node.joined"),
      ].join("\n");
      writeFileSync(join(dir, "node2.log"), `${text}\n`);
      const order = readRunTimeline(dir).map((e) =>
        e.kind === "event" ? `${e.line.nodeId} ${e.line.event}` : "",
      );
      assert.deepEqual(order, [
        "11 node.started",
        "11 node.joined",
        "11 node.ready",
        "22 node.started",
        "22 node.joined",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
