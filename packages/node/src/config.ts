// Everything a node needs to start, as plain data: the CLI builds it from flags, tests build it directly.
import { DEFAULT_MAX_LINE_BYTES } from "@joinlab/protocol";
import type { Keyring } from "./auth/index.js";
import type { MembershipConfig } from "./membership/index.js";

export interface NodeConfig {
  /** Become master when no cluster answers, instead of exiting. */
  makeMasterOnError: boolean;
  /** Address of any node already in the cluster, exactly as given ("host:port"). */
  clusterip: string;
  /** Port to listen on; 0 picks a free one (library use only). */
  myport: number;
  /** Host or IP peers use to reach this node; sent as source.nodeIpAddr. */
  advertise: string;
  /** Interface to listen on; all of them when undefined (like the seed's ":port"). */
  listenHost?: string;
  /** Fixed node id; random in the seed's range when undefined. */
  nodeId?: number;
  /** Written once the node is joined-or-master and listening, removed at stop. */
  readyFile?: string;
  /** Bound on connect + response while joining (per attempt). */
  dialTimeoutMs: number;
  /**
   * Total time to keep retrying a silent, refusing or unresolvable cluster address before the
   * seed's rule applies (join/join-retry.ts); undefined: one attempt, as the seed makes.
   */
  joinDeadlineMs?: number;
  /** Absolute deadline for an inbound connection to deliver its request line. */
  requestTimeoutMs: number;
  /** Inbound connections served at once; more are refused with an error reply. */
  maxConnections: number;
  /** Longest accepted line, excluding its newline. */
  maxLineBytes: number;
  /**
   * Membership (docs/membership.md): on by default with the engine's timings; a partial config
   * tunes them; false runs the seed's one-handshake node (no UDP, no request marker).
   */
  membership?: Partial<MembershipConfig> | false;
  /**
   * Cluster key(s) and label (docs/protocol.md, "Authenticated framing"): what this node signs
   * with and accepts. Absent: no framing at all, the seed's bytes.
   */
  auth?: {
    keyring?: Keyring;
    label?: string;
    /** --clusterKeyFile: read again on SIGHUP. */ keyFile?: string;
  };
}

export const DEFAULTS = {
  makeMasterOnError: false,
  clusterip: "127.0.0.1:8001",
  myport: 8001,
  dialTimeoutMs: 2000,
  requestTimeoutMs: 5000,
  maxConnections: 1024,
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
} as const;
