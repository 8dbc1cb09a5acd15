import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bindingOf } from "../../nodes/amqp-in/controller";
import masterDataNode from "../../nodes/master-data/index";
import { SqliteStore, setHubStore } from "../../store";
import { getMasterData } from "../../runtime/master-data";
import { TestClient } from "../support/amqp";
import { helper, hubNodes, loadFlow, shippedFlows } from "../support/node-red";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { customer, masterFixture } from "../fixtures/master/master-data";

const MASTER_QUEUE = "orderhub.master";

let vhost: TestVhost;
let dir: string;
let store: SqliteStore;
let client: TestClient;

beforeAll(async () => {
  vhost = createVhost("orderhub-master-flow");
  process.env.AMQP_URL = vhost.url;
  dir = mkdtempSync(join(tmpdir(), "orderhub-master-flow-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  setHubStore(store);
  await getMasterData().applyBundle(masterFixture(), "replace", "test");
  await loadFlow(shippedFlows("config.json", "master-data.json"), [...hubNodes(), masterDataNode]);
  client = await TestClient.connect(vhost.url);
  // the flow's amqp-in declares orderhub.master and binds it to orderhub.events before it consumes
  await client.consumed(MASTER_QUEUE);
});

afterAll(async () => {
  await helper.unload();
  await client?.close();
  setHubStore(undefined);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  vhost.drop();
});

async function publish(routingKey: string, body: unknown, messageId: string): Promise<void> {
  client.ch.publish("orderhub.events", routingKey, Buffer.from(JSON.stringify(body)), { persistent: true, contentType: "application/json", messageId });
  await client.confirmed();
}

describe("the master data flow", () => {
  it("applies master.customers.upserted from orderhub.events to the index the rules read, then acknowledges it", async () => {
    await publish("master.customers.upserted", [customer("C-ERP-1", { creditLimit: 75_000 }), { ...masterFixture().customers[2], blocked: true }], "erp-sync-1");
    const index = await until("the upserted customers in the index", () => getMasterData().current().customers.get("C-ERP-1") && getMasterData().current());
    expect(index.customers.get("C-ERP-1")?.creditLimit).toBe(75_000);
    expect(index.customers.get("C-NORTH")?.blocked).toBe(true);
    await client.drained(MASTER_QUEUE);
    expect((await store.readMaster()).records.customers).toContainEqual(customer("C-ERP-1", { creditLimit: 75_000 }));
  });

  it("dead-letters an event with a bad record, naming it, and changes nothing", async () => {
    const before = getMasterData().current();
    await publish("master.customers.upserted", [customer("C-ERP-2"), { ...customer("C-ERP-3"), creditLimit: "75000" }], "erp-sync-2");
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(dead.properties.messageId).toBe("erp-sync-2");
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toBe('customers[1].creditLimit: must be number (is "75000")');
    expect(JSON.parse(dead.content.toString())).toHaveLength(2);
    await client.drained(MASTER_QUEUE);
    expect(getMasterData().current()).toBe(before);
    expect(before.customers.has("C-ERP-2")).toBe(false);
  });

  it("takes every kind by its event: a price list upserted, a paid invoice deleted", async () => {
    await publish("master.price-lists.upserted", [{ id: "PL-ERP", customer: "C-NORTH", currency: "EUR", validFrom: "2026-11-01", prices: [{ sku: "FG-1000", minQuantity: 1, unitPrice: 12.9 }] }], "erp-sync-3");
    await publish("master.open-items.deleted", [{ customer: "C-NORTH", document: "INV-2026-1012" }], "erp-sync-4");
    await until("the invoice gone from C-NORTH's open items", () => !getMasterData().current().openItems.get("C-NORTH")?.some((o) => o.document === "INV-2026-1012"));
    expect(getMasterData().current().priceLists.byCustomer.get("C-NORTH")?.map((l) => l.list.id)).toEqual(["PL-ERP"]);
    await client.drained(MASTER_QUEUE);
  });

  it("binds its queue again when the queue was deleted and declared anew", async () => {
    const ch = await client.conn.createChannel();
    await ch.deleteQueue(MASTER_QUEUE);
    await ch.close();
    await client.consumed(MASTER_QUEUE, 30_000);
    await publish("master.warehouses.upserted", [{ id: "WH-NEW", priority: 9 }], "erp-sync-5");
    await until("the new warehouse in the index", () => getMasterData().current().warehouseById.has("WH-NEW"));
    await client.drained(MASTER_QUEUE);
  });
});

describe("amqp-in's binding", () => {
  it.each([
    [{ bindExchange: "orderhub.events", bindPatterns: "master.#" }, { exchange: "orderhub.events", patterns: ["master.#"] }],
    [{ bindExchange: " orderhub.events ", bindPatterns: "master.customers.*, master.items.* order.accepted" }, { exchange: "orderhub.events", patterns: ["master.customers.*", "master.items.*", "order.accepted"] }],
    [{ bindExchange: "orderhub.events", bindPatterns: " " }, undefined],
    [{ bindExchange: "", bindPatterns: "master.#" }, undefined],
    [{}, undefined],
  ])("reads %j as %j", (config, binding) => {
    expect(bindingOf(config)).toEqual(binding);
  });
});
