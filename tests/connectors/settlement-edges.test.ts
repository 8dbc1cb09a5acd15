import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PublishError } from "../../connectors/amqp/connection";
import type { Delivery } from "../../connectors/amqp/deliveries";
import { ackMessage } from "../../nodes/shared/settlement";
import { TestClient } from "../support/amqp";
import { closeConnections, createVhost, type TestVhost } from "../support/rabbit";
import { consumerCount, openBroker, queueCounts, taken, until } from "./broker-fixture";

let vhost: TestVhost;
let client: TestClient;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  vhost = createVhost("orderhub-settlement-edges");
  client = await TestClient.connect(vhost.url);
});

afterAll(async () => {
  await client.close();
  vhost.drop();
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function broker(id?: string) {
  const opened = await openBroker(vhost.url, id ? { id } : {});
  stops.push(opened.stop);
  return opened.broker;
}

describe("an amqp-broker node redeployed while other nodes still hold its messages", () => {
  it("never lets a late settlement from before the redeploy acknowledge a newer delivery", async () => {
    const queue = "orderhub.test.redeploy";
    await client.ch.assertQueue(queue, { durable: true });
    await client.send(queue, "order 1", { messageId: "redeploy-1" });
    const before = await broker("rotated-broker");
    const first = taken();
    before.consume({ queue, prefetch: 1, name: "in", declare: false, onMessage: first.onMessage }).start();
    await until("the first delivery", () => first.deliveries.length === 1);
    const oldKey = first.deliveries[0].key;
    // the broker node is redeployed (its password rotated): the old connection goes, a new one with the same id comes
    await before.stop();
    const after = await broker("rotated-broker");
    const second = taken();
    after.consume({ queue, prefetch: 1, name: "in", declare: false, onMessage: second.onMessage }).start();
    await until("the redelivery", () => second.deliveries.length === 1);
    expect(second.deliveries[0].message.fields.redelivered).toBe(true);

    // a node that was not redeployed settles the message it held from before
    expect(ackMessage({ _msgid: "late", _delivery: oldKey })).toBe("stale");
    expect(second.deliveries[0].key).not.toBe(oldKey);
    expect(await queueCounts(vhost.name, queue)).toEqual({ ready: 0, unacked: 1, total: 1 });
    expect(after.ack(second.deliveries[0].key)).toBe("acked");
    await until("acknowledged", async () => (await queueCounts(vhost.name, queue))?.total === 0);
  });
});

describe("a consumer stopping while an acknowledgement waits to be sent", () => {
  it("sends it without covering the deliveries still being worked on", async () => {
    const queue = "orderhub.test.stopping-acks";
    await client.ch.assertQueue(queue, { durable: true });
    for (const n of [1, 2, 3]) await client.send(queue, `order ${n}`, { messageId: `stop-${n}` });
    const hub = await broker();
    const got = taken();
    const consumer = hub.consume({ queue, prefetch: 10, name: "in", declare: false, onMessage: got.onMessage });
    consumer.start();
    await until("three deliveries", () => got.deliveries.length === 3);
    const [one, two, three] = got.deliveries as [Delivery, Delivery, Delivery];

    // The second is settled in the very turn the stop looks at what is still in flight: its ack is batched, not sent.
    const registry = hub.deliveries;
    const countFor = registry.countFor.bind(registry);
    let settledDuringStop = false;
    registry.countFor = (seq: number) => {
      if (!settledDuringStop) {
        settledDuringStop = true;
        expect(hub.ack(two.key)).toBe("acked");
      }
      return countFor(seq);
    };
    await consumer.stop(0);
    registry.countFor = countFor;

    expect(settledDuringStop).toBe(true);
    // the first and third were still being worked on: the broker must have them back, not one of them acknowledged
    await until("the unfinished back on the queue", async () => (await queueCounts(vhost.name, queue))?.ready === 2);
    const back = await client.collect(queue, 2, 500);
    expect(back.map((m) => m.properties.messageId).sort()).toEqual([one, three].map((d) => d.message.properties.messageId).sort());
  });
});

describe("one publish to a missing exchange among many on the shared channel", () => {
  it("fails that publish alone, naming its exchange; the others are confirmed and arrive", async () => {
    const hub = await broker();
    const queue = "orderhub.test.shared-channel";
    await client.ch.assertQueue(queue, { durable: true });
    await client.ch.bindQueue(queue, "orderhub.events", "shared.#");
    const publish = (n: number) => hub.publish("orderhub.events", "shared.ok", Buffer.from(`event ${n}`), { messageId: `shared-${n}` });
    const first = Array.from({ length: 100 }, (_, n) => publish(n));
    const wrong = hub.publish("orderhub.no-such-exchange", "shared.bad", Buffer.from("lost?"), { messageId: "wrong" }).catch((e: Error) => e);
    const after = Array.from({ length: 100 }, (_, n) => publish(100 + n));

    const outcomes = await Promise.allSettled([...first, ...after]);
    const failed = outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    const error = await wrong;
    expect(error).toBeInstanceOf(PublishError);
    expect(String(error)).toMatch(/publish to exchange "orderhub\.no-such-exchange" failed: .*NOT_FOUND/);
    // a publish sent again after the channel closed may have been routed before: it can arrive twice, under its id
    const arrived = await client.collect(queue, 200, 1000);
    const ids = new Set(arrived.map((m) => m.properties.messageId));
    expect([...ids].sort()).toEqual(Array.from({ length: 200 }, (_, n) => `shared-${n}`).sort());
  });
});

describe("publishes in flight when the connection is closed", () => {
  it("are sent again on the next connection, whatever words amqplib closes their channel with", async () => {
    const hub = await broker();
    const queue = "orderhub.test.retry";
    await client.ch.assertQueue(queue, { durable: true });
    const sent = Array.from({ length: 300 }, (_, n) => hub.publish("", queue, Buffer.from(`event ${n}`), { messageId: `retry-${n}` }));
    expect(closeConnections(vhost.name, "test: closed under publishing", "orderhub test")).toBe(1);
    const outcomes = await Promise.allSettled(sent);
    expect(outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    const arrived = await client.collect(queue, 300, 1000);
    expect(new Set(arrived.map((m) => m.properties.messageId)).size).toBe(300);
  });
});
