// The joiner's side of the handshake: dial, send one request line, read one response, all bounded.
import net from "node:net";
import {
  LineDecoder,
  encodeLine,
  parseJsonLine,
  validateJoinResponse,
  type JoinEnvelope,
  type JoinFailureKind,
  type JoinResponse,
} from "@joinlab/protocol";
import type { ClusterAuth } from "../auth/cluster-auth.js";
import { openJoinReply } from "../auth/join-framing.js";
import { formatHostPort, type HostPort } from "../host-port.js";
import { IoFirstTimer } from "../io-first-timer.js";

export type { JoinFailureKind };

export type JoinOutcome =
  { ok: true; response: JoinResponse } | { ok: false; kind: JoinFailureKind; reason: string };

export interface JoinAttempt {
  target: HostPort;
  request: JoinEnvelope;
  /** Bound on connect + response together. */
  timeoutMs: number;
  maxLineBytes: number;
  signal?: AbortSignal;
  /**
   * Called once connected, right before the request is written (so the log line comes first), with
   * this end of the connection as host:port (the responder sees it as the connection's remote end).
   */
  beforeWrite?: (local: string | undefined) => void;
  /** Signs the request and verifies the reply; absent (or plain) for the seed's bytes. */
  auth?: ClusterAuth;
}

/** The answer's own bound after a connect that only a stall made late: a quarter of the dial's. */
export function answerGraceMs(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 4));
}

export function requestJoin(attempt: JoinAttempt): Promise<JoinOutcome> {
  const { target, request, timeoutMs, maxLineBytes, signal, beforeWrite } = attempt;
  const where = `${target.host}:${target.port}`;
  const auth = attempt.auth?.plain === false ? attempt.auth : undefined;
  const sealed = auth?.sealRequest(JSON.stringify(request));
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const decoder = new LineDecoder(maxLineBytes);
    let connected = false;
    // A slow or absent DNS resolver is an unresolvable address, not a silent cluster.
    let resolved = net.isIP(target.host) !== 0;
    socket.once("lookup", () => (resolved = true));

    const finish = (outcome: JoinOutcome): void => {
      timer.cancel();
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const fail = (kind: JoinFailureKind, reason: string): void => finish({ ok: false, kind, reason });

    // A response that arrived in time but was not read yet (this node was starved) still counts.
    const startedAt = performance.now();
    const onDeadline = (): void => {
      if (!resolved)
        return fail("unresolvable", `cannot resolve host "${target.host}" within ${timeoutMs} ms`);
      fail(
        "timeout",
        connected
          ? `${where} accepted the connection but sent no response within ${timeoutMs} ms`
          : `no connection to ${where} within ${timeoutMs} ms`,
      );
    };
    let timer = new IoFirstTimer(timeoutMs, onDeadline);
    const onAbort = (): void => fail("aborted", "the node was stopped while joining");
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });

    const onLine = (line: Buffer): void => {
      let bytes = line;
      if (auth !== undefined) {
        const opened = openJoinReply(auth, line, sealed?.nonce, where);
        if (!opened.ok) return fail(opened.kind, opened.reason);
        bytes = opened.payload;
      }
      const parsed = parseJsonLine(bytes);
      if (!parsed.ok) return fail("bad-response", `${where} answered with ${parsed.reason}`);
      const checked = validateJoinResponse(parsed.value);
      if (!checked.ok) return fail("bad-response", `${where} answered, but ${checked.reason}`);
      if (checked.value.kind === "error") {
        const { code, text } = checked.value.error;
        return fail("error-reply", `${where} refused the join: ${code}: ${text}`);
      }
      finish({ ok: true, response: checked.value.response });
    };

    socket.on("connect", () => {
      connected = true;
      // Connected in time but seen only after a stall (the deadline is due with it): the request
      // goes out now, so its answer gets a grace instead of the deadline that is already spent.
      if (performance.now() - startedAt >= timeoutMs) {
        timer.cancel();
        timer = new IoFirstTimer(answerGraceMs(timeoutMs), onDeadline);
      }
      beforeWrite?.(
        socket.localAddress ? formatHostPort(socket.localAddress, socket.localPort ?? 0) : undefined,
      );
      socket.write(sealed === undefined ? encodeLine(request) : `${sealed.text}\n`);
    });
    socket.on("data", (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind === "overflow")
          return fail("bad-response", `${where} sent a line over ${maxLineBytes} bytes`);
        if (event.bytes.toString().trim() !== "") return onLine(event.bytes);
      }
    });
    socket.on("end", () => {
      for (const event of decoder.end()) if (event.kind === "line") return onLine(event.bytes);
      fail("closed", `${where} closed the connection without a response`);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      const { kind, reason } = dialFailure(err, target, where);
      fail(kind, reason);
    });
  });
}

/** What a socket error means for the join: nobody listening, no such host, or the network. */
function dialFailure(
  err: NodeJS.ErrnoException,
  target: HostPort,
  where: string,
): { kind: JoinFailureKind; reason: string } {
  if (err.code === "ECONNREFUSED")
    return { kind: "refused", reason: `nothing listens on ${where} (connection refused)` };
  if (err.code === "ENOTFOUND" || err.code === "EAI_AGAIN" || err.code === "EAI_NONAME")
    return { kind: "unresolvable", reason: `cannot resolve host "${target.host}" (${err.code})` };
  return { kind: "network", reason: `connection to ${where} failed: ${err.code ?? err.message}` };
}
