import { spawnSync } from "node:child_process";
import path from "node:path";
import type { ConsumeMessage } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../support/amqp";
import { ROOT } from "../support/build";
import { createVhost, rabbitmqctlAsync, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, startHubProcess, waitForHealthy } from "./support/hub-process";

// What the README promises about the topology, read back from the broker after a hub declared it on an empty vhost:
// nothing here is declared by the test.

const INBOUND = "orderhub.orders.inbound";
const DLQ = "orderhub.dlq";

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;

/** rabbitmqctl's JSON listing of the vhost's queues, exchanges or bindings. */
async function list<T>(what: "list_queues" | "list_exchanges" | "list_bindings", ...columns: string[]): Promise<T[]> {
  return JSON.parse(await rabbitmqctlAsync(what, "-p", vhost.name, ...columns, "--formatter", "json")) as T[];
}

/** What the broker holds once the hub started, read once (each rabbitmqctl run starts an Erlang VM). */
const declared = {
  queues: [] as QueueRow[],
  exchanges: [] as Array<{ name: string; type: string; durable: boolean }>,
  bindings: [] as Array<{ source_name: string; destination_name: string; routing_key: string }>,
};

interface QueueRow {
  name: string;
  type: string;
  durable: boolean;
  /** [name, AMQP type, value] */
  arguments: Array<[string, string, unknown]>;
}

function queue(name: string): { type: string; durable: boolean; args: Record<string, unknown> } {
  const row = declared.queues.find((q) => q.name === name);
  if (!row) throw new Error(`the hub declared no queue ${name}`);
  return { type: row.type, durable: row.durable, args: Object.fromEntries(row.arguments.map(([k, , v]) => [k, v])) };
}

beforeAll(async () => {
  vhost = createVhost("orderhub-topology");
  // The hub alone, on a vhost nobody has used: its own broker connection declares the topology at start. Without the
  // sandbox, whose stand-in WMS declares its own queues and exchange (orderhub.wms) on the same broker.
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url, ORDERHUB_SANDBOX: "off" } });
  expect(await waitForHealthy(hub.url)).toBe(200);
  client = await TestClient.connect(vhost.url);
  await until("the hub's topology", () => client.ready(INBOUND).then(() => true, () => false), 10_000);
  [declared.queues, declared.exchanges, declared.bindings] = await Promise.all([
    list<QueueRow>("list_queues", "name", "type", "durable", "arguments"),
    list<(typeof declared.exchanges)[number]>("list_exchanges", "name", "type", "durable"),
    list<(typeof declared.bindings)[number]>("list_bindings", "source_name", "destination_name", "routing_key"),
  ]);
});

afterAll(async () => {
  await client?.close();
  await hub?.stop();
  vhost?.drop();
});

describe("the topology the hub declares at start", () => {
  it("has the topic exchanges orderhub.events and orderhub.dlx, both durable", () => {
    const exchanges = declared.exchanges.filter((e) => e.name.startsWith("orderhub."));
    expect(exchanges.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "orderhub.dlx", type: "topic", durable: true },
      { name: "orderhub.events", type: "topic", durable: true },
    ]);
  });

  it("routes everything orderhub.dlx receives to orderhub.dlq", () => {
    expect(declared.bindings.filter((b) => b.source_name === "orderhub.dlx")).toEqual([{ source_name: "orderhub.dlx", destination_name: DLQ, routing_key: "#" }]);
  });

  it("has orderhub.orders.inbound as a durable quorum queue dead-lettering to orderhub.dlx after 20 redeliveries", () => {
    const inbound = queue(INBOUND);
    expect(inbound).toMatchObject({ type: "quorum", durable: true });
    // the promised arguments; the hub may add others
    expect(inbound.args).toMatchObject({ "x-queue-type": "quorum", "x-dead-letter-exchange": "orderhub.dlx", "x-delivery-limit": 20 });
  });

  it("has orderhub.dlq as a durable queue that dead-letters nothing further", () => {
    const dlq = queue(DLQ);
    expect(dlq.durable).toBe(true);
    expect(dlq.args["x-dead-letter-exchange"]).toBeUndefined();
    expect(dlq.args["x-delivery-limit"]).toBeUndefined();
  });
});

describe("a message that keeps coming back", () => {
  it("is dead-lettered by the broker itself at its 21st delivery, into orderhub.dlq, where orderhub dlq shows why", async () => {
    // A consumer that crashes on the message every time, as far as the queue can tell: it returns it unsettled.
    const deliveries: ConsumeMessage[] = [];
    const consumer = await client.conn.createChannel();
    await consumer.consume(INBOUND, (m) => {
      if (!m) return;
      deliveries.push(m);
      consumer.nack(m, false, true);
    });
    await client.send(INBOUND, "a document that brings its consumer down", { messageId: "poison-1", contentType: "text/plain" });
    await client.confirmed();
    await until("the message in orderhub.dlq", async () => (await client.depth(DLQ)) === 1, 15_000);
    await consumer.close();

    expect(deliveries.map((m) => m.properties.messageId)).toEqual(Array(21).fill("poison-1"));
    expect(deliveries[0].fields.redelivered).toBe(false);
    expect(deliveries.slice(1).every((m) => m.fields.redelivered)).toBe(true);
    expect(await client.depth(INBOUND)).toBe(0);

    // what the operator reads (the tool browses: the dead letter stays)
    const show = spawnSync(process.execPath, [path.join(ROOT, "dist/cli/main.js"), "dlq", "show", "poison-1", "--url", vhost.url], { encoding: "utf8" });
    expect(show.status).toBe(0);
    expect(show.stdout).toContain("error:        dead-lettered by the broker (delivery_limit)");
    expect(show.stdout).toContain(`from queue:   ${INBOUND}`);
    expect(show.stdout).toContain("failed node:  broker");

    const dead = await client.collect(DLQ, 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].content.toString()).toBe("a document that brings its consumer down");
    expect(dead[0].properties.messageId).toBe("poison-1");
    const [death] = dead[0].properties.headers?.["x-death"] as Array<Record<string, unknown>>;
    expect(death).toMatchObject({ reason: "delivery_limit", queue: INBOUND, exchange: "" });
  });
});
