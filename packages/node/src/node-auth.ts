// Glue between a node and its cluster key and label: the verifier, the `auth.rejected` log lines,
// the framing of its join lines and datagrams, and the counters its ready file shows.
import { ClusterAuth } from "./auth/cluster-auth.js";
import { loadKeyring } from "./auth/key-sources.js";
import { KeyProblem } from "./auth/key-text.js";
import { datagramFraming, type DatagramFraming } from "./auth/datagram-framing.js";
import { answerFramedLine } from "./auth/join-framing.js";
import { RejectionLog, type RejectionLine } from "./auth/rejection-log.js";
import type { NodeConfig } from "./config.js";
import type { NodeLogger } from "./log/node-logger.js";
import { EncodedReply } from "./server/inbound-server.js";

type LineHandler = (line: Buffer, remote: string, local?: string) => unknown;

export class NodeAuth {
  readonly auth: ClusterAuth;
  readonly rejections: RejectionLog;

  /** `startedAt`: nothing signed before it is accepted; `onRejected` runs after each rejection. */
  constructor(config: NodeConfig["auth"], logger: NodeLogger, startedAt: number, onRejected: () => void) {
    this.auth = new ClusterAuth({
      ...(config?.keyring !== undefined ? { keyring: config.keyring } : {}),
      ...(config?.label !== undefined ? { label: config.label } : {}),
      startedAt,
    });
    this.rejections = new RejectionLog({ write: (line) => logRejection(logger, line), onRecord: onRejected });
  }

  /** For the membership runner: undefined when plain (the datagrams stay the seed-era bytes). */
  readonly framing = (selfId: number): DatagramFraming | undefined =>
    datagramFraming(this.auth, selfId, this.rejections);

  /** Wraps the join responder: requests are opened first, replies signed. Plain: unchanged. */
  guard(handle: LineHandler): LineHandler {
    if (this.auth.plain) return handle;
    return (line, remote, local) =>
      new EncodedReply(
        answerFramedLine(this.auth, this.rejections, line, remote, (payload) =>
          handle(payload, remote, local),
        ),
      );
  }

  /**
   * Reads the key file again (a rotation step without a restart). An unusable file changes
   * nothing: the node keeps its keys and says why.
   */
  reloadKeyFile(keyFile: string, logger: NodeLogger): void {
    const current = this.auth.keyring?.ids().join(",") ?? "";
    try {
      const keyring = loadKeyring({ keyFile });
      if (keyring === undefined) throw new KeyProblem(`--clusterKeyFile ${keyFile} holds no key`);
      this.auth.replaceKeyring(keyring);
      const keyIds = keyring.ids().join(",");
      logger.info({
        event: "auth.keyring",
        message: `cluster keys reloaded: ${keyIds} (the first signs)`,
        outcome: "reloaded",
        keyIds,
      });
    } catch (err) {
      if (!(err instanceof KeyProblem)) throw err;
      const reason = err.message;
      logger.warn({
        event: "auth.keyring",
        message: `kept the cluster keys in use (${current}): ${reason}`,
        outcome: "kept",
        keyIds: current,
        reason,
      });
    }
  }

  /** What the ready file and node.started say about authentication (key ids only, never keys). */
  summary(): Record<string, unknown> | undefined {
    if (this.auth.plain) return undefined;
    return {
      keyIds: this.auth.keyring?.ids() ?? [],
      label: this.auth.label,
      rejected: this.rejections.counts(),
      rejectedTotal: this.rejections.total(),
    };
  }
}

function logRejection(logger: NodeLogger, line: RejectionLine): void {
  const { reason, detail, transport, peer, count, kid, label } = line;
  const what = transport === "udp" ? "datagram" : "join line";
  const more = count > 1 ? ` (${count} refused like it since the last line)` : "";
  logger.warn({
    event: "auth.rejected",
    message: `refused a ${what} from ${peer}: ${reason}: ${detail}${more}`,
    peer,
    transport,
    reason,
    detail,
    count,
    ...(kid !== undefined ? { kid } : {}),
    ...(label !== undefined ? { label } : {}),
  });
}
