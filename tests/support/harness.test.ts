import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "./amqp";
import { createVhost, type TestVhost } from "./rabbit";
import { until } from "./wait";

// The checks the other tests rest on: a count that cannot see a message taken but not acknowledged, or a collector
// that stops at the expected number, would let a lost ack or an extra event pass unnoticed.

let vhost: TestVhost;
let client: TestClient;

beforeAll(async () => {
  vhost = createVhost("orderhub-harness");
  client = await TestClient.connect(vhost.url);
});

afterAll(async () => {
  await client?.close();
  vhost?.drop();
});

describe("the test client's queue counts", () => {
  it.each([["quorum"], ["classic"]])("count a %s queue's messages taken and not yet acknowledged, which a passive declare does not", async (type) => {
    const queue = `harness.${type}`;
    await client.ch.assertQueue(queue, { durable: true, arguments: { "x-queue-type": type } });
    for (let i = 0; i < 3; i++) await client.send(queue, `m${i}`);
    await client.confirmed();
    const consumer = await client.conn.createChannel();
    await consumer.prefetch(2);
    const held: unknown[] = [];
    await consumer.consume(queue, (m) => m && held.push(m));
    await until("two messages taken", () => held.length === 2);
    expect(await client.counts(queue)).toEqual({ ready: 1, unacked: 2, total: 3 });
    expect(await client.depth(queue)).toBe(3);
    expect(await client.ready(queue)).toBe(1);
    await consumer.close();
    expect(await client.countsWhenReturned(queue)).toEqual({ ready: 3, unacked: 0, total: 3 });
  });
});

describe("collect", () => {
  it("returns what arrives after the expected number as well, so that an extra message is seen", async () => {
    await client.ch.assertQueue("harness.extra", { durable: true });
    for (let i = 0; i < 4; i++) await client.send("harness.extra", `m${i}`);
    await client.confirmed();
    const got = await client.collect("harness.extra", 3);
    expect(got.map((m) => m.content.toString())).toEqual(["m0", "m1", "m2", "m3"]);
    expect(await client.depth("harness.extra")).toBe(0);
  });
});
