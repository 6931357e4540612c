// The runtime asked for cannot run here (no engine, no swarm, an engine that does not answer): the
// CLI prints the message, which says what to do, and exits 2 before anything was made.
export class RuntimeUnavailable extends Error {}
