// The options node itself runs a joinlab node with: the image's entrypoint lists them too, and
// whatever starts a node as a process (the orchestrator's process runtime, the benchmarks) passes
// them. Node refuses them in NODE_OPTIONS, so they travel on the command line.

/**
 * --no-memory-reducer: an idle member allocates a little on every probe, so V8's memory reducer
 * kept running full collections to shrink a heap that regrew at once. Without it an idle member of
 * a 32-node cluster used about a third less CPU (0.25-0.28 % of a core instead of 0.35-0.45 %),
 * for 1.5 MiB more resident memory.
 */
export const NODE_RUNTIME_OPTIONS: readonly string[] = ["--no-memory-reducer"];
