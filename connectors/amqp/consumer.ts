import type { Channel, ConsumeMessage } from "amqplib";
import type { BrokerConnection } from "./connection";
import { nextChannelSeq, type Delivery } from "./deliveries";
import { AckBatcher } from "./ack-batcher";
import { bindQueue } from "./topology";
import { backoffDelay, sleep } from "./backoff";
import { consumersRunning } from "../../observability/metrics";
import { logger } from "../../observability/logger";

export interface ConsumerOptions {
  queue: string;
  prefetch: number;
  /** Who consumes (node name): named in dead-letter headers. */
  name: string;
  /** Declare the queue (durable, quorum, dead-lettering to orderhub.dlx) before consuming: the queue is the hub's own. */
  declare?: boolean;
  /** Bind the queue to this exchange with these routing patterns before consuming (again after each reconnect). */
  bind?: { exchange: string; patterns: readonly string[] };
  onMessage: (delivery: Delivery) => void;
  onError?: (message: string) => void;
  /** The consumer runs again after it was cancelled or could not subscribe. */
  onRunning?: () => void;
}

/** A consumer as /health shows it. */
export interface ConsumerInfo {
  queue: string;
  consumer: string;
  /** It should be consuming (the flows have started and it was not stopped). */
  wanted: boolean;
  /** It is subscribed to its queue right now. */
  running: boolean;
  /** Why it is not running, when it should be. */
  reason?: string;
}

const RETRY_INITIAL_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * A consumer on its own channel of the shared connection. It consumes only after `start()` (the node calls it once
 * the flows have started), subscribes again after a reconnect and after the broker cancelled it (a deleted queue, a
 * quorum leader that moved), and on `stop()` cancels, lets in-flight messages finish for a while, then closes its
 * channel so the broker requeues whatever is left.
 */
export class Consumer {
  private wanted = false;
  private channel: Channel | undefined;
  private seq = 0;
  private tag: string | undefined;
  private attaching = false;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private reason: string | undefined;
  private acks: AckBatcher | undefined;
  private counted = false;

  constructor(
    private readonly broker: BrokerConnection,
    private readonly opts: ConsumerOptions,
  ) {}

  start(): void {
    this.wanted = true;
    if (this.broker.hasLiveConnection()) void this.attach();
  }

  info(): ConsumerInfo {
    const running = this.tag !== undefined;
    const info: ConsumerInfo = { queue: this.opts.queue, consumer: this.opts.name, wanted: this.wanted, running };
    if (this.wanted && !running) info.reason = this.reason ?? (this.broker.hasLiveConnection() ? "subscribing" : "waiting for the broker connection");
    return info;
  }

  async attach(): Promise<void> {
    if (!this.wanted || this.channel || this.attaching || !this.broker.hasLiveConnection()) return;
    this.attaching = true;
    let ch: Channel | undefined;
    try {
      if (this.opts.declare) await this.broker.declareQueue(this.opts.queue);
      if (this.opts.bind) await bindQueue(() => this.broker.createChannel(), this.opts.queue, this.opts.bind.exchange, this.opts.bind.patterns);
      ch = await this.broker.createChannel();
      const channel = ch;
      const seq = nextChannelSeq();
      ch.on("error", (err: Error) => this.opts.onError?.(err.message));
      ch.on("close", () => this.closed(channel, seq));
      await ch.prefetch(this.opts.prefetch);
      this.broker.deliveries.channelOpened(seq);
      const acks = new AckBatcher(ch, () => this.broker.deliveries.oldestTag(seq));
      // amqplib hands the broker's basic.cancel to the callback as null
      const { consumerTag } = await ch.consume(this.opts.queue, (m) => (m ? this.take(channel, seq, acks, m) : this.cancelled(channel, seq)), { noAck: false });
      this.channel = ch;
      this.seq = seq;
      this.acks = acks;
      this.tag = consumerTag;
      const wasDown = this.attempt > 0 || this.reason !== undefined;
      this.attempt = 0;
      this.reason = undefined;
      this.count(true);
      logger.info({ queue: this.opts.queue, prefetch: this.opts.prefetch, consumer: this.opts.name }, `amqp: consuming from "${this.opts.queue}"`);
      if (wasDown) this.opts.onRunning?.();
      if (!this.wanted) await this.stop(0);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.reason = `cannot consume from "${this.opts.queue}": ${message}`;
      logger.warn({ queue: this.opts.queue, attempt: this.attempt + 1 }, `amqp: ${this.reason}`);
      this.opts.onError?.(this.reason);
      await ch?.close().catch(() => undefined);
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

  /**
   * The broker cancelled this consumer (its queue was deleted, or the broker moved it). The channel stays open while
   * the messages taken on it are settled; meanwhile the consumer subscribes again on a channel of its own, declaring
   * the queue again when it is the hub's.
   */
  private cancelled(ch: Channel, seq: number): void {
    if (this.channel !== ch) return;
    this.reason = `the broker cancelled the consumer of "${this.opts.queue}" (the queue was deleted, or moved); subscribing again`;
    logger.warn({ queue: this.opts.queue, consumer: this.opts.name }, `amqp: ${this.reason}`);
    this.opts.onError?.(this.reason);
    this.channel = undefined;
    this.tag = undefined;
    this.count(false);
    const acks = this.acks;
    void this.drain(seq, this.broker.settleDeadlineMs, Infinity).then(() => {
      acks?.flush();
      this.broker.deliveries.dropChannel(seq);
      return ch.close().catch(() => undefined);
    });
    this.scheduleRetry();
  }

  private closed(ch: Channel, seq: number): void {
    const dropped = this.broker.deliveries.dropChannel(seq);
    if (dropped > 0) logger.warn({ queue: this.opts.queue, returnedToQueue: dropped }, `amqp: the channel consuming from "${this.opts.queue}" closed; the broker delivers its ${dropped} unsettled message(s) again`);
    if (this.channel !== ch) return;
    this.channel = undefined;
    this.tag = undefined;
    this.count(false);
    // A channel that closes with its connection is opened again by the reconnect; one that closes alone, here.
    // amqplib closes the channels before the connection says it closed: look once that has been said.
    setImmediate(() => {
      if (!this.broker.hasLiveConnection() || this.channel) return;
      this.reason ??= `the channel consuming from "${this.opts.queue}" closed`;
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (!this.wanted || this.retry) return;
    const delay = backoffDelay(this.attempt++, RETRY_INITIAL_MS, RETRY_MAX_MS);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.attach();
    }, delay);
    this.retry.unref();
  }

  /** The connection went away with every channel; a reconnect calls attach() again. */
  detached(): void {
    this.channel = undefined;
    this.tag = undefined;
    this.count(false);
  }

  /** Keeps orderhub_consumers{queue} at the number of consumers subscribed to each queue. */
  private count(running: boolean): void {
    if (running === this.counted) return;
    this.counted = running;
    if (running) consumersRunning.inc({ queue: this.opts.queue });
    else consumersRunning.dec({ queue: this.opts.queue });
  }

  /**
   * Waits while deliveries of channel `seq` are in flight, up to `drainMs`, or until nothing was settled for
   * `quietMs`.
   */
  private async drain(seq: number, drainMs: number, quietMs: number): Promise<void> {
    const until = Date.now() + drainMs;
    let left = this.broker.deliveries.countFor(seq);
    let settledAt = Date.now();
    while (left > 0 && Date.now() < until && Date.now() - settledAt < quietMs) {
      await sleep(20);
      const now = this.broker.deliveries.countFor(seq);
      if (now < left) settledAt = Date.now();
      left = now;
    }
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
    this.retry = undefined;
    const ch = this.channel;
    if (!ch) return;
    if (this.tag) await ch.cancel(this.tag).catch(() => undefined);
    this.tag = undefined;
    this.count(false);
    await this.drain(this.seq, drainMs, quietMs);
    this.channel = undefined;
    // The settled acks go before the deliveries still in flight are forgotten: a `multiple` ack computed without
    // them would cover them, and the broker would drop messages nobody finished.
    this.acks?.flush();
    this.broker.deliveries.dropChannel(this.seq);
    await ch.close().catch(() => undefined);
  }
}
