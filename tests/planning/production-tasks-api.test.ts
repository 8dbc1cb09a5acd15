import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, TestClient } from "../support/amqp";
import { ensureBuilt } from "../support/build";
import { deskMaster } from "../support/order-decisions";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { shippedFlowFiles, startHubProcess, tempHubDir, type HubProcess } from "../runtime/support/hub-process";

// The plant makes gear housings to order: GH-100 = 1 CASTING + 4 BOLT, each bought. 5 castings and 100 bolts are on
// hand, 20 bolts of them promised to another job. A customer's order for 10 housings is released by the hub's own
// decisions; production tasks are made from it, found short of castings, castings requisitioned; then the customer
// raises the order to 30, and the production flow announces the new shortage by itself.

let vhost: TestVhost;
let hub: HubProcess;
let dir: string;
let client: TestClient;
let tap: string;

const master = () => {
  const m = deskMaster();
  m.items = [
    { ...m.items[0], source: "make", basePrice: 95 },
    { sku: "CASTING", name: "housing casting", unit: "H87", productionMode: "MTS", leadTimeDays: 14, source: "buy", standardCost: 22.5 },
    { sku: "BOLT", name: "bolt M8", unit: "H87", productionMode: "MTS", leadTimeDays: 3, source: "buy", standardCost: 0.4 },
  ];
  m.supply = [...m.supply, { sku: "CASTING", warehouse: "WH-A", type: "on-hand", quantity: 5 }, { sku: "BOLT", warehouse: "WH-A", type: "on-hand", quantity: 100 }];
  m.reservations = [{ sku: "BOLT", warehouse: "WH-A", quantity: 20, date: "2026-01-20", order: "OTHER/JOB-1/0" }];
  return m;
};

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const order = (quantity: number, more: Record<string, unknown> = {}) => ({
  orderNumber: "PT-1",
  issueDate: "2026-01-15",
  currency: "EUR",
  buyer: { id: "C-GOOD" },
  requestedDelivery: { date: "2026-03-01" },
  lines: [{ lineNumber: "1", sku: "GH-100", quantity, unitPrice: 100 }],
  ...more,
});

beforeAll(async () => {
  ensureBuilt("dist/runtime/api/planning-tasks.js", "dist/nodes/shortage-check/index.html");
  vhost = createVhost("orderhub-production-tasks");
  dir = tempHubDir().dir;
  hub = await startHubProcess({
    env: { AMQP_URL: vhost.url },
    flows: shippedFlowFiles("config.json", "order-intake.json", "order-decisions.json", "production.json"),
    dir,
    keepDir: true,
  });
  client = await TestClient.connect(vhost.url);
  await client.consumed("orderhub.orders.decisions", 20_000);
  await client.consumed("orderhub.production", 20_000);
  tap = await client.tap("planning.#");
  expect((await call("PUT", "/api/master", master())).status).toBe(200);
  expect((await call("PUT", "/api/planning/boms", [{ parent: "GH-100", child: "CASTING", quantity: 1 }, { parent: "GH-100", child: "BOLT", quantity: 4 }])).status).toBe(200);
  const posted = await fetch(`${hub.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(order(10)) });
  expect(posted.status).toBe(202);
  await until("PT-1 released", async () => (await call("GET", "/api/orders/PT-1/decisions")).body.orders?.[0]?.outcome === "released");
}, 180_000);

afterAll(async () => {
  await client?.close();
  await hub?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  vhost?.drop();
});

describe("production tasks from released orders (以销定产) and to stock (备货生产)", () => {
  it("makes one task per made line of the order, tied to the order line, once", async () => {
    const made = await call("POST", "/api/planning/production-tasks/batch", { orders: ["PT-1"] });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({
      created: 1,
      tasks: [{ id: "PT-C-GOOD/PT-1#1", orderKey: "C-GOOD/PT-1/0", orderRef: "C-GOOD/PT-1", line: "1", item: "GH-100", quantity: 10, due: "2026-03-01", status: "open" }],
      skipped: [],
    });
    const again = await call("POST", "/api/planning/production-tasks/batch", { orders: ["C-GOOD/PT-1/0"] });
    expect(again).toMatchObject({ status: 200, body: { created: 0, skipped: [{ reason: "order C-GOOD/PT-1 line 1 has its task PT-C-GOOD/PT-1#1 already" }] } });
  });

  it("makes stock tasks for the items the plant makes, and says why a bought one gets none", async () => {
    const made = await call("POST", "/api/planning/production-tasks/batch", { items: [{ item: "GH-100", quantity: 50, due: "2026-04-01" }, { item: "BOLT", quantity: 10, due: "2026-04-01" }] });
    expect(made.status).toBe(201);
    expect(made.body.tasks).toEqual([expect.objectContaining({ id: expect.stringMatching(/^PT-S-.+-1$/), orderRef: "", item: "GH-100", quantity: 50, due: "2026-04-01" })]);
    expect(made.body.skipped).toEqual([{ item: "BOLT", reason: "items[1]: BOLT is not made here (bought or outsourced): no production task" }]);
    const listed = await call("GET", "/api/planning/production-tasks?status=open");
    expect(listed.body.count).toBe(2);
  });

  it.each([
    [{ orders: ["NO-SUCH-ORDER"] }, 404, "orders: NO-SUCH-ORDER is not an order the hub decided"],
    [{ orders: [] }, 400, "orders: no order given (is [])"],
    [{ items: [{ item: "GH-100", quantity: 5 }] }, 400, "items[0].due: must be a date, YYYY-MM-DD (is missing)"],
  ])("refuses %j with %i", async (body, status, error) => {
    expect(await call("POST", "/api/planning/production-tasks/batch", body)).toMatchObject({ status, body: { error } });
  });

  it("refuses an order that is not released, saying what it is (409)", async () => {
    const held = { ...order(2), orderNumber: "PT-CASH", buyer: { id: "C-CASH" } }; // cash in advance: held for credit
    expect((await fetch(`${hub.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(held) })).status).toBe(202);
    await until("PT-CASH held", async () => (await call("GET", "/api/orders/PT-CASH/decisions")).body.orders?.[0]?.outcome === "held");
    expect(await call("POST", "/api/planning/production-tasks/batch", { orders: ["PT-1", "PT-CASH"] })).toEqual({
      status: 409,
      body: { error: "orders: C-CASH/PT-CASH is held, not released: production starts from released orders" },
    });
    expect((await call("GET", "/api/planning/production-tasks?order=PT-CASH")).body).toEqual({ count: 0, tasks: [] });
  });
});

describe("shortage analysis and requisitions", () => {
  it("10 housings: castings 10 required, 5 available, 5 short; bolts 40 of 80 available (100 on hand − 20 allocated)", async () => {
    const res = await call("GET", "/api/planning/shortages?order=PT-1");
    expect(res.status).toBe(200);
    expect(res.body.components.map((c: any) => [c.sku, c.required, c.issued, c.onHand, c.allocated, c.available, c.short])).toEqual([
      ["BOLT", 40, 0, 100, 20, 80, 0],
      ["CASTING", 10, 0, 5, 0, 5, 5],
    ]);
    expect(res.body.requisitions).toEqual([expect.objectContaining({ sku: "CASTING", quantity: 5, needBy: "2026-03-01", orders: ["C-GOOD/PT-1"], id: "order:C-GOOD/PT-1/CASTING/5" })]);
    expect((await call("GET", "/api/planning/shortages?task=PT-C-GOOD/PT-1%231")).body.shortages.map((s: any) => s.sku)).toEqual(["CASTING"]);
    expect((await call("GET", "/api/planning/shortages?task=PT-NOPE")).status).toBe(404);
  });

  it("what the stores issued to the task counts: 4 castings issued leave 1 short", async () => {
    // issued to the stock task, not this order's: nothing changes for the order
    const stock = (await call("GET", "/api/planning/production-tasks?status=open")).body.tasks.find((t: any) => t.orderRef === "");
    expect((await call("POST", `/api/planning/production-tasks/${encodeURIComponent(stock.id)}/issues`, { CASTING: 4 })).body).toEqual({ id: stock.id, issued: { CASTING: 4 } });
    expect((await call("GET", "/api/planning/shortages?order=PT-1")).body.requisitions.map((r: any) => r.quantity)).toEqual([5]);
    const issued = await call("POST", `/api/planning/production-tasks/${encodeURIComponent("PT-C-GOOD/PT-1#1")}/issues`, { CASTING: 4 });
    expect(issued.body).toEqual({ id: "PT-C-GOOD/PT-1#1", issued: { CASTING: 4 } });
    const after = await call("GET", "/api/planning/shortages?order=PT-1");
    expect(after.body.shortages.map((s: any) => [s.sku, s.required, s.issued, s.available, s.short])).toEqual([["CASTING", 10, 4, 5, 1]]);
    expect((await call("POST", "/api/planning/production-tasks/PT-NOPE/issues", { CASTING: 1 })).status).toBe(404);
    expect((await call("POST", `/api/planning/production-tasks/${encodeURIComponent("PT-C-GOOD/PT-1#1")}/issues`, { CASTING: -1 })).body.error).toBe("CASTING: the quantity issued must be a number above 0 (is -1)");
  });

  it("requisitions what is short in one step: planning.requisition on orderhub.events, confirmed, under a stable id", async () => {
    const res = await call("POST", "/api/planning/shortages/requisitions?order=PT-1");
    expect(res.status).toBe(201);
    expect(res.body.published).toEqual(["planning.requisition:order:C-GOOD/PT-1/CASTING/1"]);
    const [msg] = await client.collect(tap, 1);
    expect(msg.fields.routingKey).toBe("planning.requisition");
    expect(msg.properties.messageId).toBe("planning.requisition:order:C-GOOD/PT-1/CASTING/1");
    expect(json(msg)).toMatchObject({ event: "planning.requisition", sku: "CASTING", quantity: 1, needBy: "2026-03-01", orders: ["C-GOOD/PT-1"], tasks: ["PT-C-GOOD/PT-1#1"] });
  });

  it("an order change re-runs the analysis by itself: 30 housings, planning.shortage names castings and bolts (4 castings issued still count)", async () => {
    const change = order(30, { revision: 1, purpose: "change", requestedDelivery: { date: "2026-03-15" } });
    const posted = await fetch(`${hub.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(change) });
    expect(posted.status).toBe(202);
    const [msg] = await client.collect(tap, 1, 20_000);
    expect(msg.fields.routingKey).toBe("planning.shortage");
    expect(msg.properties.messageId).toBe("planning.shortage:C-GOOD/PT-1/1:BOLT=40,CASTING=21");
    const event = json(msg) as any;
    expect(event).toMatchObject({ event: "planning.shortage", orderRef: "C-GOOD/PT-1", orderKey: "C-GOOD/PT-1/1", tasks: ["PT-C-GOOD/PT-1#1"] });
    expect(event.shortages.map((s: any) => [s.sku, s.required, s.issued, s.available, s.short])).toEqual([["BOLT", 120, 0, 80, 40], ["CASTING", 30, 4, 5, 21]]);
    const task = (await call("GET", "/api/planning/production-tasks?order=PT-1")).body.tasks[0];
    expect(task).toMatchObject({ quantity: 30, due: "2026-03-15", orderKey: "C-GOOD/PT-1/1", status: "open" });
  });
});

describe("quotes and BOM cost on the hub's data", () => {
  it("GET /api/planning/items/GH-100/cost: 22.50 + 4 × 0.40 = 24.10, level by level", async () => {
    const res = await call("GET", "/api/planning/items/GH-100/cost");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ item: "GH-100", unitCost: 24.1, levels: [{ level: 1, boughtCost: 24.1, addedCost: 0 }] });
    expect((await call("GET", "/api/planning/items/NOPE/cost")).status).toBe(400);
  });

  it("POST /api/quotes prices from the stored BOM and standard costs, flags a price below the base price, and keeps the quote", async () => {
    const body = { item: "GH-100", quantity: 100, routing: [{ operation: "machining", hoursPerUnit: 0.25, labourRate: 48 }], otherCosts: { freight: 150 }, targetMarginPercent: 20 };
    const res = await call("POST", "/api/quotes", body);
    expect(res.status).toBe(201);
    // material 2410 + labour 1200 + freight 150 = 3760; / 0.8 = 4700: 47.00 a housing, under the base price of 95
    expect(res.body).toMatchObject({ totals: { material: 2410, labour: 1200, overhead: 0, other: 150, cost: 3760, margin: 940, price: 4700 }, unitPrice: 47, basePrice: 95, belowBasePrice: true });
    const kept = await call("GET", `/api/quotes/${res.body.id}`);
    expect(kept.body).toMatchObject({ id: res.body.id, request: body, unitPrice: 47 });
    expect((await call("POST", "/api/quotes", { ...body, targetMarginPercent: "20" })).body.error).toBe('targetMarginPercent: must be a number from 0 (is "20")');
  });
});
