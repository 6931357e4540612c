// What one engine call produces: the datagrams to send and the events to log, collected while the
// call runs and handed back as one Output at its end (see Membership.call).
import { deliveryAddress, type MembershipEvent, type Outgoing, type Output, type Sender } from "./types.js";
import type { MembershipMessage } from "./wire.js";

export class Batch {
  private out: Output = { send: [], events: [] };

  emit(event: MembershipEvent): void {
    this.out.events.push(event);
  }

  /** `to`: a member's record (sent to its own IP if it told us one) or a datagram's sender. */
  send(to: Sender & { ip?: string }, toId: number | undefined, msg: MembershipMessage): void {
    const { addr, port } = deliveryAddress(to);
    const o: Outgoing = { addr, port, msg };
    if (toId !== undefined) o.toId = toId;
    this.out.send.push(o);
  }

  /** Everything collected since the last take (and starts a fresh batch). */
  take(): Output {
    const out = this.out;
    this.out = { send: [], events: [] };
    return out;
  }
}
