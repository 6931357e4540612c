// The live stream's messages: each one numbered (1, 2, 3, ...) as it is published, the newest kept
// so a page that reconnects (or reloads) is sent exactly what it missed, and every subscriber
// told of each new one. Retention is bounded by the entries the kept messages carry; a page
// further behind than that is told to reload (the `reset` message).
import type { StreamEvent, StreamMessages } from "@joinlab/report";

export interface StreamMessage<E extends StreamEvent = StreamEvent> {
  /** Absent for messages that only say what holds now (the cluster summary): they are not replayed. */
  id?: number;
  event: E;
  data: StreamMessages[E];
  /** Timeline entries it carries (what retention counts). */
  weight: number;
}

export type Subscriber = (message: StreamMessage) => void;

export class StreamLog {
  private readonly kept: StreamMessage[] = [];
  private keptWeight = 0;
  private nextId = 1;
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    /** How many entries the kept messages may carry in all. */
    private readonly retainEntries: number,
  ) {}

  /** The id of the newest numbered message (0 before the first). */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** The kept messages, oldest first. */
  retained(): readonly StreamMessage[] {
    return this.kept;
  }

  /** Numbers, keeps and sends a message that a resumed page must not miss. */
  publish<E extends StreamEvent>(event: E, data: StreamMessages[E], weight = 0): StreamMessage<E> {
    const message: StreamMessage<E> = { id: this.nextId++, event, data, weight };
    this.kept.push(message);
    this.keptWeight += weight;
    while (this.kept.length > 1 && this.keptWeight > this.retainEntries) {
      this.keptWeight -= this.kept.shift()!.weight;
    }
    this.send(message);
    return message;
  }

  /** Sends a message that only says what holds now: not numbered, not kept. */
  announce<E extends StreamEvent>(event: E, data: StreamMessages[E]): void {
    this.send({ event, data, weight: 0 });
  }

  /**
   * What a page that holds everything up to `after` must be sent to catch up: the kept messages
   * after it, or undefined when some it needs are no longer kept.
   */
  since(after: number): StreamMessage[] | undefined {
    if (after >= this.lastId) return [];
    const first = this.kept[0]?.id ?? this.nextId;
    if (after + 1 < first) return undefined;
    return this.kept.filter((m) => m.id! > after);
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  private send(message: StreamMessage): void {
    for (const s of [...this.subscribers]) s(message);
  }
}
