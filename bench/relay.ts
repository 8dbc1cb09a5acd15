/**
 * The bare relay, `node dist/bench/relay.js <url> <queue>`: the least the intake's job needs, as the baseline of
 * `npm run bench:intake`. Consume with prefetch, JSON transform, publish on a confirm channel, ack after the confirm.
 */
import amqp, { type ConsumeMessage } from "amqplib";
import { EVENTS_EXCHANGE } from "../connectors/amqp/topology";
import { PREFETCH, RELAY_KEY } from "./harness";

async function relayMain(url: string, queue: string): Promise<void> {
  const conn = await amqp.connect(url);
  const pub = await conn.createConfirmChannel();
  const sub = await conn.createChannel();
  await sub.prefetch(PREFETCH);
  let waiting: Promise<void> | undefined;
  const handle = (m: ConsumeMessage) => {
    const order = JSON.parse(m.content.toString("utf8")) as Record<string, unknown>;
    const event = { ...order, acceptedAt: new Date().toISOString(), inboundMessageId: m.properties.messageId };
    const body = Buffer.from(JSON.stringify(event));
    const publish = () => {
      const ok = pub.publish(EVENTS_EXCHANGE, RELAY_KEY, body, { persistent: true, contentType: "application/json", messageId: `relay:${m.properties.messageId}` }, (err) =>
        err ? sub.nack(m, false, true) : sub.ack(m),
      );
      if (!ok) waiting ??= new Promise<void>((r) => pub.once("drain", () => ((waiting = undefined), r())));
    };
    if (waiting) void waiting.then(publish);
    else publish();
  };
  await sub.consume(queue, (m) => m && handle(m), { noAck: false });
  console.log(`consuming ${Date.now()}`);
  process.once("SIGTERM", () => void conn.close().finally(() => process.exit(0)));
}

relayMain(process.argv[2], process.argv[3]).catch((err) => {
  console.error(err);
  process.exit(1);
});
