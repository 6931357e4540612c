// A joiner's membership socket before its engine runs: it answers pings, and nothing else.
//
// The responder admits a joiner and its peers learn of it by gossip within a gossip tick, but the
// joiner starts its engine only once the join response arrives. Under packet loss that response
// can come seconds late (a lost SYN puts TCP's retransmissions 3 s apart), and peers whose newcomer
// grace has run out would probe a port nobody answers and declare a live node dead. An ack needs
// only the node's id, so the socket is bound before the join and handed to the engine after it.
import type { Sender } from "./types.js";
import { UdpTransport, type UdpBindOptions } from "./udp-transport.js";
import type { MembershipMessage } from "./wire.js";

export class EarlyAcker {
  /** Pings answered before the hand-over (the node logs it). */
  answered = 0;
  #transport: UdpTransport | undefined;

  private constructor(
    transport: UdpTransport,
    readonly id: number,
  ) {
    this.#transport = transport;
    transport.onMessage((msg, sender) => this.#answer(msg, sender));
  }

  /**
   * Binds UDP for the joiner asking to join as `id` (its acks state it); rejects with the bind
   * error (errno `code` kept), as the engine's own bind does.
   */
  static async bind(id: number, socket: UdpBindOptions): Promise<EarlyAcker> {
    return new EarlyAcker(await UdpTransport.bind(socket), id);
  }

  /** The socket, for the engine: from now on every datagram is the engine's. Only once. */
  handOver(): UdpTransport {
    const transport = this.#transport;
    if (transport === undefined)
      throw new Error("the early acker's socket was already handed over or closed");
    this.#transport = undefined;
    transport.onMessage(() => {});
    return transport;
  }

  /** Closes the socket unless it was handed over (a failed or stopped join). Idempotent. */
  async close(): Promise<void> {
    const transport = this.#transport;
    this.#transport = undefined;
    await transport?.close();
  }

  /** A ping gets a bare ack; gossip and requests wait for the engine, which has the view. */
  #answer(msg: MembershipMessage, sender: Sender): void {
    if (msg.type !== "ping" || this.#transport === undefined) return;
    this.answered++;
    void this.#transport.send(
      sender.addr,
      sender.port,
      { type: "ack", from: this.id, seq: msg.seq },
      msg.from,
    );
  }
}
