// Library surface of @joinlab/node: start a node in-process, extend it, measure it.
export { Node, startNode } from "./node.js";
export { DEFAULTS, type NodeConfig } from "./config.js";
export { NodeLogger, LOG_FORMATS, LOG_LEVELS, type LoggerOptions, type LogLevel } from "./log/node-logger.js";
export type { ResponseExtension } from "./join/join-responder.js";
export { requestJoin, type JoinOutcome, type JoinFailureKind } from "./join/join-client.js";
export { parseFlags, type ParsedFlags } from "./cli/flags.js";
export { defaultAdvertiseAddress } from "./advertise-address.js";
export { formatHostPort, parseHostPort, stripCidr, type HostPort } from "./host-port.js";
export {
  StartupError,
  EXIT_OK,
  EXIT_NO_CLUSTER,
  EXIT_BAD_FLAGS,
  EXIT_STARTUP_FAILED,
} from "./startup-error.js";
export {
  benchmarkNode,
  measureHandshakeLatency,
  type LatencyResult,
  type NodeBenchmarkOptions,
  type NodeBenchmarkResult,
} from "./bench/handshake-benchmark.js";
export { freePort, probePort } from "./ports.js";
export { endWithParent } from "./bench/node-child.js";
export { NODE_RUNTIME_OPTIONS } from "./runtime-options.js";
export { DEFAULT_MEMBERSHIP_CONFIG } from "./membership/config.js";
export { benchmarkIdleCpu, type IdleCpuOptions, type IdleCpuResult } from "./bench/idle-cpu-benchmark.js";
export { benchmarkKeyCost, type KeyCostOptions, type KeyCostResult } from "./bench/key-cost-benchmark.js";
export { ClusterAuth, Keyring, decodeKey, loadKeyring, KEY_ENV } from "./auth/index.js";
