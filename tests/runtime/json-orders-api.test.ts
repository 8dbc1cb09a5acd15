import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, json } from "../support/amqp";
import { createVhost, type TestVhost } from "../support/rabbit";
import { startHubProcess, type HubProcess } from "./support/hub-process";

// A business system's JSON order, from the sender's side: what it must give, what the hub fills in, what it refuses.

const ROOT = path.resolve(__dirname, "../..");
const flow = (f: string) => JSON.parse(readFileSync(path.join(ROOT, "flows", f), "utf8")) as unknown[];
const INBOUND = "orderhub.orders.inbound";

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;
let events: string;

beforeAll(async () => {
  vhost = createVhost("orderhub-json-orders");
  hub = await startHubProcess({
    env: { AMQP_URL: vhost.url },
    flows: { "config.json": flow("config.json"), "order-intake.json": flow("order-intake.json") },
  });
  client = await TestClient.connect(vhost.url);
  events = await client.tap("order.*");
});

afterAll(async () => {
  await client?.close();
  await hub?.stop();
  vhost.drop();
});

/** What a CRM posts: number, date, currency, buyer, lines, and nothing else. */
const minimal = (orderNumber = "CRM-5001") => ({
  orderNumber,
  issueDate: "2026-11-20",
  currency: "EUR",
  buyer: { id: "C-1001" },
  lines: [
    { lineNumber: "1", sku: "FG-1000", quantity: 10, unitPrice: 12.5 },
    { lineNumber: "2", sku: "FG-1001", quantity: 3, unitPrice: 7.25 },
  ],
});

const post = (route: string, order: unknown, headers: Record<string, string> = {}) =>
  fetch(`${hub.url}/api/${route}`, { method: "POST", body: JSON.stringify(order), headers: { "content-type": "application/json", ...headers } });

describe("POST /api/orders/normalize with a minimal JSON order", () => {
  it("answers the complete canonical order: source from the request, revision 0, standard, no allowances or charges, totals from the lines", async () => {
    const res = await post("orders/normalize", minimal(), { "x-source-system": "CRM", "idempotency-key": "crm-5001" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      orderNumber: "CRM-5001",
      revision: 0,
      orderType: "standard",
      source: { system: "CRM", format: "json", documentId: "crm-5001" },
      issueDate: "2026-11-20",
      currency: "EUR",
      buyer: { id: "C-1001" },
      lines: [
        { lineNumber: "1", sku: "FG-1000", quantity: 10, unitPrice: 12.5, lineAmount: 125 },
        { lineNumber: "2", sku: "FG-1001", quantity: 3, unitPrice: 7.25, lineAmount: 21.75 },
      ],
      allowances: [],
      charges: [],
      totals: { lineTotal: 146.75, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 146.75 },
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["a revision", { revision: 3 }, { revision: 3 }],
    ["an order type", { orderType: "consignment-fillup" }, { orderType: "consignment-fillup" }],
    ["its own source", { source: { system: "SAP-CRM", documentId: "Q-77" } }, { source: { system: "SAP-CRM", format: "json", documentId: "Q-77" } }],
    ["an allowance", { allowances: [{ reason: "Discount", amount: 6.75 }] }, { totals: { lineTotal: 146.75, allowanceTotal: 6.75, chargeTotal: 0, taxTotal: 0, payable: 140 } }],
    ["a freight charge", { charges: [{ reason: "Freight", amount: 20 }] }, { totals: { lineTotal: 146.75, allowanceTotal: 0, chargeTotal: 20, taxTotal: 0, payable: 166.75 } }],
    ["the tax and a payable amount that adds up", { totals: { taxTotal: 27.88, payable: 174.63 } }, { totals: { lineTotal: 146.75, allowanceTotal: 0, chargeTotal: 0, taxTotal: 27.88, payable: 174.63 } }],
  ])("takes %s as given", async (_what, given, expected) => {
    const res = await post("orders/normalize", { ...minimal(), ...given });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject(expected);
  });

  it.each<[string, (o: Record<string, unknown> & { lines: Array<Record<string, unknown>> }) => void, string, string]>([
    ["a payable amount that does not add up", (o) => (o.totals = { payable: 150 }), "totals-mismatch", "canonical order: totals.payable: given 150.00 EUR, expected 146.75 EUR (lines 146.75 − allowances 0.00 + charges 0.00 + tax 0.00)"],
    ["a line total that is not the sum of the lines", (o) => (o.totals = { lineTotal: 146 }), "totals-mismatch", "canonical order: totals.lineTotal: given 146.00 EUR, expected 146.75 EUR (the sum of the lines' amounts)"],
    ["an order without its buyer", (o) => delete o.buyer, "schema-violation", "canonical order: buyer is missing"],
    ["an order without its date", (o) => delete o.issueDate, "schema-violation", "canonical order: issueDate is missing"],
    ["a line without its item", (o) => delete o.lines[0].sku, "schema-violation", "canonical order: lines[0].sku is missing"],
    ["a zero quantity", (o) => (o.lines[1].quantity = 0), "schema-violation", "canonical order: lines[1].quantity must be > 0 (is 0)"],
  ])("refuses %s with 400 naming the field", async (_what, change, code, error) => {
    const order = minimal();
    change(order as never);
    const res = await post("orders/normalize", order);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, format: "json", error });
  });
});

describe("a minimal JSON order through the intake flow", () => {
  it("posted to /api/orders: 202, then order.accepted with the complete order, its source the request", async () => {
    const res = await post("orders", minimal("CRM-6001"), { "x-source-system": "CRM", "idempotency-key": "crm-6001" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ orderNumber: "CRM-6001", orderKey: "C-1001/CRM-6001/0", messageId: "crm-6001" });
    const got = await client.collect(events, 2, 1500);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.accepted"]);
    expect(json(got[0])).toMatchObject({
      orderNumber: "CRM-6001",
      revision: 0,
      orderType: "standard",
      source: { system: "CRM", format: "json", documentId: "crm-6001" },
      allowances: [],
      charges: [],
      totals: { lineTotal: 146.75, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 146.75 },
    });
  });

  it("put on the inbound queue by the shop itself: order.accepted, its source the shop's app-id and message id", async () => {
    await client.send(INBOUND, JSON.stringify(minimal("SHOP-7001")), { contentType: "application/json", messageId: "shop-7001", appId: "SHOP" });
    const got = await client.collect(events, 2, 1500);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.accepted"]);
    expect(json(got[0])).toMatchObject({ orderNumber: "SHOP-7001", source: { system: "SHOP", format: "json", documentId: "shop-7001" }, lines: [{ lineAmount: 125 }, { lineAmount: 21.75 }] });
  });

  it.each([
    ["a payable amount that does not add up", { ...minimal("SHOP-7002"), totals: { payable: 150 } }, /^canonical order: totals.payable: given 150.00 EUR, expected 146.75 EUR/],
    ["an order without its buyer", { ...minimal("SHOP-7003"), buyer: undefined }, /^canonical order: buyer is missing$/],
  ])("refuses %s: order.rejected naming the field, the document in the DLQ", async (_what, order, reason) => {
    const body = JSON.stringify(order);
    await client.send(INBOUND, body, { contentType: "application/json", messageId: `bad-${order.orderNumber}`, appId: "SHOP" });
    const got = await client.collect(events, 2, 1500);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    expect(json(got[0]).reason).toMatch(reason);
    const dead = await client.collect("orderhub.dlq", 2, 1500);
    expect(dead.map((d) => [d.properties.messageId, d.content.toString()])).toEqual([[`bad-${order.orderNumber}`, body]]);
  });
});
