import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore, setHubStore } from "../../store";
import { SETTLE_MS, TestClient, json } from "../support/amqp";
import { ackMessage } from "../../nodes/shared/settlement";
import type { HubMessage } from "../../nodes/shared/types";
import { helper, hubNodes, loadFlow, shippedFlows } from "../support/node-red";
import { canonicalOrder } from "../support/orders";
import { closeConnections, createVhost, type TestVhost } from "../support/rabbit";
import { quietFor, until } from "../support/wait";

const INBOUND = "orderhub.orders.inbound";
let vhost: TestVhost;
let dir: string;
let client: TestClient;

beforeAll(async () => {
  vhost = createVhost("orderhub-reliability");
  process.env.AMQP_URL = vhost.url;
  // Declare the topology up front, as a running hub would have, so orders can wait on the queue.
  client = await TestClient.connect(vhost.url);
  await client.ch.assertExchange("orderhub.dlx", "topic", { durable: true });
  await client.ch.assertQueue("orderhub.dlq", { durable: true, arguments: { "x-queue-type": "quorum" } });
  await client.ch.bindQueue("orderhub.dlq", "orderhub.dlx", "#");
  await client.ch.assertQueue(INBOUND, {
    durable: true,
    arguments: { "x-queue-type": "quorum", "x-dead-letter-exchange": "orderhub.dlx", "x-delivery-limit": 20 },
  });
  await client.counts(INBOUND); // starts the broker probe now, not in the middle of a test that races a deadline
});

afterAll(async () => {
  await client.close();
  vhost.drop();
});

afterEach(async () => {
  await helper.unload();
  setHubStore(undefined);
  rmSync(dir, { recursive: true, force: true });
  await client.ch.purgeQueue("orderhub.dlq");
});

async function start(flow = shippedFlows("config.json", "order-intake.json"), nodes = hubNodes()) {
  dir = mkdtempSync(join(tmpdir(), "orderhub-rel-"));
  setHubStore(new SqliteStore(join(dir, "orderhub.db")));
  await loadFlow(flow, nodes);
}

function byOrder(events: Array<{ content: Buffer; properties: { messageId?: string } }>) {
  const ids = new Map<string, Set<string>>();
  for (const e of events) {
    const n = json(e as never).orderNumber as string;
    ids.set(n, (ids.get(n) ?? new Set()).add(String(e.properties.messageId)));
  }
  return ids;
}

describe("amqp-in waits for the flows", () => {
  it("takes nothing off a preloaded queue before the flow can handle it: all 300 waiting orders are accepted", async () => {
    const events = await client.tap("order.accepted");
    for (let i = 0; i < 300; i++) await client.send(INBOUND, JSON.stringify(canonicalOrder(`PRE-${i}`)), { contentType: "application/json" });
    await client.confirmed();
    await start();
    await client.drained(INBOUND);
    const got = await client.collect(events, 300);
    expect(got).toHaveLength(300);
    expect(byOrder(got).size).toBe(300);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });
});

describe("the broker connection is closed under load", () => {
  it("reconnects and goes on: 2,000 orders, every one accepted, each under one message id", async () => {
    const events = await client.tap("order.accepted");
    await start();
    const total = 2000;
    const sending = (async () => {
      for (let i = 0; i < total; i++) {
        await client.send(INBOUND, JSON.stringify(canonicalOrder(`CC-${i}`)), { contentType: "application/json" });
        if (i % 200 === 0) await client.confirmed();
      }
      await client.confirmed();
    })();
    const received: Awaited<ReturnType<TestClient["collect"]>> = [];
    const consumer = await client.conn.createChannel();
    await consumer.consume(events, (m) => m && received.push(m), { noAck: true });
    let closed = 0;
    await until("400 events", () => received.length >= 400);
    closed += closeConnections(vhost.name, "test: hub connection closed under load", "orderhub");
    await until("1,200 events", () => received.length >= 1200);
    closed += closeConnections(vhost.name, "test: and once more", "orderhub");
    await sending;
    await until(`all ${total} orders accepted`, () => byOrder(received).size >= total, 30_000);
    // Every order taken and acknowledged; an event still on its way would come within the quiet window.
    await client.drained(INBOUND);
    await quietFor(() => received.length, SETTLE_MS);
    await consumer.close();
    const ids = byOrder(received);
    expect(closed).toBeGreaterThanOrEqual(2);
    expect(ids.size).toBe(total);
    for (const [order, messageIds] of ids) expect(messageIds.size, `order ${order}`).toBe(1);
    expect(await client.depth(INBOUND)).toBe(0);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });
});

/** An amqp-in with nothing wired after it: whatever it takes stays unsettled. */
function consumerAlone(name: string, queue: string, settleDeadline: number) {
  return [
    { id: "b1", type: "amqp-broker", name: "rabbitmq", url: "", settleDeadline, declareTopology: true },
    { id: "t1", type: "tab", label: name },
    { id: "in1", type: "amqp-in", z: "t1", name, broker: "b1", queue, prefetch: 10, output: "buffer", declare: true, wires: [[]] },
  ];
}

describe("a message nobody settles", () => {
  it("is dead-lettered at the broker's settle deadline with a reason that names the consumer", async () => {
    await start(consumerAlone("leaky consumer", "orderhub.test.leaky", 1));
    await client.consumed("orderhub.test.leaky");
    await client.send("orderhub.test.leaky", "nobody settles me", { messageId: "leak-1" });
    const dead = await client.collect("orderhub.dlq", 1, 6000);
    expect(dead).toHaveLength(1);
    expect(dead[0].content.toString()).toBe("nobody settles me");
    expect(dead[0].properties.messageId).toBe("leak-1");
    expect(dead[0].properties.headers).toMatchObject({
      "x-orderhub-error": expect.stringMatching(/not settled within 1 s/),
      "x-orderhub-node": "leaky consumer",
      "x-orderhub-queue": "orderhub.test.leaky",
      "x-orderhub-deliveries": 1,
    });
    // dead-lettered and acknowledged: not also left on its queue
    expect(await client.depth("orderhub.test.leaky")).toBe(0);
  });
});

describe("stopping while a message is unsettled", () => {
  it("hands it back to its queue as soon as nothing settles any more, not after the whole grace", async () => {
    // The message goes nowhere (no wire), as one does that Node-RED drops between two stopping nodes. Its settle
    // deadline (3 s) is shorter than the stop's grace (5 s): a stop that waited out the grace would see the deadline
    // dead-letter the message; one that ends after half a second without any settling hands it back first.
    await start(consumerAlone("stopping consumer", "orderhub.test.stopping", 3));
    await client.consumed("orderhub.test.stopping");
    await client.send("orderhub.test.stopping", "hand me back", { messageId: "stop-1" });
    await until("the message taken", async () => (await client.counts("orderhub.test.stopping")).unacked === 1);
    await helper.unload();
    expect(await client.countsWhenReturned("orderhub.test.stopping")).toEqual({ ready: 1, unacked: 0, total: 1 });
    const back = await client.collect("orderhub.test.stopping", 1, 2000);
    expect(back.map((m) => [m.properties.messageId, m.fields.redelivered])).toEqual([["stop-1", true]]);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });
});

/**
 * A node that settles what it gets one message every 250 ms, and goes on while its flow stops: messages a publish
 * confirm or a store commit away from settling, many of them.
 */
const slowSettle = {
  settled: 0,
  timers: [] as NodeJS.Timeout[],
  register(RED: { nodes: { createNode(node: object, config: object): void; registerType(type: string, ctor: unknown): void } }) {
    RED.nodes.registerType("slow-settle", function (this: { on(event: string, fn: (...args: never[]) => void): void }, config: object) {
      RED.nodes.createNode(this, config);
      const held: HubMessage[] = [];
      slowSettle.timers.push(
        setInterval(() => {
          const msg = held.shift();
          if (msg && ackMessage(msg) === "acked") slowSettle.settled++;
        }, 250),
      );
      this.on("input", (msg: HubMessage, _send: unknown, done: () => void) => (held.push(msg), done()));
    });
  },
};

describe("stopping while messages are still being settled", () => {
  afterEach(() => slowSettle.timers.splice(0).forEach(clearInterval));

  it("gives them the grace (five seconds), then hands the rest back: each message either settled or back, none lost", async () => {
    const queue = "orderhub.test.slow";
    const total = 30; // 7.5 s of settling at one every 250 ms: more than the grace, less than anything that caps a stop later
    await start(
      [
        { id: "b5", type: "amqp-broker", name: "rabbitmq", url: "", settleDeadline: 60, declareTopology: true },
        { id: "t5", type: "tab", label: "slow" },
        { id: "in5", type: "amqp-in", z: "t5", name: "in", broker: "b5", queue, prefetch: total, output: "buffer", declare: true, wires: [["slow5"]] },
        { id: "slow5", type: "slow-settle", z: "t5", wires: [] },
      ],
      [...hubNodes(), slowSettle.register],
    );
    await client.consumed(queue);
    for (let i = 0; i < total; i++) await client.send(queue, `m${i}`);
    await client.confirmed();
    await until(`all ${total} taken`, async () => (await client.counts(queue)).unacked + slowSettle.settled >= total);
    const settledBefore = slowSettle.settled;
    await helper.unload();
    const settledWhileStopping = slowSettle.settled - settledBefore;
    const left = await client.countsWhenReturned(queue);
    // They kept settling while the flow stopped (no half second went by without one), until the grace ran out.
    expect(settledWhileStopping).toBeGreaterThan(2);
    expect(left.unacked).toBe(0);
    expect(left.ready).toBeGreaterThan(0);
    expect(left.ready + slowSettle.settled).toBe(total);
  });
});

describe("a publish the broker refuses", () => {
  it("dead-letters the message with the broker's reason; the publisher recovers for the next message", async () => {
    const flow = [
      { id: "b2", type: "amqp-broker", name: "rabbitmq", url: "", settleDeadline: 30, declareTopology: true },
      { id: "t2", type: "tab", label: "routing" },
      { id: "in2", type: "amqp-in", z: "t2", name: "in", broker: "b2", queue: "orderhub.test.routing", prefetch: 10, output: "auto", declare: true, wires: [["out2"]] },
      { id: "out2", type: "amqp-out", z: "t2", name: "to msg.payload.exchange", broker: "b2", exchange: "orderhub.no-such-exchange", routingKey: "x", settle: true, wires: [[]] },
      { id: "c2", type: "catch", z: "t2", name: "", scope: ["out2"], uncaught: false, wires: [["dl2"]] },
      { id: "dl2", type: "dead-letter", z: "t2", name: "dead-letter", broker: "b2", reason: "", wires: [[]] },
    ];
    await start(flow);
    await client.consumed("orderhub.test.routing");
    for (const n of [1, 2]) await client.send("orderhub.test.routing", JSON.stringify({ n }), { contentType: "application/json", messageId: `r-${n}` });
    const dead = await client.collect("orderhub.dlq", 2, 6000);
    expect(dead.map((d) => d.properties.messageId).sort()).toEqual(["r-1", "r-2"]);
    for (const d of dead) {
      expect(d.properties.headers).toMatchObject({
        "x-orderhub-error": expect.stringMatching(/NOT_FOUND.*no-such-exchange/),
        "x-orderhub-node": "to msg.payload.exchange",
        "x-orderhub-queue": "orderhub.test.routing",
      });
    }
    expect(await client.depth("orderhub.test.routing")).toBe(0);
  });

  it("keeps a failing branch of a fan-out even when the other branch already acknowledged the original", async () => {
    const events = await client.tap("routed.#");
    const flow = [
      { id: "b4", type: "amqp-broker", name: "rabbitmq", url: "", settleDeadline: 30, declareTopology: true },
      { id: "t4", type: "tab", label: "fan-out" },
      { id: "in4", type: "amqp-in", z: "t4", name: "in", broker: "b4", queue: "orderhub.test.fanout", prefetch: 10, output: "auto", declare: true, wires: [["ok4", "bad4"]] },
      { id: "ok4", type: "amqp-out", z: "t4", name: "good branch", broker: "b4", exchange: "orderhub.events", routingKey: "routed.ok", settle: true, wires: [[]] },
      { id: "bad4", type: "amqp-out", z: "t4", name: "failing branch", broker: "b4", exchange: "orderhub.no-such-exchange", routingKey: "x", settle: true, wires: [[]] },
      { id: "c4", type: "catch", z: "t4", name: "", scope: ["bad4"], uncaught: false, wires: [["dl4"]] },
      { id: "dl4", type: "dead-letter", z: "t4", name: "dead-letter", broker: "b4", reason: "", wires: [[]] },
    ];
    await start(flow);
    await client.consumed("orderhub.test.fanout");
    await client.send("orderhub.test.fanout", JSON.stringify({ n: 3 }), { contentType: "application/json", messageId: "f-1" });
    const routed = await client.collect(events, 1, 6000);
    expect(routed.map((m) => m.fields.routingKey)).toEqual(["routed.ok"]);
    const dead = await client.collect("orderhub.dlq", 1, 6000);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0].content.toString())).toEqual({ n: 3 });
    expect(dead[0].properties.headers).toMatchObject({ "x-orderhub-node": "failing branch", "x-orderhub-error": expect.stringMatching(/no-such-exchange/) });
    expect(await client.depth("orderhub.test.fanout")).toBe(0);
  });
});
