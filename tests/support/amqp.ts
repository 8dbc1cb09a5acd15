import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from "amqplib";

/** A plain amqplib client for tests: publish with confirms, collect what arrives on a queue. */
export class TestClient {
  private constructor(
    readonly conn: ChannelModel,
    readonly ch: ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<TestClient> {
    const conn = await amqp.connect(url);
    conn.on("error", () => undefined);
    const ch = await conn.createConfirmChannel();
    return new TestClient(conn, ch);
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

  /** Collect messages from a queue until `count` arrived or `timeoutMs` passed with nothing new. */
  async collect(queue: string, count: number, idleMs = 5000): Promise<ConsumeMessage[]> {
    const got: ConsumeMessage[] = [];
    const consumer = await this.conn.createChannel();
    await new Promise<void>((resolve) => {
      let timer = setTimeout(resolve, idleMs);
      void consumer.consume(queue, (m) => {
        if (!m) return;
        got.push(m);
        consumer.ack(m);
        clearTimeout(timer);
        if (got.length >= count) resolve();
        else timer = setTimeout(resolve, idleMs);
      });
    });
    await consumer.close();
    return got;
  }

  async depth(queue: string): Promise<number> {
    const ch = await this.conn.createChannel();
    ch.on("error", () => undefined);
    const { messageCount } = await ch.checkQueue(queue);
    await ch.close();
    return messageCount;
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }
}

export const json = (m: ConsumeMessage) => JSON.parse(m.content.toString("utf8"));
