import { join } from "node:path";
import type { ConsumeMessage } from "amqplib";
import { describe, expect, it } from "vitest";
import { deriveMessageId } from "../../nodes/shared/outbox";
import { SqliteStore, setHubStore } from "../../store";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { shippedFlows } from "../support/node-red";
import { canonicalOrder } from "../support/orders";

// Buyers number their purchase orders each on their own, so PO-1001 of one buyer and PO-1001 of another are two
// orders. An order is known in the hub by its buyer, the buyer's order number and the revision.

const intake = useIntakeFlow("orderhub-identity");
const SCOPE = "order.accepted";

type Order = Record<string, unknown> & { lines: Array<{ quantity: number; unitPrice: number; lineAmount: number }>; totals: Record<string, number> };

const po = (buyer: Record<string, string>, orderNumber = "PO-1001"): Order => ({ ...canonicalOrder(orderNumber), buyer }) as Order;
const NORTH = { id: "C-NORTH", name: "Nordwerk GmbH" };
const SOUTH = { id: "C-SOUTH", name: "Südmetall AG" };

/** The same order with one more piece on its first line: other content under the same number and revision. */
function changed(order: Order): Order {
  const o = structuredClone(order);
  o.lines[0].quantity += 1;
  o.lines[0].lineAmount += o.lines[0].unitPrice;
  o.totals.lineTotal += o.lines[0].unitPrice;
  o.totals.payable += o.lines[0].unitPrice;
  return o;
}

async function send(order: Order, messageId: string): Promise<void> {
  await intake.client.send(INBOUND, JSON.stringify(order), { contentType: "application/json", messageId });
}

/** What the flow published for what was sent: read past the expected count for a while, so one too many shows. */
async function published(events: string, expected: number): Promise<ConsumeMessage[]> {
  return intake.client.collect(events, expected + 1, 1500);
}

const summary = (m: ConsumeMessage) => [m.fields.routingKey, m.properties.correlationId, json(m).buyer?.id];

describe("two buyers with the same purchase order number", () => {
  it("accepts both: one order.accepted each, under message ids of their own", async () => {
    const events = await intake.start();
    await send(po(NORTH), "north-1");
    await send(po(SOUTH), "south-1");
    const got = await published(events, 2);
    expect(got.map(summary).sort()).toEqual([
      ["order.accepted", "north-1", "C-NORTH"],
      ["order.accepted", "south-1", "C-SOUTH"],
    ]);
    expect(new Set(got.map((m) => m.properties.messageId)).size).toBe(2);
    expect(got.find((m) => m.properties.correlationId === "north-1")!.properties.messageId).toBe(deriveMessageId(SCOPE, "C-NORTH/PO-1001/0"));
    expect(await intake.client.depth(INBOUND)).toBe(0);
    expect(await intake.client.depth("orderhub.dlq")).toBe(0);
  });

  it("tells buyers known only by their GLN or their name apart, as it does buyers with an id", async () => {
    const events = await intake.start();
    await send(po({ gln: "4012345000009" }), "gln-1");
    await send(po({ gln: "4098765000001" }), "gln-2");
    await send(po({ name: "Werkzeugbau Ost" }), "name-1");
    const got = await published(events, 3);
    expect(got.map((m) => [m.fields.routingKey, m.properties.messageId]).sort()).toEqual(
      [
        ["order.accepted", deriveMessageId(SCOPE, "4012345000009/PO-1001/0")],
        ["order.accepted", deriveMessageId(SCOPE, "4098765000001/PO-1001/0")],
        ["order.accepted", deriveMessageId(SCOPE, "Werkzeugbau Ost/PO-1001/0")],
      ].sort(),
    );
  });

  it("calls the same buyer's same order sent again a duplicate, and a changed one under the same revision a conflict", async () => {
    const events = await intake.start();
    await send(po(NORTH), "north-1");
    await send(po(SOUTH), "south-1");
    expect(await intake.client.collect(events, 2)).toHaveLength(2);
    await send(po(NORTH), "north-2");
    await send(changed(po(NORTH)), "north-3");
    const got = await published(events, 1);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    expect(json(got[0])).toMatchObject({ orderNumber: "PO-1001", orderKey: "C-NORTH/PO-1001/0", buyer: NORTH, code: "conflict", inboundMessageId: "north-3" });
    expect(json(got[0]).reason).toMatch(/^key C-NORTH\/PO-1001\/0 \(order.accepted\) was used before by message .* \(lines\[0\].quantity: 10 before, now 11\)/);
    const [dead] = await intake.client.collect("orderhub.dlq", 1);
    expect(dead.properties.messageId).toBe("north-3");
    expect(await intake.client.depth(INBOUND)).toBe(0);
  });
});

describe("orders accepted by the previous release, under the order number and revision alone", () => {
  /** What the previous release left in the store: `PO-1001/0` claimed for C-NORTH's order, its event confirmed or not. */
  async function previousRelease(confirmed: boolean): Promise<SqliteStore> {
    const store = new SqliteStore(join(intake.dir, "upgraded.db"));
    await store.claim(SCOPE, "PO-1001/0", deriveMessageId(SCOPE, "PO-1001/0"), JSON.stringify(po(NORTH)), Date.now(), "north-1");
    if (confirmed) await store.markDone(SCOPE, "PO-1001/0", Date.now());
    setHubStore(store);
    return store;
  }

  it("recognises the accepted order redelivered, replayed or sent again as a duplicate, and a changed one as a conflict", async () => {
    const events = await intake.start();
    const store = await previousRelease(true);
    await send(po(NORTH), "north-1"); // its own redelivery, or a replay from the DLQ
    await send(po(NORTH), "north-2"); // sent again by the buyer's system
    await send(changed(po(NORTH)), "north-3");
    const got = await published(events, 1);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    expect(json(got[0]).inboundMessageId).toBe("north-3");
    expect(json(got[0]).reason).toMatch(/^key C-NORTH\/PO-1001\/0 \(order.accepted; stored as PO-1001\/0 by an earlier release\) was used before by message .* \(lines\[0\].quantity: 10 before, now 11\)/);
    expect(await intake.client.depth(INBOUND)).toBe(0);
    await store.close();
  });

  it("accepts the other buyer's order the previous release refused under the same number, and only once", async () => {
    const events = await intake.start();
    const store = await previousRelease(true);
    await send(po(SOUTH), "south-1"); // replayed from the DLQ after the upgrade
    await send(po(SOUTH), "south-2");
    const got = await published(events, 1);
    expect(got.map(summary)).toEqual([["order.accepted", "south-1", "C-SOUTH"]]);
    expect(got[0].properties.messageId).toBe(deriveMessageId(SCOPE, "C-SOUTH/PO-1001/0"));
    await store.close();
  });

  it("re-sends an event the previous release never confirmed under its message id of then, once", async () => {
    const events = await intake.start();
    const store = await previousRelease(false);
    await send(po(NORTH), "north-1");
    const [event] = await intake.client.collect(events, 1);
    expect(event.properties.messageId).toBe(deriveMessageId(SCOPE, "PO-1001/0"));
    await send(po(NORTH), "north-2");
    expect(await published(events, 0)).toEqual([]);
    expect(await intake.client.depth(INBOUND)).toBe(0);
    await store.close();
  });
});

describe("an intake flow saved by the previous release (idempotent config version 1)", () => {
  it("is upgraded as it loads: two buyers' PO-1001 are both accepted, and the orders it accepted before are still known", async () => {
    const saved = shippedFlows("config.json", "order-intake.json").map((n) =>
      n.type === "idempotent" ? { ...n, configVersion: 1, keyProperties: "payload.orderNumber,payload.revision", earlierKeyProperties: undefined } : n,
    );
    const events = await intake.start(saved);
    const store = new SqliteStore(join(intake.dir, "upgraded.db"));
    await store.claim(SCOPE, "PO-1001/0", deriveMessageId(SCOPE, "PO-1001/0"), JSON.stringify(po(NORTH)), Date.now(), "north-1");
    await store.markDone(SCOPE, "PO-1001/0", Date.now());
    setHubStore(store);
    await send(po(NORTH), "north-2");
    await send(po(SOUTH), "south-1");
    const got = await published(events, 1);
    expect(got.map(summary)).toEqual([["order.accepted", "south-1", "C-SOUTH"]]);
    await store.close();
  });
});
