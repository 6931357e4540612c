// Local health awareness (Lifeguard, memberlist's awareness.go): a score from 0 (healthy) to
// awarenessMax. A node whose own probes go unanswered without nacks, that has to refute suspicions
// about itself, or that finds itself stalled is probably the slow one: it probes less often and
// waits longer for answers (period and timeout times score + 1) instead of accusing healthy peers.

export class LocalHealth {
  private value = 0;
  /** Probes answered since the last sign of trouble (only an answered probe lowers the score). */
  private answered = 0;

  constructor(private readonly max: number) {}

  get score(): number {
    return this.value;
  }

  /** How many probes in a row were answered, with no missed probe, refutation or stall between. */
  get answeredInARow(): number {
    return this.answered;
  }

  /** Raises (positive) or lowers (negative) the score, kept within 0..max. */
  apply(delta: number): void {
    this.value = Math.min(this.max, Math.max(0, this.value + delta));
    if (delta < 0) this.answered++;
    else if (delta > 0) this.answered = 0;
  }

  /** A duration stretched by how unhealthy this node is. */
  scale(ms: number): number {
    return ms * (this.value + 1);
  }
}
