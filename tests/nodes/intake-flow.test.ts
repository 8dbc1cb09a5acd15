import { join } from "node:path";
import type { ConsumeMessage } from "amqplib";
import { describe, expect, it } from "vitest";
import { SqliteStore, setHubStore } from "../../store";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { shippedFlows } from "../support/node-red";
import { canonicalOrder, invalidOrder } from "../support/orders";
import { publicFixture } from "../support/fixtures";

const intake = useIntakeFlow("orderhub-intake");
/** The intake's idempotent node, as dead letters and rejections name it. */
const IDEMPOTENT = shippedFlows("order-intake.json").find((n) => n.type === "idempotent")!.name as string;

/** What the dead letter of each kind of `invalidOrder(i)` gives as its reason, by i % 5. */
const INVALID_REASONS = [/^malformed JSON: /, /orderNumber is missing/, /lines\[1\]\.quantity .*"fifteen"/, /lines\[0\]\.quantity .*\b0\b/, /^malformed JSON: |DOCTYPE|entit/];

/** The failure headers the dead-letter node writes, each with its value (a header that is missing fails here). */
function expectDeadLetterHeaders(dead: ConsumeMessage, error: RegExp, node: string | RegExp): void {
  const headers = dead.properties.headers ?? {};
  expect(headers["x-orderhub-error"]).toEqual(expect.stringMatching(error));
  expect(headers["x-orderhub-node"]).toEqual(typeof node === "string" ? node : expect.stringMatching(node));
  expect(headers["x-orderhub-queue"]).toBe(INBOUND);
  expect(headers["x-orderhub-deliveries"]).toBe(1);
  expect(headers["x-orderhub-failed-at"]).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));
}

describe("order intake flow", () => {
  it("turns the OASIS UBL example order into one order.accepted event", async () => {
    const events = await intake.start();
    const client = intake.client;
    await client.send(INBOUND, publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml"), { contentType: "application/xml", messageId: "ubl-1" });
    const got = await client.collect(events, 1);
    expect(got).toHaveLength(1);
    const [event] = got;
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
    const got = await client.collect(events, 1);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    const [event] = got;
    expect(json(event).reason).toMatch(/line 2: quantity "fifteen" is not a number/);
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].content.toString()).toBe(body);
    expectDeadLetterHeaders(dead[0], /^line 2: quantity "fifteen" is not a number/, "normalize");
    expect(await client.depth(INBOUND)).toBe(0);
    expect(dead[0].properties.messageId).toBe("csv-bad");
  });

  it("refuses a changed order sent under a number and revision already accepted: order.rejected naming the difference, the document in the DLQ", async () => {
    const events = await intake.start();
    const client = intake.client;
    await client.send(INBOUND, JSON.stringify(canonicalOrder("SO-TWICE")), { contentType: "application/json", messageId: "change-1" });
    expect((await client.collect(events, 1)).map((m) => m.fields.routingKey)).toEqual(["order.accepted"]);
    const changed = canonicalOrder("SO-TWICE") as { lines: Array<{ quantity: number }> };
    changed.lines[0].quantity = 11;
    const other = JSON.stringify(changed);
    await client.send(INBOUND, other, { contentType: "application/json", messageId: "change-2" });
    const got = await client.collect(events, 1);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    const [event] = got;
    expect(json(event)).toMatchObject({ orderNumber: "SO-TWICE", revision: 0, code: "conflict", failedNode: IDEMPOTENT });
    expect(json(event).reason).toMatch(/^key \S*SO-TWICE\S* \(order.accepted\) was used before by message .* \(lines\[0\]\.quantity: 10 before, now 11\)/);
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].content.toString()).toBe(other);
    expect(dead[0].properties.messageId).toBe("change-2");
    expectDeadLetterHeaders(dead[0], /lines\[0\]\.quantity: 10 before, now 11/, IDEMPOTENT);
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

    // Every message taken and acknowledged: every event it caused was confirmed before its ack, so all are on the tap.
    await client.drained(INBOUND);
    const got = await client.collect(events, 950, 8000);
    const accepted = got.filter((m) => m.fields.routingKey === "order.accepted");
    const rejected = got.filter((m) => m.fields.routingKey === "order.rejected");
    expect(new Set(accepted.map((m) => json(m).orderNumber)).size).toBe(900);
    expect(accepted).toHaveLength(900);
    expect(rejected).toHaveLength(50);
    expect(got).toHaveLength(950);
    const dead = await client.collect("orderhub.dlq", 50);
    expect(dead).toHaveLength(50);
    for (const d of dead) {
      const i = Number(String(d.properties.messageId).slice("m-".length));
      expect(bodies[i], `dead letter ${d.properties.messageId}`).toBe(d.content.toString());
      expectDeadLetterHeaders(d, INVALID_REASONS[i % 5], /^(normalize|validate)$/);
    }
    expect(await client.depth(INBOUND)).toBe(0);
    expect(await client.depth(events)).toBe(0);
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
    const dead = await client.collect("orderhub.dlq", 1, 6000);
    expect(dead.map((d) => d.properties.messageId)).toEqual(["store-1"]);
    expectDeadLetterHeaders(dead[0], /the store is closed/, IDEMPOTENT);
    expect(await client.collect(events, 0)).toHaveLength(0);
    expect(await client.depth(INBOUND)).toBe(0);
  });
});
