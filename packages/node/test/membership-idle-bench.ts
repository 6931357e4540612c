// Idle CPU of a converged cluster of real node processes on loopback, per node, at several sizes.
// Run: node --import tsx packages/node/test/membership-idle-bench.ts [sizes=16,32,64] [nodeBin]
import { loadavg } from "node:os";
import { benchmarkIdleCpu } from "../src/bench/idle-cpu-benchmark.js";

const sizes = (process.argv[2] ?? "16,32,64").split(",").map(Number);
const nodeBin = process.argv[3];
for (const nodes of sizes) {
  const result = await benchmarkIdleCpu({
    nodes,
    settleMs: 8000,
    sampleMs: 10_000,
    ...(nodeBin ? { nodeBin } : {}),
  });
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  console.log(`${nodes} nodes: ${result.cpuPercentPerNode} % of a core per node (load average ${load})`);
}
