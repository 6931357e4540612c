// The join handshake's view of authentication. Responder: open the request line, refuse what does
// not verify with an error reply that says why (a seed node is told the cluster needs a key), and
// sign the reply, bound to the request. Joiner: open the reply, and tell "the other side did not
// authenticate" apart from a cluster that refused our key.
import { encodeLine, errorReply, parseJsonLine, type ErrorReply } from "@joinlab/protocol";
import type { ClusterAuth, RejectReason } from "./cluster-auth.js";
import type { RejectionLog } from "./rejection-log.js";

/** Answers one framed request line: the text to write back, newline included. */
export function answerFramedLine(
  auth: ClusterAuth,
  rejections: RejectionLog,
  line: Buffer,
  remote: string,
  answer: (payload: Buffer) => unknown,
): string {
  const opened = auth.openRequest(line);
  if (!opened.ok) {
    const { reason, detail, kid, label } = opened;
    rejections.record({
      reason,
      detail,
      transport: "tcp",
      peer: remote,
      ...(kid !== undefined ? { kid } : {}),
      ...(label !== undefined ? { label } : {}),
    });
    // Unsigned: the peer could not check a signature anyway, and we have no request to bind it to.
    return encodeLine(refusal(auth, reason, detail));
  }
  return `${auth.sealReply(JSON.stringify(answer(opened.payload)), opened.nonce)}\n`;
}

function refusal(auth: ClusterAuth, reason: RejectReason, detail: string): ErrorReply {
  if (reason === "unsigned") {
    return errorReply(
      "auth-required",
      "this cluster requires a cluster key: start the node with the cluster's key " +
        "(--clusterKeyFile, JOINLAB_CLUSTER_KEY or --clusterKey); a seed node cannot join it",
    );
  }
  if (reason === "wrong-label") {
    const mine = auth.label === "" ? "no cluster label" : `cluster label "${auth.label}"`;
    return errorReply("wrong-label", `this node has ${mine}: ${detail}`);
  }
  return errorReply("auth-failed", `the request did not verify (${reason}): ${detail}`);
}

export type OpenedReply =
  { ok: true; payload: Buffer } | { ok: false; kind: "unauthenticated" | "error-reply"; reason: string };

const REFUSAL_CODES = new Set(["auth-required", "auth-failed", "wrong-label"]);

/** Opens the reply to our request (whose nonce was `nonce`); `where` names the responder. */
export function openJoinReply(
  auth: ClusterAuth,
  bytes: Buffer,
  nonce: string | undefined,
  where: string,
): OpenedReply {
  const opened = auth.openReply(bytes, nonce);
  if (opened.ok) return { ok: true, payload: opened.payload };
  // An unsigned refusal cannot be trusted, but it is the likeliest explanation: say what it says.
  const parsed = parseJsonLine(bytes);
  const reply = parsed.ok ? (parsed.value as Partial<ErrorReply>) : undefined;
  if (reply?.type === "error" && typeof reply.code === "string" && REFUSAL_CODES.has(reply.code)) {
    return {
      ok: false,
      kind: "error-reply",
      reason: `${where} refused this node: ${reply.code}: ${reply.text}`,
    };
  }
  const said = parsed.ok ? "" : " (its answer was not even JSON)";
  return {
    ok: false,
    kind: "unauthenticated",
    reason:
      `${where} answered, but did not authenticate (${opened.reason}: ${opened.detail})${said}: ` +
      "it has no cluster key or another one, or it is not a joinlab node of this cluster",
  };
}
