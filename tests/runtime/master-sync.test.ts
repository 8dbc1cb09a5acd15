import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Customer, MasterData, Supply } from "../../domain/master/types";
import type { SyncReport } from "../../domain/master/sync";
import { type TestClient, json } from "../support/amqp";
import type { TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, waitForHealthy } from "./support/hub-process";
import { startHubOnVhost, stopHubOnVhost } from "./support/hub-on-vhost";

// The *Master data sync* flow on a fresh hub with the sandbox on: the stand-in ERP's master data (the demo
// manufacturer) flows into the hub's master data, a change in the ERP is one change, a bad record is dead-lettered
// with its reason while the others are applied, and the WMS's stock snapshot updates the on-hand stock.

const demo = JSON.parse(readFileSync(join(__dirname, "../fixtures/master/manufacturer.json"), "utf8")) as MasterData;
const onHandPairs = new Set(demo.supply!.filter((s) => s.type === "on-hand").map((s) => `${s.sku}|${s.warehouse}`)).size;

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;
let dir: string;

const get = async <T>(path: string): Promise<T> => (await (await fetch(`${hub.url}${path}`)).json()) as T;
const put = (path: string, body: unknown) => fetch(`${hub.url}${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const syncNow = async (source = "erp"): Promise<{ status: number; report: SyncReport }> => {
  const res = await fetch(`${hub.url}/api/master/sync?source=${source}`, { method: "POST" });
  return { status: res.status, report: (await res.json()) as SyncReport };
};
const customer = async (id: string) => (await get<Customer[]>("/api/master/customers")).find((c) => c.id === id);

beforeAll(async () => {
  ({ vhost, dir, hub, client } = await startHubOnVhost("orderhub-master-sync", ["config.json", "master-data.json", "master-sync.json"]));
  expect(await waitForHealthy(hub.url)).toBe(200);
}, 30_000);

afterAll(async () => {
  const code = await stopHubOnVhost({ client, hub, dir, vhost });
  if (hub) expect(code).toBe(0);
});

describe("the master data sync, ERP → hub", () => {
  it("at start, loads the ERP's customers, items, prices, warehouses, stock, open items and the group's companies and transfer prices into a fresh hub", async () => {
    const first = await until("the start-up ERP run", async () => (await get<{ runs: SyncReport[] }>("/api/master/sync")).runs.find((r) => r.source === "erp"));
    expect(first).toMatchObject({
      outcome: "ok",
      changed: { customers: 9, items: 20, priceLists: 5, warehouses: 3, supply: onHandPairs, openItems: 9, companies: 2, transferPrices: 3 },
      added: 9 + 20 + 5 + 3 + onHandPairs + 9 + 2 + 3,
      unchanged: 0,
      failed: [],
    });
    await until("every record applied", async () => {
      const m = await get<MasterData>("/api/master");
      return m.customers!.length === 9 && m.items!.length === 20 && m.priceLists!.length === 5 && m.warehouses!.length === 3 && m.supply!.length === onHandPairs && m.openItems!.length === 9 && m.companies!.length === 2 && m.transferPrices!.length === 3;
    });
    // the warehouses in the order they ship from
    expect((await get<MasterData>("/api/master")).warehouses!.map((w) => [w.id, w.priority])).toEqual([["WH-WALLDORF", 1], ["WH-BERLIN", 2], ["WH-STOCKHOLM", 3]]);
    // the demo's 8 customers and its sister company PL01, which buys from it
    expect(await customer("PL01")).toMatchObject({ name: "OrderHub Demo Polska Sp. z o.o.", class: "IC" });
    // the group, as inter-company orders price and route it: each company with its ERP, the transfer prices of the seller
    const group = await get<MasterData>("/api/master");
    expect(group.companies!.map((c) => c.id)).toEqual(["DE01", "PL01"]);
    expect(group.companies!.every((c) => typeof c.erp === "string" && c.erp.endsWith("?wsdl"))).toBe(true);
    expect(group.transferPrices!.find((p) => p.sku === "FG-1000")).toMatchObject({ from: "DE01", to: "PL01", price: 9.8, currency: "EUR" });
    // the ERP's fields, and for a customer new to the hub no sales reps yet and partial delivery allowed
    expect(await customer("IN260-UserXX")).toEqual({ ...demo.customers!.find((c) => c.id === "IN260-UserXX"), salesReps: [], partialDelivery: "allowed" });
    expect(await customer("C-OPEN")).not.toHaveProperty("creditLimit");
    const stock = (await get<Supply[]>("/api/master/supply")).find((s) => s.sku === "BR-VCB-001" && s.warehouse === "WH-WALLDORF");
    expect(stock).toEqual({ sku: "BR-VCB-001", warehouse: "WH-WALLDORF", type: "on-hand", quantity: 200 });
  });

  it("a second run reports nothing changed, and announces its report on orderhub.events", async () => {
    const tap = await client.tap("master.#");
    const { status, report } = await syncNow();
    expect(status).toBe(200);
    expect(report).toMatchObject({ source: "erp", outcome: "ok", changed: {}, changedTotal: 0, added: 0, unchanged: 9 + 20 + 5 + 3 + onHandPairs + 9 + 2 + 3, failed: [] });
    const events = await client.collect(tap, 1);
    expect(events.map((m) => m.fields.routingKey)).toEqual(["master.sync.completed"]);
    expect(json(events[0])).toMatchObject({ event: "master.sync.completed", runId: report.runId, changedTotal: 0 });
  });

  it("a customer changed in the ERP is one change, and the hub's own fields stay", async () => {
    // the hub's own fields of the customer, which the ERP does not keep
    const own = await fetch(`${hub.url}/api/master/customers`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify([{ ...(await customer("C-NORTH")), salesReps: ["SR-NORD"], partialDelivery: "complete-order" }]) });
    expect(own.status).toBe(200);
    const before = await customer("C-NORTH");
    expect(before).toMatchObject({ salesReps: ["SR-NORD"], partialDelivery: "complete-order" });
    const tap = await client.tap("master.#");
    expect((await put("/sandbox/erp/_customers", [{ ...demo.customers!.find((c) => c.id === "C-NORTH"), creditLimit: 75000 }])).status).toBe(200);
    const { report } = await syncNow();
    expect(report).toMatchObject({ outcome: "ok", changed: { customers: 1 }, changedTotal: 1, added: 0, failed: [] });
    const events = await client.collect(tap, 2);
    expect(events.map((m) => m.fields.routingKey).sort()).toEqual(["master.customers.upserted", "master.sync.completed"]);
    expect(json(events.find((m) => m.fields.routingKey === "master.customers.upserted")!)).toEqual([{ ...before, creditLimit: 75000 }]);
    await until("the new credit limit applied", async () => (await customer("C-NORTH"))?.creditLimit === 75000);
  });

  it("a record the schema refuses is dead-lettered with its reason; the others in the run are applied", async () => {
    await client.purge("orderhub.dlq");
    const south = demo.customers!.find((c) => c.id === "C-SOUTH")!;
    const bad = { ...south, id: "C-NEGATIVE", name: "Negative Ltd", creditLimit: -100 };
    await put("/sandbox/erp/_customers", [bad, { ...south, blocked: true }]);
    const { status, report } = await syncNow();
    expect(status).toBe(200);
    expect(report).toMatchObject({ outcome: "partial", changed: { customers: 1 }, changedTotal: 1 });
    expect(report.failed).toEqual([{ kind: "customers", record: "C-NEGATIVE", reason: expect.stringMatching(/^customer C-NEGATIVE: creditLimit: .*>= 0/) }]);
    await until("C-SOUTH blocked", async () => (await customer("C-SOUTH"))?.blocked === true);
    expect(await customer("C-NEGATIVE")).toBeUndefined();
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(String(dead[0].properties.headers?.["x-orderhub-error"])).toBe(report.failed[0].reason);
    expect(json(dead[0])).toMatchObject({ CustomerNumber: "C-NEGATIVE", CreditLimit: -100 });
    // the next run fails it again (it is still wrong in the ERP) and finds the rest unchanged
    const again = await syncNow();
    expect(again.report).toMatchObject({ outcome: "partial", changedTotal: 0, failed: [{ record: "C-NEGATIVE" }] });
  });

  it("an ERP that does not answer makes a failed run that changes nothing", async () => {
    await put("/sandbox/erp/_faultOn", { operation: "GetMasterData", faultstring: "master data locked for period close" });
    try {
      const { status, report } = await syncNow();
      expect(status).toBe(502);
      expect(report).toMatchObject({ source: "erp", outcome: "failed", changedTotal: 0, error: expect.stringContaining("master data locked for period close") });
    } finally {
      await fetch(`${hub.url}/sandbox/erp/_faultOn`, { method: "DELETE" });
    }
  });
});

describe("the master data sync, WMS and PLM → hub", () => {
  it("a WMS stock snapshot updates the on-hand stock it differs on", async () => {
    expect((await put("/sandbox/wms/_stock", { sku: "BR-VCB-001", warehouse: "WH-WALLDORF", quantity: 4 })).status).toBe(200);
    const { status, report } = await syncNow("wms");
    expect(status).toBe(200);
    expect(report).toMatchObject({ source: "wms", outcome: "ok", changed: { supply: 1 }, changedTotal: 1, unchanged: onHandPairs - 1 });
    await until("the snapshot applied", async () => (await get<Supply[]>("/api/master/supply")).find((s) => s.sku === "BR-VCB-001" && s.warehouse === "WH-WALLDORF")?.quantity === 4);
  });

  it("PLM says which of the hub's items are made and which bought, and skips the items the hub does not sell", async () => {
    const { report } = await syncNow("plm");
    expect(report.outcome).toBe("ok");
    const items = await get<Array<{ sku: string; source?: string }>>("/api/master/items");
    await until("FG-1000 made", async () => (await get<Array<{ sku: string; source?: string }>>("/api/master/items")).find((i) => i.sku === "FG-1000")?.source === "make");
    expect(report.skipped).toBeGreaterThan(0);
    expect(items.find((i) => i.sku === "BR-VCB-001")?.source).toBeUndefined();
  });

  it("answers 400 for a source it does not know", async () => {
    const res = await fetch(`${hub.url}/api/master/sync?source=mes`, { method: "POST" });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('source: must be one of erp, plm, wms (is "mes")');
  });
});
