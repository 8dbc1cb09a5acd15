import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestClient } from "../support/amqp";
import { ensureBuilt } from "../support/build";
import { deskMaster } from "../support/order-decisions";
import type { TestVhost } from "../support/rabbit";
import { o2cEvent, publishEvent, releasedEvent } from "../support/timeline";
import { until } from "../support/wait";
import type { HubProcess } from "./support/hub-process";
import { startHubOnVhost, stopHubOnVhost } from "./support/hub-on-vhost";

// The whole story of one order as the order desk follows it: posted, decided by the hub's own flows, then booked,
// shipped in part, tracked and invoiced by the connected systems (their events published here as they would be),
// with a redelivery, a repeated webhook and tracking webhooks out of order on the way.

let vhost: TestVhost;
let hub: HubProcess;
let dir: string;
let client: TestClient;

const KEY = "C-GOOD/TL-1/0";
/** The systems' own times, hours after the test began (after the hub received and decided the order), in whole seconds. */
const start = Math.ceil(Date.now() / 1000) * 1000;
const t = (hours: number) => new Date(start + hours * 3_600_000).toISOString();

beforeAll(async () => {
  ensureBuilt("dist/runtime/api/timeline.js", "dist/nodes/timeline-record/index.html");
  ({ vhost, dir, hub, client } = await startHubOnVhost("orderhub-timeline", ["config.json", "order-intake.json", "order-decisions.json", "order-timeline.json"]));
  await client.consumed("orderhub.timeline", 20_000);
  await client.consumed("orderhub.orders.decisions", 20_000);
  const put = await fetch(`${hub.url}/api/master`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(deskMaster()) });
  expect(put.status).toBe(200);
}, 120_000);

afterAll(() => stopHubOnVhost({ client, hub, dir, vhost }));

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}/api${path}`);
  return { status: res.status, body: await res.json() };
}

const stateOf = async (number: string) => (await get(`/orders/${number}`)).body.orders?.[0]?.state as string | undefined;
const milestones = async (number: string) => ((await get(`/orders/${number}/timeline`)).body.orders?.[0]?.entries ?? []).map((e: { milestone: string }) => e.milestone) as string[];

describe("an order's timeline, from the messages themselves", () => {
  it("follows a posted order through the hub's own decisions: received, normalized, each rule, approved", async () => {
    const order = {
      orderNumber: "TL-1",
      issueDate: "2026-01-15",
      currency: "EUR",
      buyer: { id: "C-GOOD" },
      lines: [
        { lineNumber: "1", sku: "GH-100", quantity: 10, unitPrice: 100 },
        { lineNumber: "2", sku: "GH-100", quantity: 4, unitPrice: 100 },
      ],
    };
    const posted = await fetch(`${hub.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json", "x-source-system": "crm" }, body: JSON.stringify(order) });
    expect(posted.status).toBe(202);
    await until("the order released on its timeline", async () => (await stateOf("TL-1")) === "approved");
    const timeline = (await get("/orders/TL-1/timeline")).body;
    expect(timeline.orders).toHaveLength(1);
    expect(timeline.orders[0]).toMatchObject({ orderKey: KEY, buyer: "C-GOOD", state: "approved", late: false });
    const entries = timeline.orders[0].entries as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.milestone)).toEqual(["received", "normalized", "audited", "priced", "credit-checked", "atp-confirmed", "approved"]);
    expect(entries[0]).toMatchObject({ event: "order.accepted", system: "crm", revision: 0, messageId: expect.any(String) });
    expect(entries.at(-1)).toMatchObject({ event: "order.released", system: "hub", document: KEY });
    // the decisions route still answers beside the timeline's
    expect((await get("/orders/TL-1/decisions")).body.orders[0].outcome).toBe("released");
  });

  it("records each fulfilment milestone once, however often it comes, and never moves the order back", async () => {
    const shipped = o2cEvent("order.shipped", KEY, "wms", "DN-1", t(4), { lines: [{ lineNumber: "1", sku: "GH-100", quantity: 6 }] });
    await publishEvent(client, "order.booked", o2cEvent("order.booked", KEY, "erp", "SO-4711", t(1)), "m-booked");
    await publishEvent(client, "order.delivery-note-sent", o2cEvent("order.delivery-note-sent", KEY, "hub", "DN-1", t(2)), "m-dn");
    await publishEvent(client, "order.picked", o2cEvent("order.picked", KEY, "wms", "DN-1", t(3)), "m-picked");
    await publishEvent(client, "order.shipped", shipped, "m-shipped");
    await publishEvent(client, "order.shipped", shipped, "m-shipped"); // a redelivery: the same message id
    await publishEvent(client, "order.shipped", { ...shipped, at: t(4.1) }, "m-shipped-again"); // the webhook repeated
    await publishEvent(client, "order.shipment-booked", o2cEvent("order.shipment-booked", KEY, "tms", "SHP-1", t(5)), "m-shp");
    // the carrier's webhooks out of order: delivered first, in transit after
    await publishEvent(client, "order.delivered", o2cEvent("order.delivered", KEY, "tms", "SHP-1", t(7)), "m-delivered");
    await publishEvent(client, "order.in-transit", o2cEvent("order.in-transit", KEY, "tms", "SHP-1", t(6)), "m-transit");
    await until("the in-transit webhook recorded", async () => (await milestones("TL-1")).includes("in-transit"));
    await client.drained("orderhub.timeline");

    const timeline = (await get("/orders/TL-1/timeline")).body.orders[0];
    expect(timeline.state).toBe("delivered");
    const fulfilment = (timeline.entries as Array<{ milestone: string; at: string; system: string; document: string }>).slice(7);
    expect(fulfilment.map((e) => [e.milestone, e.at, e.system, e.document])).toEqual([
      ["booked", t(1), "erp", "SO-4711"],
      ["delivery-note-sent", t(2), "hub", "DN-1"],
      ["picked", t(3), "wms", "DN-1"],
      ["shipped", t(4), "wms", "DN-1"],
      ["shipment-booked", t(5), "tms", "SHP-1"],
      ["in-transit", t(6), "tms", "SHP-1"],
      ["delivered", t(7), "tms", "SHP-1"],
    ]);

    const order = (await get("/orders/TL-1")).body;
    expect(order.orders[0]).toMatchObject({
      orderKey: KEY,
      buyer: "C-GOOD",
      revision: 0,
      state: "delivered",
      late: false,
      lines: [
        { lineNumber: "1", sku: "GH-100", ordered: 10, shipped: 6, invoiced: 0, open: 4 },
        { lineNumber: "2", sku: "GH-100", ordered: 4, shipped: 0, invoiced: 0, open: 4 },
      ],
      documents: { erpOrder: "SO-4711", deliveryNotes: ["DN-1"], shipments: ["SHP-1"], invoices: [], payments: [] },
    });
  });

  it("attributes the invoice, and a payment that names only the invoice, to the order", async () => {
    await publishEvent(client, "order.invoiced", o2cEvent("order.invoiced", KEY, "finance", "INV-1", t(8), { amount: 600, currency: "EUR", lines: [{ lineNumber: "1", quantity: 6 }] }), "m-inv");
    await until("the invoice recorded", async () => (await milestones("TL-1")).includes("invoiced"));
    await publishEvent(client, "payment.received", { event: "payment.received", customer: "C-GOOD", amount: 600, invoice: "INV-1", document: "PAY-1", system: "finance", at: t(9) }, "m-pay");
    await until("the payment recorded", async () => (await stateOf("TL-1")) === "paid");
    const order = (await get("/orders/TL-1?buyer=C-GOOD")).body.orders[0];
    expect(order.lines.map((l: { invoiced: number; open: number }) => [l.invoiced, l.open])).toEqual([[6, 4], [0, 4]]);
    expect(order.documents).toMatchObject({ invoices: ["INV-1"], payments: ["PAY-1"] });
  });
});

describe("the order list", () => {
  it("finds orders by state and lateness: promised date passed and not delivered", async () => {
    await publishEvent(client, "order.released", releasedEvent("C-LATE/TL-LATE/0", [{ lineNumber: "1", sku: "GH-100", quantity: 5, date: "2020-01-10" }]), "m-late-released");
    await publishEvent(client, "order.released", releasedEvent("C-LATE/TL-DONE/0", [{ lineNumber: "1", sku: "GH-100", quantity: 5, date: "2020-01-10" }]), "m-done-released");
    await publishEvent(client, "order.delivered", o2cEvent("order.delivered", "C-LATE/TL-DONE/0", "tms", "SHP-9", "2020-01-09T10:00:00Z"), "m-done-delivered");
    await until("the delivered one recorded", async () => (await stateOf("TL-DONE")) === "delivered");
    await until("the late one recorded", async () => (await stateOf("TL-LATE")) === "approved");

    const late = (await get("/orders?late=true")).body;
    expect(late.orders.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(["TL-LATE"]);
    expect(late.orders[0]).toMatchObject({ buyer: "C-LATE", orderKey: "C-LATE/TL-LATE/0", state: "approved", promisedDate: "2020-01-10", late: true });
    expect((await get("/orders/TL-LATE")).body.orders[0].late).toBe(true);

    const byState = (await get("/orders?state=paid,delivered")).body;
    expect(byState.orders.map((o: { orderNumber: string }) => o.orderNumber).sort()).toEqual(["TL-1", "TL-DONE"]);
    expect((await get("/orders?state=approved&buyer=C-LATE&limit=1")).body.count).toBe(1);
  });

  it("refuses a state it does not know naming the valid ones, and answers 404 for an order nobody told it of", async () => {
    const bad = await get("/orders?state=shipped,lost");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^state=lost is no order state; the states are received, normalized, .*delivered.*cancelled/);
    expect((await get("/orders?late=maybe")).status).toBe(400);
    expect((await get("/orders?limit=0")).status).toBe(400);
    const unknown = await get("/orders/NOPE-1");
    expect(unknown).toEqual({ status: 404, body: { error: "the timeline knows no order NOPE-1", code: "unknown-order" } });
    expect((await get("/orders/TL-1/timeline?buyer=C-OTHER")).status).toBe(404);
  });

  it("dead-letters an order's event that names no order, saying so, instead of losing the milestone", async () => {
    await publishEvent(client, "order.shipped", { event: "order.shipped", system: "wms", document: "DN-LOST", lines: [] }, "m-lost");
    const letters = await until("the dead letter", async () => {
      const got = await client.collect("orderhub.dlq", 1, 2000, 200);
      return got.find((m) => m.content.toString().includes("DN-LOST"));
    });
    expect(String(letters.properties.headers?.["x-orderhub-error"])).toBe("order timeline: order.shipped (message m-lost) names no order: it has no orderNumber and no orderKey");
  });
});
