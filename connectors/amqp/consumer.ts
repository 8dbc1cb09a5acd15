import type { Channel, ConsumeMessage } from "amqplib";
import type { BrokerConnection } from "./connection";
import type { Delivery } from "./deliveries";
import { AckBatcher } from "./ack-batcher";
import { declareQueue } from "./topology";
import { logger } from "../../observability/logger";

export interface ConsumerOptions {
  queue: string;
  prefetch: number;
  /** Who consumes (node name): named in dead-letter headers. */
  name: string;
  /** Declare the queue (durable, quorum, dead-lettering to orderhub.dlx) before consuming. */
  declare?: boolean;
  onMessage: (delivery: Delivery) => void;
  onError?: (message: string) => void;
}

/**
 * A consumer on its own channel of the shared connection. It consumes only after `start()` (the node calls it once
 * the flows have started), re-subscribes after a reconnect, and on `stop()` cancels, lets in-flight messages finish
 * for a while, then closes its channel so the broker requeues whatever is left.
 */
export class Consumer {
  private wanted = false;
  private channel: Channel | undefined;
  private seq = 0;
  private tag: string | undefined;
  private attaching = false;
  private retry: NodeJS.Timeout | undefined;
  private acks: AckBatcher | undefined;

  constructor(
    private readonly broker: BrokerConnection,
    private readonly opts: ConsumerOptions,
  ) {}

  start(): void {
    this.wanted = true;
    if (this.broker.hasLiveConnection()) void this.attach();
  }

  async attach(): Promise<void> {
    if (!this.wanted || this.channel || this.attaching || !this.broker.hasLiveConnection()) return;
    this.attaching = true;
    try {
      if (this.opts.declare) await declareQueue(() => this.broker.createChannel(), this.opts.queue);
      const ch = await this.broker.createChannel();
      const seq = this.broker.nextChannelSeq();
      ch.on("error", (err: Error) => this.opts.onError?.(err.message));
      ch.on("close", () => this.closed(ch, seq));
      await ch.prefetch(this.opts.prefetch);
      this.channel = ch;
      this.seq = seq;
      this.broker.deliveries.channelOpened(seq);
      const acks = new AckBatcher(ch, () => this.broker.deliveries.oldestTag(seq));
      this.acks = acks;
      const { consumerTag } = await ch.consume(this.opts.queue, (m) => m && this.take(ch, seq, acks, m), { noAck: false });
      this.tag = consumerTag;
      logger.info({ queue: this.opts.queue, prefetch: this.opts.prefetch, consumer: this.opts.name }, `amqp: consuming from "${this.opts.queue}"`);
      if (!this.wanted) await this.stop(0);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ queue: this.opts.queue }, `amqp: cannot consume from "${this.opts.queue}": ${message}`);
      this.opts.onError?.(`cannot consume from "${this.opts.queue}": ${message}`);
      this.scheduleRetry();
    } finally {
      this.attaching = false;
    }
  }

  private take(channel: Channel, channelSeq: number, acks: AckBatcher, message: ConsumeMessage): void {
    const now = Date.now();
    const delivery: Delivery = {
      key: `${this.broker.id}:${channelSeq}:${message.fields.deliveryTag}`,
      queue: this.opts.queue,
      consumer: this.opts.name,
      channel,
      channelSeq,
      acks,
      message,
      takenAt: now,
      deadline: now + this.broker.settleDeadlineMs,
    };
    this.broker.deliveries.add(delivery);
    this.opts.onMessage(delivery);
  }

  private closed(ch: Channel, seq: number): void {
    this.broker.deliveries.dropChannel(seq);
    if (this.channel !== ch) return;
    this.channel = undefined;
    this.tag = undefined;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.wanted || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.attach();
    }, 2000);
    this.retry.unref();
  }

  /** The connection went away with every channel; a reconnect calls attach() again. */
  detached(): void {
    this.channel = undefined;
    this.tag = undefined;
  }

  /**
   * Stops taking messages, gives those in flight up to `drainMs` to be settled, then closes the channel so that the
   * broker requeues the rest. The wait ends early once nothing has been settled for `quietMs`: when the flows stop,
   * Node-RED drops what is still on its way between nodes, and such a message would only hold the stop up; those that
   * are a publish confirm or a store commit away settle within milliseconds.
   */
  async stop(drainMs: number, quietMs = 500): Promise<void> {
    this.wanted = false;
    clearTimeout(this.retry);
    const ch = this.channel;
    if (!ch) return;
    if (this.tag) await ch.cancel(this.tag).catch(() => undefined);
    this.tag = undefined;
    const until = Date.now() + drainMs;
    let left = this.broker.deliveries.countFor(this.seq);
    let settledAt = Date.now();
    while (left > 0 && Date.now() < until && Date.now() - settledAt < quietMs) {
      await new Promise((r) => setTimeout(r, 20));
      const now = this.broker.deliveries.countFor(this.seq);
      if (now < left) settledAt = Date.now();
      left = now;
    }
    this.channel = undefined;
    this.broker.deliveries.dropChannel(this.seq);
    this.acks?.flush();
    await ch.close().catch(() => undefined);
  }
}
