import type { Channel, ConsumeMessage } from "amqplib";
import type { AckBatcher } from "./ack-batcher";

/** A message taken off a queue and not yet settled. Lives only in the broker connection, never on `msg`. */
export interface Delivery {
  key: string;
  queue: string;
  /** Name of the consumer (node) that took it, for dead-letter headers and metrics. */
  consumer: string;
  channel: Channel;
  channelSeq: number;
  /** Sends this channel's acks, a turn of the event loop at a time. */
  acks: AckBatcher;
  message: ConsumeMessage;
  takenAt: number;
  deadline: number;
}

/**
 * Deliveries by settlement key `<broker>:<channel seq>:<delivery tag>`. A key from a channel that has died is gone
 * from here, so a late ack or dead-letter for it is a no-op: the broker redelivers that message on its own.
 */
export type DeliveryState =
  /** Taken and not yet settled: whoever settles it now decides. */
  | "live"
  /** Already settled by someone else while its channel is still open: the broker will not deliver it again. */
  | "settled"
  /** Its channel is gone: the broker delivers it again. */
  | "gone";

export class DeliveryRegistry {
  private readonly byKey = new Map<string, Delivery>();
  private readonly openChannels = new Set<number>();

  channelOpened(channelSeq: number): void {
    this.openChannels.add(channelSeq);
  }

  state(key: string): DeliveryState {
    if (this.byKey.has(key)) return "live";
    const seq = Number(key.split(":")[1]);
    return this.openChannels.has(seq) ? "settled" : "gone";
  }

  add(d: Delivery): void {
    this.byKey.set(d.key, d);
  }

  /** Removes and returns the delivery: whoever takes it settles it, so two settlements never race. */
  take(key: string): Delivery | undefined {
    const d = this.byKey.get(key);
    if (d) this.byKey.delete(key);
    return d;
  }

  /** Forget every delivery of a channel that closed; the broker requeues them. Returns how many. */
  dropChannel(channelSeq: number): number {
    this.openChannels.delete(channelSeq);
    let dropped = 0;
    for (const [key, d] of this.byKey) {
      if (d.channelSeq === channelSeq) {
        this.byKey.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.byKey.clear();
    this.openChannels.clear();
  }

  /** The lowest delivery tag of a channel still waiting to be settled. */
  oldestTag(channelSeq: number): number | undefined {
    let oldest: number | undefined;
    for (const d of this.byKey.values()) {
      const tag = d.message.fields.deliveryTag;
      if (d.channelSeq === channelSeq && (oldest === undefined || tag < oldest)) oldest = tag;
    }
    return oldest;
  }

  countFor(channelSeq: number): number {
    let n = 0;
    for (const d of this.byKey.values()) if (d.channelSeq === channelSeq) n++;
    return n;
  }

  expired(now: number): Delivery[] {
    return [...this.byKey.values()].filter((d) => d.deadline <= now);
  }

  get size(): number {
    return this.byKey.size;
  }
}
