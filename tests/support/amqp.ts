import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from "amqplib";
import { queueCounts, vhostOf, type QueueCounts } from "./rabbit";
import { until } from "./wait";

/**
 * How long `collect` goes on reading after it has the messages it was asked for: an extra message (a duplicate that
 * should not have been published, a second dead letter) arrives within it and is returned with the rest.
 */
export const SETTLE_MS = 750;

/** A plain amqplib client for tests: publish with confirms, collect what arrives on a queue, count what is left. */
export class TestClient {
  private constructor(
    readonly conn: ChannelModel,
    readonly ch: ConfirmChannel,
    readonly vhost: string,
  ) {}

  static async connect(url: string): Promise<TestClient> {
    const conn = await amqp.connect(url);
    conn.on("error", () => undefined);
    const ch = await conn.createConfirmChannel();
    return new TestClient(conn, ch, vhostOf(url));
  }

  /** A server-named exclusive queue bound to orderhub.events with the given pattern. */
  async tap(pattern = "order.*", exchange = "orderhub.events"): Promise<string> {
    await this.ch.assertExchange(exchange, "topic", { durable: true });
    const { queue } = await this.ch.assertQueue("", { exclusive: true });
    await this.ch.bindQueue(queue, exchange, pattern);
    return queue;
  }

  async send(queue: string, body: string | Buffer, options: amqp.Options.Publish = {}): Promise<void> {
    this.ch.sendToQueue(queue, Buffer.isBuffer(body) ? body : Buffer.from(body), { persistent: true, ...options });
  }

  async confirmed(): Promise<void> {
    await this.ch.waitForConfirms();
  }

  /**
   * Takes (and acks) everything that arrives on a queue: it waits up to `idleMs` between messages until `count` have
   * arrived, then goes on reading until nothing came for `settleMs`, and returns all it got. Assert the exact number:
   * more than `count` is returned, not dropped.
   */
  async collect(queue: string, count: number, idleMs = 5000, settleMs = SETTLE_MS): Promise<ConsumeMessage[]> {
    const got: ConsumeMessage[] = [];
    const consumer = await this.conn.createChannel();
    await new Promise<void>((resolve) => {
      const wait = () => (got.length >= count ? settleMs : idleMs);
      let timer = setTimeout(resolve, wait());
      void consumer.consume(queue, (m) => {
        if (!m) return;
        got.push(m);
        consumer.ack(m);
        clearTimeout(timer);
        timer = setTimeout(resolve, wait());
      });
    });
    await consumer.close();
    return got;
  }

  /**
   * The messages in a queue as the broker counts them, those delivered to a consumer and not yet acknowledged
   * included: 0 means everything that was taken was also acknowledged.
   */
  async depth(queue: string): Promise<number> {
    return (await this.counts(queue)).total;
  }

  /** Ready and unacknowledged messages of a queue, apart. */
  counts(queue: string): Promise<QueueCounts> {
    return queueCounts(this.vhost, queue);
  }

  /**
   * The counts of a queue whose consumers are gone, once the broker has taken back what they held: a quorum queue
   * returns a closed channel's unacknowledged messages a moment after the close.
   */
  async countsWhenReturned(queue: string, timeoutMs = 10_000): Promise<QueueCounts> {
    return until(`${queue} to have no message held by a consumer`, async () => {
      const counts = await this.counts(queue);
      return counts.unacked === 0 ? counts : undefined;
    }, timeoutMs);
  }

  /** Waits until every message of the queue was taken and acknowledged (nothing ready, nothing unacknowledged). */
  async drained(queue: string, timeoutMs = 30_000): Promise<void> {
    await until(`${queue} to be empty, every message acknowledged`, async () => (await this.depth(queue)) === 0, timeoutMs);
  }

  /**
   * The messages waiting to be delivered (what a passive declare reports; unacknowledged ones are not counted). Cheap,
   * and it fails when the queue does not exist: for waiting until it does.
   */
  async ready(queue: string): Promise<number> {
    const ch = await this.conn.createChannel();
    ch.on("error", () => undefined);
    const { messageCount } = await ch.checkQueue(queue);
    await ch.close();
    return messageCount;
  }

  /** Empties a queue (one that does not exist is empty already). */
  async purge(queue: string): Promise<void> {
    const ch = await this.conn.createChannel();
    ch.on("error", () => undefined);
    await ch.purgeQueue(queue).catch(() => undefined);
    await ch.close().catch(() => undefined);
  }

  /** Waits until `queue` exists and has a consumer (a flow's amqp-in attached to it). */
  async consumed(queue: string, timeoutMs = 10_000): Promise<void> {
    const consumers = async () => {
      const ch = await this.conn.createChannel();
      ch.on("error", () => undefined);
      try {
        return (await ch.checkQueue(queue)).consumerCount;
      } catch {
        return 0;
      } finally {
        await ch.close().catch(() => undefined);
      }
    };
    await until(`a consumer on ${queue}`, async () => (await consumers()) > 0, timeoutMs);
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }
}

export const json = (m: ConsumeMessage) => JSON.parse(m.content.toString("utf8"));
