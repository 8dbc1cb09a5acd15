import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, json } from "../support/amqp";
import { createVhost, type TestVhost } from "../support/rabbit";
import { startHubProcess, type HubProcess } from "./support/hub-process";
import { publicFixture } from "../support/fixtures";
import { canonicalOrder } from "../support/orders";
import { edifactInterchange, edifactMessage, idoc, idocFile } from "../support/several-orders";

const ROOT = path.resolve(__dirname, "../..");
const flow = (f: string) => JSON.parse(readFileSync(path.join(ROOT, "flows", f), "utf8")) as unknown[];

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;
let events: string;

beforeAll(async () => {
  vhost = createVhost("orderhub-api");
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

const post = (body: Buffer | string, contentType: string, extra: Record<string, string> = {}) =>
  fetch(`${hub.url}/api/orders`, { method: "POST", body, headers: { "content-type": contentType, ...extra } });

describe("POST /api/orders", () => {
  it("queues the SAP IDoc order and answers 202 with its number; the flow accepts it", async () => {
    const res = await post(publicFixture("sap-in260/orders-inbound.idoc-orders05.xml"), "application/xml", { "idempotency-key": "idoc-10040" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ orderNumber: "10040", revision: 0, buyer: "IN260-UserXX", orderKey: "IN260-UserXX/10040/0", messageId: "idoc-10040", queue: "orderhub.orders.inbound" });
    const [event] = await client.collect(events, 1);
    expect(event.fields.routingKey).toBe("order.accepted");
    expect(json(event)).toMatchObject({ orderNumber: "10040", currency: "EUR", source: { format: "idoc" } });
    expect(event.properties.correlationId).toBe("idoc-10040");
  });

  it("takes two buyers' purchase orders under the same number as two orders: 202 naming each by its buyer, and both accepted", async () => {
    const north = { ...canonicalOrder("PO-1001"), buyer: { id: "C-NORTH", name: "Nordwerk GmbH" } };
    const south = { ...canonicalOrder("PO-1001"), buyer: { id: "C-SOUTH", name: "Südmetall AG" } };
    const answers = [];
    for (const [order, key] of [[north, "po-north"], [south, "po-south"]] as const) {
      const res = await post(JSON.stringify(order), "application/json", { "idempotency-key": key });
      expect(res.status).toBe(202);
      answers.push(await res.json());
    }
    expect(answers).toEqual([
      { orderNumber: "PO-1001", revision: 0, buyer: "C-NORTH", orderKey: "C-NORTH/PO-1001/0", messageId: "po-north", queue: "orderhub.orders.inbound" },
      { orderNumber: "PO-1001", revision: 0, buyer: "C-SOUTH", orderKey: "C-SOUTH/PO-1001/0", messageId: "po-south", queue: "orderhub.orders.inbound" },
    ]);
    const got = await client.collect(events, 3, 1500);
    expect(got.map((m) => [m.fields.routingKey, m.properties.correlationId, json(m).buyer.id]).sort()).toEqual([
      ["order.accepted", "po-north", "C-NORTH"],
      ["order.accepted", "po-south", "C-SOUTH"],
    ]);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });

  it("answers 400 with what is wrong and where; nothing is queued", async () => {
    const csv = "orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity\nW-1,2026-11-20,EUR,C1,1,A-1,fifteen\n";
    const res = await post(csv, "text/csv");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'line 2: quantity "fifteen" is not a number', code: "not-a-number", line: 2 });
    expect(await client.depth("orderhub.orders.inbound")).toBe(0);
  });

  it("refuses a body over 10 MB with 413", async () => {
    const res = await post(Buffer.alloc(10 * 1024 * 1024 + 10, 0x41), "text/csv");
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe("too-large");
  });

  it("answers 400 for an empty body", async () => {
    const res = await post("", "application/json");
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/empty body/);
  });

  it("normalizes without queueing at /api/orders/normalize", async () => {
    const res = await fetch(`${hub.url}/api/orders/normalize`, { method: "POST", body: publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml") });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ orderNumber: "34", currency: "SEK", source: { format: "ubl" } });
  });

  it("queues an interchange with two orders and answers 202 listing both; the flow accepts each", async () => {
    const body = edifactInterchange([edifactMessage("00620", "20040"), edifactMessage("00621", "20041")]);
    const res = await post(body, "application/edifact", { "idempotency-key": "batch-20040" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      orders: [
        { orderNumber: "20040", revision: 0, buyer: "IN260-UserXX", orderKey: "IN260-UserXX/20040/0" },
        { orderNumber: "20041", revision: 0, buyer: "IN260-UserXX", orderKey: "IN260-UserXX/20041/0" },
      ],
      messageId: "batch-20040",
      queue: "orderhub.orders.inbound",
    });
    const got = await client.collect(events, 2);
    expect(got.map((m) => [m.fields.routingKey, json(m).orderNumber]).sort()).toEqual([["order.accepted", "20040"], ["order.accepted", "20041"]]);
  });

  it("answers 400 for a batch with a refused order, naming it and the orders that could be read; nothing is queued", async () => {
    const body = edifactInterchange([edifactMessage("00620", "20050"), edifactMessage("00621", "20051", (t) => t.replace("QTY+21:144:H87'", "QTY+21:1OO:H87'"))]);
    const res = await post(body, "application/edifact");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: '1 of 2 orders in the document refused: message 2 of 2 (00621): line 124 (QTY): quantity "1OO" is not a number',
      code: "orders-refused",
      refused: [{ index: 2, count: 2, ref: "00621", code: "not-a-number", error: 'message 2 of 2 (00621): line 124 (QTY): quantity "1OO" is not a number', line: 124 }],
      orders: [{ index: 1, count: 2, ref: "00620", orderNumber: "20050", revision: 0, buyer: "IN260-UserXX", orderKey: "IN260-UserXX/20050/0" }],
    });
    expect(await client.depth("orderhub.orders.inbound")).toBe(0);
  });

  it("queues a JSON array of canonical orders, as a business system posts a batch, and the flow accepts each", async () => {
    const res = await post(JSON.stringify([canonicalOrder("API-J1"), canonicalOrder("API-J2")]), "application/json", { "idempotency-key": "json-batch-1" });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { orders: Array<{ orderKey: string }> }).orders.map((o) => o.orderKey)).toEqual(["C-1001/API-J1/0", "C-1001/API-J2/0"]);
    const got = await client.collect(events, 2);
    expect(got.map((m) => [m.fields.routingKey, m.properties.correlationId, json(m).orderNumber]).sort()).toEqual([
      ["order.accepted", "json-batch-1", "API-J1"],
      ["order.accepted", "json-batch-1", "API-J2"],
    ]);
  });

  it("names the first three refused orders of a batch in its sentence and lists them all in refused", async () => {
    const rows = ["orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity", ...[1, 2, 3, 4, 5].map((i) => `R-${i},2026-11-20,EUR,C-1,1,K-1,lots`)];
    const res = await post(rows.join("\n"), "text/csv");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; refused: unknown[] };
    expect(body.error).toMatch(/^5 of 5 orders in the document refused: order 1 of 5 \(R-1\): .*; order 3 of 5 \(R-3\): line 4: quantity "lots" is not a number; and 2 more \(see refused\)$/);
    expect(body.refused).toHaveLength(5);
  });

  it("normalizes a document with several orders at /api/orders/normalize as { orders }", async () => {
    const body = idocFile([idoc("00000000000301", "30040"), idoc("00000000000302", "30041")]);
    const res = await fetch(`${hub.url}/api/orders/normalize`, { method: "POST", body, headers: { "content-type": "application/xml" } });
    expect(res.status).toBe(200);
    const { orders } = (await res.json()) as { orders: Array<{ orderNumber: string; source: { documentId: string } }> };
    expect(orders.map((o) => [o.orderNumber, o.source.documentId])).toEqual([["30040", "00000000000301"], ["30041", "00000000000302"]]);
  });

  it("counts the intake in /metrics", async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    expect(text).toMatch(/orderhub_messages_total\{flow="Order intake",node="normalize",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/orderhub_published_total\{exchange="orderhub.events",routing_key="order.accepted"\} [1-9]/);
    // orders, not documents: the IDoc order, the two of the interchange
    expect(text).toMatch(/orderhub_orders_read_total\{format="idoc",outcome="read"\} 1\n/);
    expect(text).toMatch(/orderhub_orders_read_total\{format="edifact",outcome="read"\} 2\n/);
    expect(text).toMatch(/orderhub_broker_connected\{broker="rabbitmq"\} 1/);
    // the accepted orders' idempotency claims, committed in batches
    expect(text).toMatch(/orderhub_store_commits_total [1-9]/);
    expect(text).toMatch(/orderhub_store_writes_total [1-9]/);
  });

  it("maps a large interchange once: the flow takes the API's orders and accepts each; the same document from another sender is mapped", async () => {
    const interchange = (first: number) => edifactInterchange(Array.from({ length: 120 }, (_, i) => edifactMessage(String(first + i), String(first + i))));
    const body = interchange(70000);
    expect(body.length).toBeGreaterThan(256 * 1024); // mapped on the mapping thread
    const res = await post(body, "application/edifact", { "idempotency-key": "big-70000" });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { orders: unknown[] }).orders).toHaveLength(120);
    const accepted = await client.collect(events, 120);
    expect(accepted.map((m) => json(m).orderNumber).sort()).toEqual(Array.from({ length: 120 }, (_, i) => String(70000 + i)));
    expect(accepted.every((m) => m.fields.routingKey === "order.accepted" && m.properties.correlationId === "big-70000")).toBe(true);
    const reused = async () => /orderhub_mappings_reused_total (\d+)/.exec(await (await fetch(`${hub.url}/metrics`)).text())?.[1];
    expect(await reused()).toBe("1");

    // put on the queue by a business system itself: nobody mapped it before, the flow does
    await client.send("orderhub.orders.inbound", interchange(71000), { contentType: "application/edifact", messageId: "big-71000" });
    await client.confirmed();
    expect((await client.collect(events, 120)).map((m) => json(m).orderNumber)).toContain("71119");
    expect(await reused()).toBe("1");
  });
});
