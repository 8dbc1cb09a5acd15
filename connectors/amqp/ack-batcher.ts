import type { Channel, Message } from "amqplib";

/**
 * Acknowledgements of one channel, sent once per turn of the event loop: the settled deliveries below the oldest one
 * still in flight go as a single ack with `multiple`, the rest one by one. A quorum queue turns every ack into a log
 * entry, so this saves the broker most of its settle work; no delivery is acknowledged before it was settled, and a
 * slow message never holds back the acks of those behind it for longer than one turn.
 */
export class AckBatcher {
  private settled: Message[] = [];
  private scheduled = false;
  /** Deliveries being settled right now (a dead letter on its way): a `multiple` ack must not cover them yet. */
  private readonly held = new Set<number>();

  constructor(
    private readonly channel: Channel,
    /** Lowest delivery tag on this channel that is taken but not settled, or undefined when none. */
    private readonly oldestInFlight: () => number | undefined,
  ) {}

  hold(message: Message): void {
    this.held.add(message.fields.deliveryTag);
  }

  /** A held delivery was settled another way (rejected): stop holding it back. */
  release(message: Message): void {
    this.held.delete(message.fields.deliveryTag);
  }

  ack(message: Message): void {
    this.held.delete(message.fields.deliveryTag);
    this.settled.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      // From inside a promise continuation (where acks come from: after a publish confirm), a tick runs once every
      // pending continuation has run, so the acks of all the confirms of one read leave together.
      process.nextTick(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    const settled = this.settled.sort((a, b) => a.fields.deliveryTag - b.fields.deliveryTag);
    this.settled = [];
    if (settled.length === 0) return;
    const oldest = [this.oldestInFlight(), ...this.held].reduce<number | undefined>(
      (low, tag) => (tag !== undefined && (low === undefined || tag < low) ? tag : low),
      undefined,
    );
    const prefix = oldest === undefined ? settled.length : settled.findIndex((m) => m.fields.deliveryTag > oldest);
    const upTo = prefix === -1 ? settled.length : prefix;
    try {
      if (upTo > 0) this.channel.ack(settled[upTo - 1], true);
      for (const m of settled.slice(upTo)) this.channel.ack(m);
    } catch {
      // The channel closed: the broker requeues what was not acknowledged, and redelivery is harmless.
    }
  }
}
