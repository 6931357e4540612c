// Idle CPU of a converged cluster of real node processes on loopback, per node, at several sizes.
// Run: node --import tsx packages/node/test/membership-idle-bench.ts [sizes=16,32,64] [node flags...]
// e.g. `64 --probeInterval 1000 --probeTimeout 300 --suspicionTimeout 400 --syncInterval 10000`
// (a large run's timings). The window starts 40 s after the last node started: past each node's
// start-up, when its code is still being compiled.
import { loadavg } from "node:os";
import { benchmarkIdleCpu } from "../src/bench/idle-cpu-benchmark.js";

const sizes = (process.argv[2] ?? "16,32,64").split(",").map(Number);
const nodeFlags = process.argv.slice(3);
for (const nodes of sizes) {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  const result = await benchmarkIdleCpu({ nodes, settleMs: 40_000, sampleMs: 10_000, nodeFlags });
  console.log(
    `${nodes} nodes: ${result.cpuPercentPerNode} % of a core per node (load average before ${load})`,
  );
}
