// The membership transport's view of authentication: seal a datagram for a member, open one from
// a peer (or record why not). A plain node (no key, no label) gets no framing at all, so its
// datagrams are byte for byte what they were.
import type { ClusterAuth } from "./cluster-auth.js";
import { MAX_FRAME_OVERHEAD } from "./frame.js";
import type { RejectionLog } from "./rejection-log.js";

export interface DatagramFraming {
  /** The bytes to send to member `to`. */
  seal(payload: string, to: number): string;
  /** The payload, or undefined when the datagram was refused (already recorded). */
  open(bytes: Buffer, peer: string): Buffer | undefined;
  /** How many bytes a frame may add: receivers allow this much over their size cap. */
  readonly overhead: number;
}

export function datagramFraming(
  auth: ClusterAuth,
  selfId: number,
  rejections: RejectionLog,
): DatagramFraming | undefined {
  if (auth.plain) return undefined;
  return {
    overhead: MAX_FRAME_OVERHEAD,
    seal: (payload, to) => auth.sealDatagram(payload, to),
    open(bytes, peer) {
      const opened = auth.openDatagram(bytes, selfId);
      if (opened.ok) return opened.payload;
      const { reason, detail, kid, label } = opened;
      rejections.record({
        reason,
        detail,
        transport: "udp",
        peer,
        ...(kid !== undefined ? { kid } : {}),
        ...(label !== undefined ? { label } : {}),
      });
      return undefined;
    },
  };
}
