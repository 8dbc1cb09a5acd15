import amqp from "amqplib";

/** Where the sandbox PLM announces releases: a durable topic exchange of its own on the hub's broker. */
export const PLM_EXCHANGE = "orderhub.plm";
export const BOM_RELEASED = "plm.bom.released";

type Connection = Awaited<ReturnType<typeof amqp.connect>>;
type ConfirmChannel = Awaited<ReturnType<Connection["createConfirmChannel"]>>;

/**
 * Publishes persistent messages the broker confirmed, on one connection opened at the first publish and opened again
 * after it was lost. A publish that the broker does not confirm rejects naming why.
 */
export class PlmPublisher {
  private opening: Promise<{ connection: Connection; channel: ConfirmChannel }> | undefined;

  constructor(private readonly url: string) {}

  async publish(routingKey: string, body: unknown, properties: { messageId: string; type: string }): Promise<void> {
    const { channel } = await this.open();
    channel.publish(PLM_EXCHANGE, routingKey, Buffer.from(JSON.stringify(body), "utf8"), {
      persistent: true,
      contentType: "application/json",
      appId: "orderhub-sandbox-plm",
      timestamp: Math.floor(Date.now() / 1000),
      ...properties,
    });
    await channel.waitForConfirms();
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (!opening) return;
    try {
      const { connection } = await opening;
      await connection.close();
    } catch {
      /* never opened, or gone already */
    }
  }

  private open(): Promise<{ connection: Connection; channel: ConfirmChannel }> {
    if (!this.opening) {
      const opening = (async () => {
        const connection = await amqp.connect(this.url, { timeout: 5000 });
        const forget = () => {
          if (this.opening === opening) this.opening = undefined;
        };
        connection.on("close", forget);
        connection.on("error", forget);
        const channel = await connection.createConfirmChannel();
        channel.on("error", forget);
        channel.on("close", forget);
        await channel.assertExchange(PLM_EXCHANGE, "topic", { durable: true });
        return { connection, channel };
      })();
      this.opening = opening;
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return this.opening;
  }
}
