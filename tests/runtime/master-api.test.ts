import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../support/amqp";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { customer, masterFixture } from "../fixtures/master/master-data";
import { shippedFlowFiles, startHubProcess, tempHubDir, type HubProcess } from "./support/hub-process";

let vhost: TestVhost;
let hub: HubProcess;
let dir: string;

const flows = () => shippedFlowFiles("config.json", "master-data.json");
const start = () => startHubProcess({ env: { AMQP_URL: vhost.url }, flows: flows(), dir, keepDir: true });

beforeAll(async () => {
  vhost = createVhost("orderhub-master-api");
  dir = tempHubDir().dir;
  hub = await start();
});

afterAll(async () => {
  await hub?.stop();
  const { rmSync } = await import("node:fs");
  rmSync(dir, { recursive: true, force: true });
  vhost.drop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}/api/master${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe("master data over REST", () => {
  it("takes the whole master data with PUT /api/master, answers with counts, and gives it back with GET", async () => {
    const bundle = masterFixture();
    const put = await call("PUT", "", bundle);
    expect(put.status).toBe(200);
    expect(put.body.replaced).toEqual({ customers: 8, items: 20, priceLists: 5, promotions: 3, warehouses: 3, supply: 29, reservations: 4, openItems: 9, companies: 2, transferPrices: 2 });
    expect(put.body.totals).toEqual(put.body.replaced);
    expect(put.body.settings).toEqual(bundle.settings);
    expect((await call("GET", "")).body).toEqual(bundle);
  });

  it("refuses a batch with a bad record with 400 naming its index and field, and applies nothing of it", async () => {
    const before = (await call("GET", "/customers")).body;
    const batch = [customer("C-1"), customer("C-2"), customer("C-3"), { ...customer("C-4"), creditLimit: "50000" }];
    const put = await call("PUT", "/customers", batch);
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ error: 'customers[3].creditLimit: must be number (is "50000")', code: "invalid-master-data", problems: ['customers[3].creditLimit: must be number (is "50000")'] });
    expect((await call("PATCH", "/customers", [customer("C-5"), { id: "C-6" }])).body.error).toBe("customers[1].name: is required");
    expect((await call("GET", "/customers")).body).toEqual(before);
  });

  it("upserts by key with PATCH: the records given are added or replaced, the others stay", async () => {
    const patch = await call("PATCH", "/customers", [customer("C-NEW"), { ...masterFixture().customers[0], creditLimit: 60000 }]);
    expect(patch).toEqual({ status: 200, body: { upserted: { customers: 2 }, totals: { customers: 9 } } });
    const customers = (await call("GET", "/customers")).body as Array<{ id: string; creditLimit?: number }>;
    expect(customers).toHaveLength(9);
    expect(customers.find((c) => c.id === "IN260-UserXX")?.creditLimit).toBe(60000);
    expect(customers.find((c) => c.id === "C-NEW")).toEqual(customer("C-NEW"));
  });

  it("replaces one kind with PUT, removes records by key with DELETE, and keeps settings apart", async () => {
    const lists = [{ id: "PL-ONLY", currency: "EUR", validFrom: "2026-01-01", prices: [{ sku: "FG-1000", minQuantity: 1, unitPrice: 13 }] }];
    expect((await call("PUT", "/price-lists", lists)).body).toEqual({ replaced: { priceLists: 1 }, totals: { priceLists: 1 } });
    expect((await call("GET", "/price-lists")).body).toEqual(lists);
    expect((await call("DELETE", "/open-items", [{ customer: "C-NORTH", document: "CN-2026-0042" }])).body).toEqual({ deleted: { openItems: 1 }, totals: { openItems: 8 } });
    expect((await call("PATCH", "/settings", { warehouseStrategy: "nearest" })).body.settings).toEqual({ ...masterFixture().settings, warehouseStrategy: "nearest" });
    expect((await call("GET", "/settings")).body.warehouseStrategy).toBe("nearest");
  });

  it("answers 404 for a kind it does not know and 400 for a body that is not JSON", async () => {
    expect(await call("GET", "/ledgers")).toEqual({ status: 404, body: { error: 'no master data kind "ledgers" (the kinds are customers, items, price-lists, promotions, warehouses, supply, reservations, open-items, companies, transfer-prices and settings)' } });
    const notJson = await call("PUT", "/items", "{ items: oops");
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe("not-json");
  });

  it("applies a master.customers.upserted event from the broker through the shipped flow", async () => {
    const client = await TestClient.connect(vhost.url);
    try {
      await client.consumed("orderhub.master");
      client.ch.publish("orderhub.events", "master.customers.upserted", Buffer.from(JSON.stringify([customer("C-FROM-ERP")])), { persistent: true, contentType: "application/json", messageId: "erp-1" });
      await client.confirmed();
      await until("the event's customer over REST", async () => ((await call("GET", "/customers")).body as Array<{ id: string }>).some((c) => c.id === "C-FROM-ERP"));
      await client.drained("orderhub.master");
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toContain('orderhub_master_records{kind="customers"} 10');
    } finally {
      await client.close();
    }
  });

  it("has the same master data after a restart", async () => {
    const before = (await call("GET", "")).body;
    await hub.stop();
    hub = await start();
    const after = (await call("GET", "")).body as Record<string, unknown[]>;
    expect(after.settings).toEqual(before.settings);
    for (const kind of ["customers", "items", "priceLists", "promotions", "warehouses", "supply", "reservations", "openItems"]) {
      expect(after[kind]).toHaveLength(before[kind].length);
      expect(after[kind]).toEqual(expect.arrayContaining(before[kind]));
    }
  });
});
