import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrokerConnection } from "../../connectors/amqp/connection";
import { registry } from "../../observability/metrics";
import { healthReport } from "../../runtime/health";
import { TestClient } from "../support/amqp";
import { createVhost, rabbitmqctl, type TestVhost } from "../support/rabbit";
import { consumerCount, openBroker, queueCounts, taken, until } from "./broker-fixture";

// The broker cancels a consumer (basic.cancel) when its queue is deleted, among other reasons. amqplib hands that to
// the consume callback as a null message; a consumer that ignores it is gone for good while the queue fills.

let vhost: TestVhost;
let client: TestClient;
let broker: BrokerConnection;
let stop: () => Promise<void>;

const health = () => healthReport({ flowsRunning: () => true, store: () => ({ ping: async () => true }) as never });
const consumersMetric = async (queue: string) => {
  const text = await registry.getSingleMetricAsString("orderhub_consumers");
  return Number(new RegExp(`orderhub_consumers\\{queue="${queue.replace(/\./g, "\\.")}"\\} (\\d+)`).exec(text)?.[1]);
};

beforeAll(async () => {
  vhost = createVhost("orderhub-consumer-cancel");
  client = await TestClient.connect(vhost.url);
});

afterAll(async () => {
  await client.close();
  vhost.drop();
});

afterEach(async () => {
  await stop?.();
});

describe("the hub's own queue deleted under a running consumer", () => {
  it("declares the queue again and consumes from it, without a restart", async () => {
    const queue = "orderhub.test.own";
    ({ broker, stop } = await openBroker(vhost.url));
    const got = taken();
    broker.consume({ queue, prefetch: 10, name: "own queue consumer", declare: true, onMessage: (d) => (got.onMessage(d), broker.ack(d.key)) }).start();
    await until("the consumer", () => consumerCount(vhost.name, queue) === 1);

    rabbitmqctl("delete_queue", "-p", vhost.name, queue);

    // declaring a quorum queue right after its namesake was deleted can fail a few times on a busy broker (backoff)
    await until("the queue declared again, with a consumer", () => consumerCount(vhost.name, queue) === 1, 60_000);
    await client.send(queue, "after the delete", { messageId: "own-1" });
    await until("the message taken", () => got.deliveries.length === 1);
    expect(got.deliveries[0].message.properties.messageId).toBe("own-1");
    await until("the message acknowledged", async () => (await queueCounts(vhost.name, queue))?.total === 0);
    expect(await consumersMetric(queue)).toBe(1);
    expect((await health()).status).toBe("ok");
  }, 120_000);
});

describe("a queue the hub does not own, deleted under its consumer", () => {
  it("answers 503 naming the queue while it cannot consume, and consumes again once the queue is back", async () => {
    const queue = "orderhub.test.foreign";
    await client.ch.assertQueue(queue, { durable: true });
    ({ broker, stop } = await openBroker(vhost.url));
    const got = taken();
    broker.consume({ queue, prefetch: 10, name: "foreign queue consumer", declare: false, onMessage: (d) => (got.onMessage(d), broker.ack(d.key)) }).start();
    await until("the consumer", () => consumerCount(vhost.name, queue) === 1);
    await until("orderhub_consumers at 1", async () => (await consumersMetric(queue)) === 1);

    rabbitmqctl("delete_queue", "-p", vhost.name, queue);

    const down = await until("/health degraded", async () => {
      const report = await health();
      return report.status === "degraded" && report;
    });
    expect(down.problems.join("\n")).toMatch(/queue orderhub\.test\.foreign has no consumer \(foreign queue consumer\)/);
    expect(await consumersMetric(queue)).toBe(0);

    // the operator declares it again: the consumer comes back by itself
    await client.ch.assertQueue(queue, { durable: true });
    await until("the consumer back", () => consumerCount(vhost.name, queue) === 1, 40_000);
    await client.send(queue, "after the queue came back", { messageId: "foreign-1" });
    await until("the message taken", () => got.deliveries.length === 1);
    await until("orderhub_consumers at 1", async () => (await consumersMetric(queue)) === 1);
    expect((await health()).status).toBe("ok");
  });
});

describe("a message in flight when its queue is deleted", () => {
  it("settles without harm, and the new subscription goes on", async () => {
    const queue = "orderhub.test.inflight";
    ({ broker, stop } = await openBroker(vhost.url));
    const got = taken();
    broker.consume({ queue, prefetch: 10, name: "in-flight consumer", declare: true, onMessage: got.onMessage }).start();
    await until("the consumer", () => consumerCount(vhost.name, queue) === 1);
    await client.send(queue, "taken before the delete", { messageId: "inflight-1" });
    await until("the message taken", () => got.deliveries.length === 1);

    rabbitmqctl("delete_queue", "-p", vhost.name, queue);
    // declaring a quorum queue right after its namesake was deleted can fail a few times on a busy broker (backoff)
    await until("the queue declared again, with a consumer", () => consumerCount(vhost.name, queue) === 1, 60_000);
    broker.ack(got.deliveries[0].key);

    await client.send(queue, "after the delete", { messageId: "inflight-2" });
    await until("the second message taken", () => got.deliveries.length === 2);
    expect(broker.ack(got.deliveries[1].key)).toBe("acked");
    await until("the second message acknowledged", async () => (await queueCounts(vhost.name, queue))?.total === 0);
    expect(broker.info().consumers).toEqual([{ queue, consumer: "in-flight consumer", wanted: true, running: true }]);
  }, 120_000);
});
