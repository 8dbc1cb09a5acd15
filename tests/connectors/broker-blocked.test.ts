import amqp from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BrokerConnection, type BrokerOptions } from "../../connectors/amqp/connection";
import type { Delivery } from "../../connectors/amqp/deliveries";
import { registry } from "../../observability/metrics";
import { healthReport } from "../../runtime/health";
import { startPrivateBroker, type PrivateBroker } from "../support/private-broker";
import { until } from "../support/wait";

// A memory alarm on the broker: RabbitMQ holds back every publish and says so with connection.blocked. It says so
// only to a connection that publishes while the alarm holds (one that only consumes, or has not published since the
// alarm went on, hears nothing), so each test publishes from the hub's connection to be told. The alarm is raised by
// setting the memory watermark next to nothing, on a RabbitMQ node of this file's own: alarming the machine's broker
// would block every other test file's publishers.

let rabbit: PrivateBroker;
let broker: BrokerConnection | undefined;
let alarmed = false;

const health = () => healthReport({ flowsRunning: () => true, store: () => ({ ping: async () => true }) as never });

async function blockedMetric(name: string): Promise<number | undefined> {
  const text = await registry.getSingleMetricAsString("orderhub_broker_blocked");
  const value = new RegExp(`orderhub_broker_blocked\\{broker="${name}"\\} (\\d+)`).exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

async function raiseAlarm(): Promise<void> {
  alarmed = true;
  await rabbit.ctl("set_vm_memory_high_watermark", "0.0000001");
}

async function clearAlarm(): Promise<void> {
  await rabbit.ctl("set_vm_memory_high_watermark", "0.4");
  alarmed = false;
}

async function open(name: string, opts: Partial<BrokerOptions> = {}): Promise<BrokerConnection> {
  broker = new BrokerConnection({ id: `blocked-${name}`, name, url: rabbit.url, reconnectInitialMs: 100, ...opts });
  broker.register({});
  await broker.whenConnected(20_000);
  return broker;
}

/** Publishes from the hub's connection; under the alarm this is what makes the broker send connection.blocked. */
function publishHeldBack(b: BrokerConnection): Promise<void> {
  const published = b.publish("orderhub.events", "test.blocked", Buffer.from("held back by the alarm"));
  published.catch(() => undefined);
  return published;
}

beforeAll(async () => {
  rabbit = await startPrivateBroker("blocked");
});

afterEach(async () => {
  if (alarmed) await clearAlarm();
  await broker?.stop();
  broker = undefined;
});

afterAll(async () => {
  await rabbit?.stop();
});

describe("a broker that blocks publishing (memory alarm)", () => {
  it("shows as blocked with the broker's reason in info(), /metrics and /health, and as connected again once the alarm clears", async () => {
    const b = await open("alarmed");
    expect((await health()).status).toBe("ok");
    expect(await blockedMetric("alarmed")).toBe(0);

    await raiseAlarm();
    const held = publishHeldBack(b);
    await until("the connection blocked", () => b.info().state === "blocked");

    expect(b.info().blocked).toBe("low on memory");
    expect(await blockedMetric("alarmed")).toBe(1);
    const blocked = await health();
    expect(blocked.status).toBe("degraded");
    expect(blocked.problems).toEqual(["broker alarmed blocks publishing: low on memory"]);
    // still connected: a blocked broker is not a lost one
    expect(blocked.broker.connected).toBe(true);

    await clearAlarm();
    await until("the connection unblocked", () => b.info().state === "connected");
    await held; // the publish held back goes through, confirmed

    expect(b.info().blocked).toBeUndefined();
    // the block was no error, and is over: nothing of it is left in the broker's state
    expect(b.info().lastError).toBeUndefined();
    expect(await blockedMetric("alarmed")).toBe(0);
    const cleared = await health();
    expect(cleared.status).toBe("ok");
    expect(cleared.problems).toEqual([]);
  });

  it("stops every settle deadline while blocked: a message held past three deadlines is acknowledged afterwards, not dead-lettered", async () => {
    const deadlineMs = 2000;
    const queue = "orderhub.test.blocked";
    const b = await open("alarmed-deadline", { settleDeadlineMs: deadlineMs });
    await b.declareQueue(queue);
    const client = await amqp.connect(rabbit.url);
    try {
      const ch = await client.createConfirmChannel();
      ch.sendToQueue(queue, Buffer.from("settle me after the alarm"), { persistent: true, messageId: "held-1" });
      await ch.waitForConfirms();
    } finally {
      await client.close();
    }

    await raiseAlarm();
    // Taken under the alarm but before this connection published anything: the broker has not told it, so the
    // message's deadline runs as it would for any message taken just before an alarm. (Taken before raising the
    // alarm, it could pass its deadline before the alarm is even on: one rabbitmqctl call takes 1-2 s.)
    const taken: Delivery[] = [];
    b.consume({ queue, prefetch: 1, name: "slow consumer", onMessage: (d) => taken.push(d) }).start();
    await until("the message taken", () => taken.length === 1);
    const held = publishHeldBack(b);
    await until("the connection blocked", () => b.info().state === "blocked");
    const blockedAt = Date.now();

    // The sweeper runs every second; an expired message would leave the registry (and be dead-lettered).
    await until(`blocked for more than ${(3 * deadlineMs) / 1000} s with the message still in flight`, () => {
      expect(b.info()).toMatchObject({ state: "blocked", inFlight: 1 });
      return Date.now() - blockedAt > 3 * deadlineMs;
    });

    await clearAlarm();
    await until("the connection unblocked", () => b.info().state === "connected");
    expect(b.ack(taken[0].key)).toBe("acked");
    await held;

    await until("the message acknowledged", async () => {
      const q = (await rabbit.queues()).get(queue);
      return q?.ready === 0 && q.unacked === 0;
    });
    expect((await rabbit.queues()).get("orderhub.dlq")).toEqual({ ready: 0, unacked: 0 });
  });
});
