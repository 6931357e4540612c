// One cluster node: joins through a known node (or becomes master), then serves joins until stopped.
import {
  nodeInfo,
  joinRequest,
  type JoinEnvelope,
  type JoinResponse,
  type NodeInfo,
  type Role,
  type WireRole,
} from "@joinlab/protocol";
import type { NodeConfig } from "./config.js";
import { formatHostPort, parseHostPort, stripCidr, type HostPort } from "./host-port.js";
import { requestJoin, type JoinOutcome } from "./join/join-client.js";
import { joinWithRetry, type FailedAttempt } from "./join/join-retry.js";
import { answerLine, type ResponseExtension } from "./join/join-responder.js";
import type { NodeLogger } from "./log/node-logger.js";
import {
  Membership,
  type EarlyAcker,
  type MemberRecord,
  type MembershipRunner,
  type UdpTransport,
} from "./membership/index.js";
import {
  bindEarlyAcker,
  joinerFromRequest,
  membersForResponse,
  responderFromResponse,
  startMembership,
} from "./node-membership.js";
import { NodeAuth } from "./node-auth.js";
import { randomNodeId } from "./node-id.js";
import { probePort } from "./ports.js";
import { removeReadyFile, writeReadyFile } from "./ready-file.js";
import { InboundServer } from "./server/inbound-server.js";
import { EXIT_NO_CLUSTER, EXIT_OK, EXIT_STARTUP_FAILED, StartupError } from "./startup-error.js";

/** In-flight replies get this long at stop; the whole stop must fit in the 500 ms target. */
const STOP_GRACE_MS = 250;
/** The ready file's auth counters are rewritten at most this often. */
const READY_REFRESH_MS = 1000;

export class Node {
  readonly config: NodeConfig;
  readonly logger: NodeLogger;
  nodeId: number;
  role: Role = "joining";
  /** The port listened on (differs from config.myport only when that is 0). */
  port: number;
  /** What the node we joined through answered; undefined for a master. */
  joinResponse: JoinResponse | undefined;
  /** Process start (ms): our join request's membership marker and our record's `gen`. */
  readonly gen = Date.now();
  /** The membership engine over UDP, once the role and id are settled (undefined if config.membership is false). */
  membership: MembershipRunner | undefined;
  /** With membership off: the same view, fed only by the joins this node takes part in (no UDP). */
  #localView: Membership | undefined;
  /** The membership socket from before the join until the engine takes it (membership on). */
  #earlyAcker: EarlyAcker | undefined;

  readonly #server: InboundServer;
  readonly #auth: NodeAuth;
  readonly #joinAbort = new AbortController();
  readonly #extensions: ResponseExtension[] = [];
  /** Our end of the last join connection, host:port: the address we state as ours (MemberRecord.ip). */
  #joinLocal: string | undefined;
  readonly #stopHooks: (() => Promise<void> | void)[] = [];
  #stopping: Promise<void> | undefined;
  /** The ready file exists (written at start): role changes rewrite it. */
  #ready = false;
  /** Ready-file writes, one after the other, so an older role never lands last. */
  #readyWrites: Promise<void> = Promise.resolve();
  /** A pending rewrite for the auth counters. */
  #readyRefresh: NodeJS.Timeout | undefined;

  constructor(config: NodeConfig, logger: NodeLogger) {
    this.config = config;
    this.logger = logger;
    this.nodeId = config.nodeId ?? randomNodeId();
    this.port = config.myport;
    logger.nodeId = this.nodeId;
    this.#auth = new NodeAuth(config.auth, logger, this.gen, () => this.#refreshReadyFile());
    this.#server = new InboundServer({
      maxConnections: config.maxConnections,
      requestTimeoutMs: config.requestTimeoutMs,
      maxLineBytes: config.maxLineBytes,
      logger,
      handleLine: this.#auth.guard((line, remote, local) =>
        answerLine(
          {
            logger,
            self: () => this.self(),
            holderOf: (id) => this.#holderOf(id),
            isTaken: (id) => id === this.nodeId || this.member(id) !== undefined,
            role: () => this.wireRole(),
            extensions: this.#extensions,
          },
          line,
          remote,
          local,
        ),
      ),
    });
  }

  /** This node as the wire describes it. */
  self(): NodeInfo {
    return nodeInfo(this.nodeId, this.config.advertise, this.port);
  }

  /** The node's record of a member (itself included): its one registry, the membership view. */
  member(id: number): MemberRecord | undefined {
    return this.#view()?.member(id);
  }

  /** Every member this node knows, sorted by id (empty until the role and id are settled). */
  view(): MemberRecord[] {
    return this.#view()?.view() ?? [];
  }

  wireRole(): WireRole {
    return this.role === "master" ? "master" : "member";
  }

  /** Adds optional fields to every join response this node sends (e.g. the member list). */
  extendJoinResponse(extension: ResponseExtension): void {
    this.#extensions.push(extension);
  }

  /** Runs `hook` during stop(), after the server closed and before node.stopped (e.g. stop membership). */
  onStop(hook: () => Promise<void> | void): void {
    this.#stopHooks.push(hook);
  }

  /** Joins or becomes master, then listens. Throws StartupError (with an exit code) on failure. */
  async start(): Promise<this> {
    const { config, logger } = this;
    logger.info({
      event: "node.started",
      message: `node ${this.nodeId} starting on port ${config.myport}`,
      port: config.myport,
      advertise: config.advertise,
      clusterip: config.clusterip,
      makeMasterOnError: config.makeMasterOnError,
      ...(config.joinDeadlineMs !== undefined ? { joinDeadlineMs: config.joinDeadlineMs } : {}),
      pid: process.pid,
      ...(config.auth?.keyring ? { clusterKeyIds: config.auth.keyring.ids().join(",") } : {}),
      ...(config.auth?.label !== undefined ? { clusterLabel: config.auth.label } : {}),
    });
    // Bind-and-release first (TCP, and UDP when membership is on: it uses the same number): a taken
    // port fails before we join anyone, and port 0 gets a real number to advertise. (Listening for real only after the join keeps a node that dials its own
    // address, like the default master, from answering itself.)
    const udp = config.membership !== false;
    this.port = await this.#bindOrFail(() => probePort(config.myport, config.listenHost, { udp }));
    try {
      // Peers may probe us before our join response arrives: the socket answers from the start.
      if (udp)
        this.#earlyAcker = await this.#bindMembershipSocket(() => bindEarlyAcker(this.#socketOptions()));
      await this.#joinOrBecomeMaster();
      this.#throwIfStopping();
      // Membership runs before we listen: every join we answer then gets the view.
      if (udp) await this.#startMembership();
      else this.#startLocalView();
    } finally {
      await this.#earlyAcker?.close(); // a failed or stopped join; a no-op once handed over
    }
    this.#throwIfStopping();
    try {
      await this.#bindOrFail(() => this.#server.listen(this.port, config.listenHost));
    } catch (err) {
      // We may already be in others' views: announce the leave rather than be declared failed.
      await this.membership?.stop();
      throw err;
    }
    // A stop during listen() closed a server that was not listening yet; close it now.
    if (this.#stopping) await this.#server.close(0);
    this.#throwIfStopping();
    logger.info({
      event: "node.listening",
      message: `listening for joins on port ${this.port}`,
      port: this.port,
      host: config.listenHost ?? "*",
    });
    if (config.readyFile !== undefined) {
      const readyFile = config.readyFile;
      this.#ready = true;
      this.#readyWrites = writeReadyFile(readyFile, this.#readyContent());
      await this.#readyWrites;
    }
    logger.info({
      event: "node.ready",
      message: `ready as ${this.role}`,
      role: this.role,
      port: this.port,
      readyFile: config.readyFile,
    });
    return this;
  }

  /** Reads --clusterKeyFile again (SIGHUP): the next step of a key rotation, without a restart. */
  reloadClusterKeys(): void {
    const keyFile = this.config.auth?.keyFile;
    if (keyFile !== undefined) this.#auth.reloadKeyFile(keyFile, this.logger);
  }

  /** Stops accepting, lets in-flight replies finish, removes the ready file. Idempotent. */
  stop(why = "stop requested"): Promise<void> {
    this.#stopping ??= this.#stop(why);
    return this.#stopping;
  }

  async #stop(why: string): Promise<void> {
    this.logger.info({
      event: "node.stopping",
      message: `${why}: no new connections, finishing in-flight replies`,
      role: this.role,
    });
    this.#joinAbort.abort();
    await this.#server.close(STOP_GRACE_MS);
    for (const hook of this.#stopHooks) await hook();
    this.#auth.rejections.flush();
    if (this.config.readyFile !== undefined) {
      await this.#readyWrites.catch(() => {});
      await removeReadyFile(this.config.readyFile);
    }
    this.logger.info({ event: "node.stopped", message: "stopped" });
    await this.logger.flush();
  }

  async #joinOrBecomeMaster(): Promise<void> {
    const { config } = this;
    const target = parseHostPort(config.clusterip);
    if (target === undefined) {
      throw this.#fatal(`--clusterip "${config.clusterip}" is not host:port`, "bad-clusterip");
    }
    // The marker tells the responder that we speak membership (UDP); the seed's keys come first.
    const marker = config.membership === false ? undefined : { gen: this.gen };
    const request = joinRequest(this.self(), target.host, target.port, marker);
    const { outcome, attempts, elapsedMs } = await joinWithRetry({
      attempt: (attempt, timeoutMs) => this.#attemptJoin(target, request, attempt, timeoutMs),
      dialTimeoutMs: config.dialTimeoutMs,
      ...(config.joinDeadlineMs !== undefined ? { deadlineMs: config.joinDeadlineMs } : {}),
      signal: this.#joinAbort.signal,
      onFailure: (failed) => this.#logFailedAttempt(failed),
    });
    if (outcome.ok) return this.#adoptResponse(outcome.response);
    this.#throwIfStopping();
    const tried =
      attempts > 1
        ? ` after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)} s (--joinDeadline)`
        : "";
    this.#settleFailedJoin(outcome, tried);
  }

  /** One dial of the cluster address, its request logged as it goes out. */
  #attemptJoin(
    target: HostPort,
    request: JoinEnvelope,
    attempt: number,
    timeoutMs: number,
  ): Promise<JoinOutcome> {
    const { config, logger } = this;
    return requestJoin({
      target,
      request,
      timeoutMs,
      maxLineBytes: config.maxLineBytes,
      signal: this.#joinAbort.signal,
      auth: this.#auth.auth,
      beforeWrite: (local) => {
        this.#joinLocal = local;
        logger.info({
          event: "join.request.sent",
          message: `asking ${config.clusterip} to add this node to its cluster${attempt > 1 ? ` (attempt ${attempt})` : ""}`,
          peer: config.clusterip,
          dest: request.dest,
          ...(local ? { local } : {}),
          attempt,
        });
      },
    });
  }

  #logFailedAttempt({ outcome, attempt, retryInMs }: FailedAttempt): void {
    const { config } = this;
    const retry = retryInMs === undefined ? "" : `; retrying in ${retryInMs} ms (attempt ${attempt + 1})`;
    this.logger.warn({
      event: "join.failed",
      message: `could not join through ${config.clusterip}: ${outcome.reason}${retry}`,
      peer: config.clusterip,
      kind: outcome.kind,
      reason: outcome.reason,
      attempt,
      willRetry: retryInMs !== undefined,
      ...(retryInMs !== undefined ? { retryInMs } : {}),
    });
  }

  /** The seed's rule once no attempt is left: master with --makeMasterOnError, else quit. */
  #settleFailedJoin(outcome: Extract<JoinOutcome, { ok: false }>, tried: string): void {
    const { config, logger } = this;
    // A node that answered with an error (busy, or not a join protocol we know) is a cluster that
    // exists: becoming a second master there would split it, so the fallback is only for silence.
    const refused =
      outcome.kind === "error-reply" || outcome.kind === "bad-response" || outcome.kind === "unauthenticated";
    if (config.makeMasterOnError && !refused) {
      this.role = "master";
      logger.info({
        event: "master.started",
        message: `no cluster answered at ${config.clusterip}${tried}; starting as master`,
        reason: outcome.reason,
      });
      return;
    }
    if (outcome.kind === "unresolvable") {
      throw this.#fatal(`${outcome.reason}${tried}: check --clusterip "${config.clusterip}"`, "unresolvable");
    }
    const message =
      outcome.kind === "unauthenticated"
        ? `the node at ${config.clusterip} did not authenticate with this node's cluster key (${outcome.reason}). ` +
          "Check that every node of the cluster has the same --clusterKey (or key file) and --clusterLabel."
        : refused
          ? `the node at ${config.clusterip} answered but did not let this node join (${outcome.reason}). ` +
            "Retry later, or check that --clusterip points at a joinlab or seed node."
          : `could not join a cluster at ${config.clusterip}${tried} (${outcome.reason}). ` +
            "Check --clusterip, or set --makeMasterOnError to start this node as master" +
            (config.joinDeadlineMs === undefined ? " (or --joinDeadline to keep trying)." : ".");
    logger.error({ event: "node.quitting", message, reason: outcome.reason });
    throw new StartupError(message, EXIT_NO_CLUSTER, outcome.kind);
  }

  #adoptResponse(response: JoinResponse): void {
    const { logger } = this;
    const responder = response.source;
    const responderAddress = formatHostPort(stripCidr(responder.nodeIpAddr), responder.Port);
    this.joinResponse = response;
    logger.info({
      event: "join.response.received",
      message: `node ${responder.nodeId} at ${responderAddress} answered`,
      peer: this.config.clusterip,
      peerId: responder.nodeId,
      responderAddress,
      responderRole: response.role,
      text: response.message,
    });
    const assigned = response.assignedNodeId;
    if (assigned !== undefined && assigned !== this.nodeId) {
      const previous = this.nodeId;
      this.nodeId = assigned;
      logger.nodeId = assigned;
      logger.warn({
        event: "node.id.reassigned",
        message: `id ${previous} was taken in the cluster; now ${assigned}`,
        previousNodeId: previous,
        peerId: responder.nodeId,
      });
    }
    this.role = "member";
    const earlyAcks = this.#earlyAcker?.answered ?? 0;
    logger.info({
      event: "node.joined",
      message: `joined the cluster through node ${responder.nodeId}`,
      role: this.role,
      peer: this.config.clusterip,
      peerId: responder.nodeId,
      ...(earlyAcks > 0 ? { earlyAcks } : {}),
    });
  }

  /** Starts the UDP runner under the final id and role, and plugs it into the join flow and stop. */
  async #startMembership(): Promise<void> {
    const { config, logger } = this;
    const transport = await this.#takeEarlySocket();
    const runner = await this.#bindMembershipSocket(() =>
      startMembership({
        ...this.#socketOptions(),
        addr: config.advertise,
        role: this.role === "master" ? "master" : "member",
        gen: this.gen,
        ...(this.#joinLocal !== undefined ? { local: parseHostPort(this.#joinLocal)?.host } : {}),
        logger,
        onRoleEvent: () => this.#followMembershipRole(),
        ...(transport !== undefined ? { transport } : {}),
      }),
    );
    this.membership = runner;
    // A stop that came while we were binding ran its hooks already: leave at once.
    if (this.#stopping) {
      await runner.stop();
      return;
    }
    this.onStop(() => runner.stop());
    if (this.joinResponse !== undefined) {
      runner.seedFromJoinResponse(this.joinResponse.members, responderFromResponse(this.joinResponse));
    }
    // Our own extension goes first, so one added by a library user can still override its key.
    this.#extensions.unshift((request, joinerId, { local }) => {
      const joiner = joinerFromRequest(request, joinerId);
      // Joined to a seed master, we pass its one-handshake behaviour on (docs/membership.md): no
      // view, and no probes either way (the joiner, seeing no view, takes us for a seed node too).
      if (runner.membership.isDegraded()) {
        runner.admitJoiner({ ...joiner, seed: true });
        return {};
      }
      const view = runner.admitJoiner(joiner, local);
      // A seed joiner (no marker) ignores `members`: sending it our whole view only costs bytes.
      if (joiner.seed) return {};
      return { members: membersForResponse(view, this.nodeId, joinerId) };
    });
  }

  /**
   * The early socket for the engine, if it still fits: a socket opened under an id the cluster
   * then reassigned would refuse datagrams keyed to the new one, so it is closed for a fresh bind.
   */
  async #takeEarlySocket(): Promise<UdpTransport | undefined> {
    const early = this.#earlyAcker;
    this.#earlyAcker = undefined;
    if (early === undefined) return undefined;
    if (early.id === this.nodeId) return early.handOver();
    await early.close();
    return undefined;
  }

  /** What the early socket and the engine are bound with: the id, the port and the cluster key. */
  #socketOptions() {
    const { config } = this;
    return {
      id: this.nodeId,
      port: this.port,
      ...(config.listenHost !== undefined ? { listenHost: config.listenHost } : {}),
      ...(config.membership ? { config: config.membership } : {}),
      framing: this.#auth.framing,
    };
  }

  /** Runs a bind of the membership socket; a refusal becomes a start-up error that says what to do. */
  async #bindMembershipSocket<T>(bind: () => Promise<T>): Promise<T> {
    try {
      return await bind();
    } catch (err) {
      const { config } = this;
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      const where = `${config.listenHost ?? "*"}:${this.port}/udp`;
      throw this.#fatal(
        `cannot bind ${where} for membership (${code}): UDP uses the --myport number; free it or pick another --myport`,
        code,
      );
    }
  }

  /** Membership off: a view without UDP, so ids stay unique; responses stay the seed's plain ones. */
  #startLocalView(): void {
    const role = this.role === "master" ? "master" : "member";
    const view = new Membership({
      self: { id: this.nodeId, addr: this.config.advertise, port: this.port, role, gen: this.gen },
      now: Date.now(),
    });
    this.#localView = view;
    if (this.joinResponse !== undefined) {
      view.seedFromJoinResponse(undefined, responderFromResponse(this.joinResponse), Date.now());
    }
    this.#extensions.unshift((request, joinerId) => {
      view.admitJoiner({ ...joinerFromRequest(request, joinerId), seed: true }, Date.now());
      return {};
    });
  }

  #view(): Membership | undefined {
    return this.membership?.membership ?? this.#localView;
  }

  /** The engine decides the role after start-up (failover promotes, a better claim demotes). */
  #followMembershipRole(): void {
    const runner = this.membership;
    if (runner === undefined || this.#stopping) return;
    const role = runner.membership.self().role;
    if (role === this.role) return;
    this.role = role;
    this.#rewriteReadyFile();
  }

  /** After a rejection: the ready file's counters are rewritten, at most once a second. */
  #refreshReadyFile(): void {
    if (this.#readyRefresh !== undefined) return;
    this.#readyRefresh = setTimeout(() => {
      this.#readyRefresh = undefined;
      this.#rewriteReadyFile();
    }, READY_REFRESH_MS);
    this.#readyRefresh.unref();
  }

  #rewriteReadyFile(): void {
    const readyFile = this.config.readyFile;
    if (!this.#ready || readyFile === undefined || this.#stopping) return;
    // The content is read when the write runs, so the last write carries the latest role.
    this.#readyWrites = this.#readyWrites
      .catch(() => {})
      .then(() => (this.#stopping ? undefined : writeReadyFile(readyFile, this.#readyContent())))
      // A failed rewrite leaves the previous file: the node still serves, only its role there is stale.
      .catch(() => {});
  }

  #readyContent(): Record<string, unknown> {
    const auth = this.#auth.summary();
    return {
      nodeId: this.nodeId,
      role: this.role,
      port: this.port,
      pid: process.pid,
      ...(auth ? { auth } : {}),
    };
  }

  /** Who holds `id`: this node or a record of the view. */
  #holderOf(id: number): string | undefined {
    if (id === this.nodeId) return "this node";
    const record = this.member(id);
    // A left id is never reused (others would ignore its alive claims): always a clash.
    if (record?.state === "left") return `node ${id}, which left the cluster`;
    return record === undefined ? undefined : formatHostPort(record.addr, record.port);
  }

  #throwIfStopping(): void {
    if (this.#stopping) throw new StartupError("stopped while starting", EXIT_OK, "stopped");
  }

  async #bindOrFail<T>(bind: () => Promise<T>): Promise<T> {
    try {
      return await bind();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      const udp = (err as { transport?: string }).transport === "udp";
      const where = `${this.config.listenHost ?? "*"}:${this.config.myport}${udp ? "/udp" : ""}`;
      const advice =
        code === "EADDRINUSE"
          ? udp
            ? "another process uses that UDP port (membership uses the --myport number for UDP too); pick a free port with --myport"
            : "another process uses it; pick a free port with --myport"
          : code === "EACCES"
            ? "not allowed; use a port above 1023 with --myport"
            : "check --myport and --listenHost";
      throw this.#fatal(`cannot listen on ${where} (${code}): ${advice}`, code);
    }
  }

  #fatal(message: string, reason: string): StartupError {
    this.logger.error({ event: "node.fatal", message, reason });
    return new StartupError(message, EXIT_STARTUP_FAILED, reason);
  }
}

/** Creates and starts a node: the library entry point (main.ts is a thin CLI around it). */
export async function startNode(config: NodeConfig, logger: NodeLogger): Promise<Node> {
  return new Node(config, logger).start();
}
