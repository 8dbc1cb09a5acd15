import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrokerConnection } from "../../connectors/amqp/connection";
import { replayDeadLetters } from "../../connectors/amqp/dead-letters";
import { DEAD_LETTER_QUEUE } from "../../connectors/amqp/topology";
import { registry } from "../../observability/metrics";
import { healthReport } from "../../runtime/health";
import { TestClient } from "../support/amqp";
import { createVhost, rabbitmqctl, type TestVhost } from "../support/rabbit";
import { consumerCount, openBroker, queueCounts, taken, until } from "./broker-fixture";

// An operator deletes orderhub.dlq (a purge that became a delete). A dead letter published without `mandatory` is
// confirmed by the broker although no queue took it: acking the original then loses the message.

const QUEUE = "orderhub.test.keeping";
let vhost: TestVhost;
let client: TestClient;
let broker: BrokerConnection;
let stop: () => Promise<void>;

const health = () => healthReport({ flowsRunning: () => true, store: () => ({ ping: async () => true }) as never });

beforeAll(async () => {
  vhost = createVhost("orderhub-dlq-keeping");
  client = await TestClient.connect(vhost.url);
});

afterAll(async () => {
  await client.close();
  vhost.drop();
});

afterEach(async () => {
  rabbitmqctl("set_permissions", "-p", vhost.name, "guest", ".*", ".*", ".*");
  await stop?.();
});

async function consumerWithOneMessage(messageId: string) {
  ({ broker, stop } = await openBroker(vhost.url, { reconnectInitialMs: 100, reconnectMaxMs: 400 }));
  const got = taken();
  const consumer = broker.consume({ queue: QUEUE, prefetch: 10, name: "keeping test", declare: true, onMessage: got.onMessage });
  consumer.start();
  await until("the consumer", () => consumerCount(vhost.name, QUEUE) === 1);
  await client.send(QUEUE, `bad document ${messageId}`, { messageId });
  await until("the delivery", () => got.deliveries.length === 1);
  return got.deliveries[0];
}

describe("a dead letter when orderhub.dlq was deleted", () => {
  it("declares the hub topology again and keeps the dead letter there before acknowledging the original", async () => {
    const delivery = await consumerWithOneMessage("dlq-gone-1");
    rabbitmqctl("delete_queue", "-p", vhost.name, DEAD_LETTER_QUEUE);
    expect(await queueCounts(vhost.name, DEAD_LETTER_QUEUE)).toBeUndefined();

    expect(await broker.deadLetter(delivery.key, { error: "unreadable: test", node: "order-normalize" })).toBe("dead-lettered");

    await until("the dead letter in orderhub.dlq", async () => (await queueCounts(vhost.name, DEAD_LETTER_QUEUE))?.ready === 1);
    const [kept] = await client.collect(DEAD_LETTER_QUEUE, 1, 500);
    expect(kept.content.toString()).toBe("bad document dlq-gone-1");
    expect(kept.properties.messageId).toBe("dlq-gone-1");
    expect(kept.properties.headers?.["x-orderhub-error"]).toBe("unreadable: test");
    await until("the original acknowledged", async () => (await queueCounts(vhost.name, QUEUE))?.total === 0);
  });
});

describe("a dead letter no queue can take", () => {
  it("keeps the original unacknowledged and says so in /health and /metrics until orderhub.dlq can be declared again", async () => {
    const delivery = await consumerWithOneMessage("dlq-refused-1");
    rabbitmqctl("delete_queue", "-p", vhost.name, DEAD_LETTER_QUEUE);
    // the hub may not configure orderhub.dlq any more: it cannot declare it again
    rabbitmqctl("set_permissions", "-p", vhost.name, "guest", "^(?!orderhub\\.dlq$).*", ".*", ".*");

    const settled = broker.deadLetter(delivery.key, { error: "unreadable: test", node: "order-normalize" });
    await until("the dead letter counted as waiting", () => broker.info().deadLettersWaiting === 1);
    const report = await health();
    expect(report.status).toBe("degraded");
    expect(report.problems.join("\n")).toMatch(/1 dead letter\(s\) no queue can take yet/);
    expect(await registry.getSingleMetricAsString("orderhub_dead_letters_waiting")).toMatch(/orderhub_dead_letters_waiting\{broker="test"\} 1/);
    // the original is neither acknowledged nor rejected: it is still on its queue, taken by the hub
    expect(await queueCounts(vhost.name, QUEUE)).toEqual({ ready: 0, unacked: 1, total: 1 });
    expect(await queueCounts(vhost.name, DEAD_LETTER_QUEUE)).toBeUndefined();

    rabbitmqctl("set_permissions", "-p", vhost.name, "guest", ".*", ".*", ".*");
    expect(await settled).toBe("dead-lettered");
    await until("the dead letter in orderhub.dlq", async () => (await queueCounts(vhost.name, DEAD_LETTER_QUEUE))?.ready === 1);
    await until("the original acknowledged", async () => (await queueCounts(vhost.name, QUEUE))?.total === 0);
    expect(broker.info().deadLettersWaiting).toBe(0);
    expect((await health()).status).toBe("ok");
  });

  it("gives the original back to its queue when the hub stops before a queue took the dead letter", async () => {
    const delivery = await consumerWithOneMessage("dlq-refused-2");
    rabbitmqctl("delete_queue", "-p", vhost.name, DEAD_LETTER_QUEUE);
    rabbitmqctl("set_permissions", "-p", vhost.name, "guest", "^(?!orderhub\\.dlq$).*", ".*", ".*");
    const settled = broker.deadLetter(delivery.key, { error: "unreadable: test", node: "order-normalize" });
    await until("the dead letter counted as waiting", () => broker.info().deadLettersWaiting === 1);
    await stop();
    expect(await settled).toBe("stale");
    await until("the original back on its queue", async () => (await queueCounts(vhost.name, QUEUE))?.ready === 1);
    expect(await queueCounts(vhost.name, QUEUE)).toEqual({ ready: 1, unacked: 0, total: 1 });
    expect(await queueCounts(vhost.name, DEAD_LETTER_QUEUE)).toBeUndefined();
    await client.ch.purgeQueue(QUEUE);
  });
});

describe("replaying a dead letter to a queue that no longer exists", () => {
  it("leaves it in orderhub.dlq and says why, instead of removing it into the void", async () => {
    const delivery = await consumerWithOneMessage("replay-gone-1");
    expect(await broker.deadLetter(delivery.key, { error: "unreadable: test", node: "order-normalize" })).toBe("dead-lettered");
    await until("the dead letter in orderhub.dlq", async () => (await queueCounts(vhost.name, DEAD_LETTER_QUEUE))?.ready === 1);
    await stop();
    rabbitmqctl("delete_queue", "-p", vhost.name, QUEUE);

    const { replayed, skipped } = await replayDeadLetters(vhost.url, { ids: ["replay-gone-1"] });
    expect(replayed).toEqual([]);
    expect(skipped.map((d) => [d.messageId, d.why])).toEqual([["replay-gone-1", `no queue "${QUEUE}" took it (NO_ROUTE): it stays in the DLQ`]]);
    await until("the dead letter still in orderhub.dlq", async () => (await queueCounts(vhost.name, DEAD_LETTER_QUEUE))?.ready === 1);
  });
});
