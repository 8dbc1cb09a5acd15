import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore, setHubStore } from "../../store";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { canonicalOrder, invalidOrder } from "../support/orders";
import { publicFixture } from "../support/fixtures";

const intake = useIntakeFlow("orderhub-intake");

describe("order intake flow", () => {
  it("turns the OASIS UBL example order into one order.accepted event", async () => {
    const events = await intake.start();
    const client = intake.client;
    await client.send(INBOUND, publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml"), { contentType: "application/xml", messageId: "ubl-1" });
    const [event] = await client.collect(events, 1);
    expect(event.fields.routingKey).toBe("order.accepted");
    const order = json(event);
    expect(order.orderNumber).toBe("34");
    expect(order.source.format).toBe("ubl");
    expect(event.properties.correlationId).toBe("ubl-1");
    expect(await client.depth(INBOUND)).toBe(0);
  });

  it("rejects an unreadable document: order.rejected with the reason, original kept in the DLQ", async () => {
    const events = await intake.start();
    const client = intake.client;
    const body = "orderNumber,revision,issueDate,currency,buyerId,buyerName,lineNumber,sku,quantity\nX1,0,2026-11-20,EUR,C1,Buyer,1,A,fifteen\n";
    await client.send(INBOUND, body, { contentType: "text/csv", messageId: "csv-bad" });
    const [event] = await client.collect(events, 1);
    expect(event.fields.routingKey).toBe("order.rejected");
    expect(json(event).reason).toMatch(/line 2: quantity "fifteen" is not a number/);
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(dead.content.toString()).toBe(body);
    expect(dead.properties.headers?.["x-orderhub-error"]).toMatch(/quantity "fifteen"/);
    expect(dead.properties.headers?.["x-orderhub-node"]).toBe("normalize");
    expect(dead.properties.headers?.["x-orderhub-deliveries"]).toBe(1);
    expect(dead.properties.headers?.["x-orderhub-queue"]).toBe(INBOUND);
    expect(dead.properties.messageId).toBe("csv-bad");
  });

  it("refuses another buyer's order under a number already accepted: order.rejected naming the difference, the document in the DLQ", async () => {
    const events = await intake.start();
    const client = intake.client;
    await client.send(INBOUND, JSON.stringify(canonicalOrder("SO-TWICE")), { contentType: "application/json", messageId: "buyer-1" });
    const [first] = await client.collect(events, 1);
    expect(first.fields.routingKey).toBe("order.accepted");
    const other = JSON.stringify({ ...canonicalOrder("SO-TWICE"), buyer: { id: "C-2002", name: "Keller Maschinenbau AG" } });
    await client.send(INBOUND, other, { contentType: "application/json", messageId: "buyer-2" });
    const [event] = await client.collect(events, 1);
    expect(event.fields.routingKey).toBe("order.rejected");
    expect(json(event)).toMatchObject({ orderNumber: "SO-TWICE", revision: 0, code: "conflict", failedNode: "once per order + revision" });
    expect(json(event).reason).toMatch(/^key SO-TWICE\/0 \(order.accepted\) was used before by message .* \(buyer.id: "C-1001" before, now "C-2002"\)/);
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(dead.content.toString()).toBe(other);
    expect(dead.properties.messageId).toBe("buyer-2");
    expect(dead.properties.headers?.["x-orderhub-node"]).toBe("once per order + revision");
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toMatch(/buyer.id: "C-1001" before, now "C-2002"/);
    expect(await client.depth(INBOUND)).toBe(0);
  });

  it("accepts an order its sender sent twice in a row (a quick retry) once: one order.accepted, both messages acked", async () => {
    const events = await intake.start();
    const client = intake.client;
    const body = JSON.stringify(canonicalOrder("SO-RETRY"));
    await client.send(INBOUND, body, { contentType: "application/json", messageId: "retry-1" });
    await client.send(INBOUND, body, { contentType: "application/json", messageId: "retry-2" });
    const got = await client.collect(events, 2, 1500);
    expect(got.map((m) => [m.fields.routingKey, m.properties.correlationId])).toEqual([["order.accepted", "retry-1"]]);
    expect(await client.depth(INBOUND)).toBe(0);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });

  it("accepts 1,000 orders with 50 invalid and 50 duplicates as exactly 900 events, 50 dead letters, none lost", async () => {
    const events = await intake.start();
    const client = intake.client;
    // 900 good orders, an invalid one after every 18th, then 50 repeats of orders already sent.
    const bodies: string[] = [];
    for (let i = 0; i < 900; i++) {
      bodies.push(JSON.stringify(canonicalOrder(`SO-${i}`)));
      if (i % 18 === 17) bodies.push(invalidOrder(bodies.length));
    }
    for (let d = 0; d < 50; d++) bodies.push(JSON.stringify(canonicalOrder(`SO-${d * 7}`)));
    for (const [i, body] of bodies.entries()) await client.send(INBOUND, body, { contentType: "application/json", messageId: `m-${i}` });
    const sent = bodies.length;
    await client.confirmed();
    expect(sent).toBe(1000);

    const got = await client.collect(events, 950, 8000);
    const accepted = got.filter((m) => m.fields.routingKey === "order.accepted");
    const rejected = got.filter((m) => m.fields.routingKey === "order.rejected");
    expect(new Set(accepted.map((m) => json(m).orderNumber)).size).toBe(900);
    expect(accepted).toHaveLength(900);
    expect(rejected).toHaveLength(50);
    const dead = await client.collect("orderhub.dlq", 50);
    expect(dead).toHaveLength(50);
    for (const d of dead) expect(String(d.properties.headers?.["x-orderhub-error"])).not.toBe("");
    expect(await client.depth(INBOUND)).toBe(0);
  });
});

describe("when the store fails", () => {
  it("dead-letters the order with the store's reason instead of losing or accepting it", async () => {
    const events = await intake.start();
    const client = intake.client;
    const broken = new SqliteStore(join(intake.dir, "broken.db"));
    await broken.close();
    setHubStore(broken);
    await client.send(INBOUND, JSON.stringify(canonicalOrder("STORE-1")), { contentType: "application/json", messageId: "store-1" });
    const [dead] = await client.collect("orderhub.dlq", 1, 6000);
    expect(dead?.properties.messageId).toBe("store-1");
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toMatch(/the store is closed/);
    expect(dead.properties.headers?.["x-orderhub-node"]).toBe("once per order + revision");
    expect(await client.collect(events, 1, 1000)).toHaveLength(0);
    expect(await client.depth(INBOUND)).toBe(0);
  });
});
