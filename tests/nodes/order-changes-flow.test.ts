import type { ConsumeMessage } from "amqplib";
import { describe, expect, it } from "vitest";
import approvalRequest from "../../nodes/approval-request/index";
import type { Customer, MasterData } from "../../domain/master/types";
import type { OrderDecidedEvent } from "../../domain/order/decided";
import type { Decision } from "../../domain/order/decision";
import { getMasterData } from "../../runtime/master-data";
import { getOrderBook, today } from "../../runtime/order-book";
import type { CancellationEvent } from "../../runtime/order-changes";
import { getHubStore } from "../../store";
import { masterFixture } from "../fixtures/master/master-data";
import { json } from "../support/amqp";
import { publicFixture } from "../support/fixtures";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { hubNodes, shippedFlows } from "../support/node-red";
import { decisionNodes, useStandInOa } from "../support/order-decisions";
import { until } from "../support/wait";

// Changes and cancellations through the shipped intake and decisions flows on RabbitMQ, against the demo
// manufacturer's master data (tests/fixtures/master/manufacturer.json). FG-1000 (gear housing type 1): 120 on hand in
// WH-WALLDORF, 70 of them reserved for C-NORTH/PO-1001/0, so 50 free today; class-A list price 12.50 (from 100:
// 11.90), floor 9.50, at most 8 % discount. The orders' customer is one of the test's own, class A with a credit line
// of 1,000.00 EUR and nothing open, so that the credit arithmetic does not depend on the day the test runs.
const hub = useIntakeFlow("orderhub-changes-flow");
const DECISIONS = "orderhub.orders.decisions";
const CHANGES = "orderhub.orders.changes";
const APPROVALS = "orderhub.approvals";
const BUYER = "C-CHANGES";
const ISSUED = "2026-06-15";

const oa = useStandInOa();

const manufacturer = (): MasterData => masterFixture();

const customer: Customer = {
  id: BUYER,
  name: "Wechselwerk GmbH",
  class: "A",
  currency: "EUR",
  creditLimit: 1000,
  paymentTermsDays: 30,
  graceDays: 5,
  blocked: false,
  salesReps: [],
  partialDelivery: "allowed",
  region: "DE-BW",
};

async function start(): Promise<string> {
  const tap = await hub.start(shippedFlows("config.json", "order-intake.json", "order-decisions.json"), [...hubNodes(), ...decisionNodes(), approvalRequest]);
  const master = manufacturer();
  await getMasterData().applyBundle({ ...master, customers: [...(master.customers ?? []), customer] }, "replace", "test");
  for (const queue of [DECISIONS, CHANGES, APPROVALS]) await hub.client.consumed(queue);
  return tap;
}

type Line = { quantity: number; unitPrice?: number };

/** An order (or with `purpose`, a change of it) of FG-1000 as the buyer's system sends it in JSON. */
function document(orderNumber: string, line: Line, extra: Record<string, unknown> = {}) {
  return {
    orderNumber,
    issueDate: ISSUED,
    currency: "EUR",
    buyer: { id: BUYER, name: customer.name },
    lines: [{ lineNumber: "1", sku: "FG-1000", quantity: line.quantity, unit: "H87", unitPrice: line.unitPrice ?? 12.5 }],
    ...extra,
  };
}

let sent = 0;
async function send(body: unknown, options: { messageId?: string; contentType?: string } = {}): Promise<void> {
  const payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  await hub.client.send(INBOUND, payload, { contentType: options.contentType ?? "application/json", messageId: options.messageId ?? `msg-${++sent}` });
  await hub.client.confirmed();
}

const keys = (ms: ConsumeMessage[]) => ms.map((m) => m.fields.routingKey).sort();
const only = (ms: ConsumeMessage[], key: string) => {
  const found = ms.filter((m) => m.fields.routingKey === key);
  expect(found, `one ${key} among ${keys(ms).join(", ")}`).toHaveLength(1);
  return json(found[0]) as unknown as OrderDecidedEvent;
};
const decision = (event: Pick<OrderDecidedEvent, "decisions">, rule: string): Decision => event.decisions.find((d) => d.rule === rule)!;

/** The order's reservations and open orders in the master data the rules read, by order key. */
function promised(orderNumber: string) {
  const master = getOrderBook().view();
  const reservations = [...(master.reservations.get("FG-1000")?.values() ?? [])].flat().filter((r) => r.order.startsWith(`${BUYER}/${orderNumber}/`));
  const openOrders = (master.openItems.get(BUYER) ?? []).filter((o) => o.type === "open-order" && o.document.startsWith(`${BUYER}/${orderNumber}/`));
  return {
    reservations: reservations.map((r) => ({ order: r.order, quantity: r.quantity })),
    openOrders: openOrders.map((o) => ({ document: o.document, amount: o.amount })),
  };
}

async function settled(): Promise<void> {
  for (const queue of [DECISIONS, CHANGES, APPROVALS]) await hub.client.drained(queue);
  expect(await hub.client.depth("orderhub.dlq")).toBe(0);
}

/** Sends an order and waits for it to be released. */
async function released(tap: string, orderNumber: string, line: Line): Promise<OrderDecidedEvent> {
  await send(document(orderNumber, line));
  const got = await hub.client.collect(tap, 2);
  expect(keys(got)).toEqual(["order.accepted", "order.released"]);
  return only(got, "order.released");
}

describe("changes and cancellations on RabbitMQ", () => {
  it("holds a change that no longer fits the credit line, keeps the released promise until a change is released", async () => {
    const tap = await start();
    const first = await released(tap, "SO-CREDIT", { quantity: 40 });
    expect(first.revision).toBe(0);
    expect(promised("SO-CREDIT")).toEqual({ reservations: [{ order: `${BUYER}/SO-CREDIT/0`, quantity: 40 }], openOrders: [{ document: `${BUYER}/SO-CREDIT/0`, amount: 500 }] });

    // 90 × 12.50 = 1,125.00 on a line of 1,000.00: held; revision 1 numbered at intake
    await send(document("SO-CREDIT", { quantity: 90 }, { purpose: "change" }));
    const got = await hub.client.collect(tap, 2);
    expect(keys(got)).toEqual(["order.changed", "order.held"]);
    const held = only(got, "order.held");
    expect(held).toMatchObject({ orderKey: `${BUYER}/SO-CREDIT/1`, revision: 1, outcome: "held" });
    expect(held.reasons[0]).toMatch(/^credit-check: .*limit/);
    expect(decision(held, "credit")).toMatchObject({ outcome: "hold", exposure: { thisOrder: 1125, openOrders: 0, limit: 1000 } });
    await settled();
    // the earlier promise stands
    expect(promised("SO-CREDIT")).toEqual({ reservations: [{ order: `${BUYER}/SO-CREDIT/0`, quantity: 40 }], openOrders: [{ document: `${BUYER}/SO-CREDIT/0`, amount: 500 }] });
    expect(await getHubStore().orders.orderState(`${BUYER}/SO-CREDIT`)).toMatchObject({ revision: 1, state: "held" });

    // 60 fits: released, and its promise replaces revision 0's
    await send(document("SO-CREDIT", { quantity: 60 }, { purpose: "change" }));
    const again = await hub.client.collect(tap, 2);
    expect(keys(again)).toEqual(["order.changed", "order.released"]);
    const ok = only(again, "order.released");
    expect(ok).toMatchObject({ orderKey: `${BUYER}/SO-CREDIT/2`, revision: 2 });
    await settled();
    const after = promised("SO-CREDIT");
    expect(after.openOrders).toEqual([{ document: `${BUYER}/SO-CREDIT/2`, amount: 750 }]);
    expect(after.reservations.every((r) => r.order === `${BUYER}/SO-CREDIT/2`)).toBe(true);
    expect(after.reservations.reduce((s, r) => s + r.quantity, 0)).toBe(60);
    // revision 1's credit hold went with it: no payment can let the outdated revision go any more
    expect(await getHubStore().orders.heldOrders({ customer: BUYER })).toEqual([]);
    expect(await getHubStore().orders.heldOrders({ customer: BUYER, status: "any" })).toEqual([
      expect.objectContaining({ orderKey: `${BUYER}/SO-CREDIT/1`, status: "released", releasedBy: "orderhub", comment: `superseded by ${BUYER}/SO-CREDIT/2` }),
    ]);
  });

  it("checks a price change again without running ATP again", async () => {
    const tap = await start();
    const first = await released(tap, "SO-PRICE", { quantity: 10 });
    const atp = decision(first, "atp");
    expect(atp.outcome).toBe("ok");
    await settled();
    // the stock is gone meanwhile: ATP run again would promise from the lead time, not from stock on hand
    await getMasterData().applyBundle({ supply: [{ sku: "FG-1000", warehouse: "WH-WALLDORF", type: "on-hand", quantity: 0 }] }, "upsert", "test");

    // 11.00 is 12 % off the list price of 12.50, more than the 8 % allowed: approval
    await send(document("SO-PRICE", { quantity: 10, unitPrice: 11 }, { purpose: "change" }));
    const got = await hub.client.collect(tap, 2);
    expect(keys(got)).toEqual(["order.changed", "order.needs-approval"]);
    const toApprove = only(got, "order.needs-approval");
    expect(toApprove).toMatchObject({ orderKey: `${BUYER}/SO-PRICE/1`, revision: 1 });
    expect(decision(toApprove, "price")).toMatchObject({ outcome: "approval", lines: [expect.objectContaining({ expected: 12.5, actual: 11 })] });
    expect(decision(toApprove, "atp")).toEqual(atp);
    await until("OA asked about the price change", () => oa.requested.includes(`${BUYER}/SO-PRICE/1`));
    await settled();
    const history = await getOrderBook().history({ orderKey: `${BUYER}/SO-PRICE/1` });
    expect(history.map((e) => `${e.rule}:${e.outcome}`)).toEqual(["audit:ok", "price:approval", "credit:ok", "atp:ok", "order:needs-approval"]);
    expect(history.find((e) => e.rule === "atp")!.reasons).toEqual(atp.reasons);

    // 12.45 is within the 0.5 % tolerance: released on the promise revision 0 had
    await send(document("SO-PRICE", { quantity: 10, unitPrice: 12.45 }, { purpose: "change" }));
    const again = await hub.client.collect(tap, 2);
    expect(keys(again)).toEqual(["order.changed", "order.released"]);
    const ok = only(again, "order.released");
    expect(ok).toMatchObject({ orderKey: `${BUYER}/SO-PRICE/2`, revision: 2 });
    expect(decision(ok, "price").outcome).toBe("ok");
    expect(decision(ok, "atp")).toEqual(atp);
    expect(ok.confirmations).toEqual(first.confirmations);
    await settled();
    expect(promised("SO-PRICE")).toEqual({ reservations: [{ order: `${BUYER}/SO-PRICE/2`, quantity: 10 }], openOrders: [{ document: `${BUYER}/SO-PRICE/2`, amount: 124.5 }] });
  });

  it("confirms a UBL OrderCancellation and gives its stock and credit to the next order", async () => {
    const tap = await start();
    // 50 × 12.50 = 625.00 takes the 50 free today and most of the credit line
    const first = await released(tap, "SO-CANCEL", { quantity: 50 });
    expect(first.confirmations).toEqual([expect.objectContaining({ sku: "FG-1000", quantity: 50, warehouse: "WH-WALLDORF", date: today(), source: "supply" })]);

    // the same again does not fit now: held for credit, and only the lead time could promise it
    await send(document("SO-NEXT-1", { quantity: 50 }));
    const before = await hub.client.collect(tap, 2);
    expect(keys(before)).toEqual(["order.accepted", "order.held"]);
    const held = only(before, "order.held");
    expect(decision(held, "credit")).toMatchObject({ outcome: "hold", exposure: { openOrders: 625, thisOrder: 625 } });
    expect((decision(held, "atp") as Decision & { lines: { confirmations: { source: string }[] }[] }).lines[0].confirmations.map((c) => c.source)).toEqual(["lead-time"]);
    await settled();

    // UBL's own OrderCancellation example, naming this order and this buyer
    const ubl = publicFixture("ubl-2.1/UBL-OrderCancellation-2.1-Example.xml")
      .toString("utf8")
      .replace("<cbc:ID>34</cbc:ID>", "<cbc:ID>SO-CANCEL</cbc:ID>")
      .replaceAll("PartyID123", BUYER);
    await send(ubl, { contentType: "application/xml" });
    const got = await hub.client.collect(tap, 2);
    expect(keys(got)).toEqual(["order.cancellation-confirmed", "order.cancelled"]);
    const confirmed = json(got.find((m) => m.fields.routingKey === "order.cancellation-confirmed")!) as unknown as CancellationEvent;
    expect(confirmed).toMatchObject({ orderKey: `${BUYER}/SO-CANCEL/1`, revision: 1, outcome: "cancelled" });
    expect(confirmed.released).toEqual({ reservations: [expect.objectContaining({ order: `${BUYER}/SO-CANCEL/0`, quantity: 50 })], openOrders: [`${BUYER}/SO-CANCEL/0`] });
    await settled();
    expect(promised("SO-CANCEL")).toEqual({ reservations: [], openOrders: [] });
    expect(await getHubStore().orders.orderState(`${BUYER}/SO-CANCEL`)).toMatchObject({ revision: 1, state: "cancelled" });

    // the next order gets the stock and the credit the cancellation freed
    const next = await released(tap, "SO-NEXT-2", { quantity: 50 });
    expect(next.confirmations).toEqual([expect.objectContaining({ sku: "FG-1000", quantity: 50, warehouse: "WH-WALLDORF", date: today(), source: "supply" })]);
    expect(decision(next, "credit")).toMatchObject({ outcome: "ok", exposure: { openOrders: 0, thisOrder: 625 } });
    await settled();
  });

  it("cancels by JSON purpose cancel and releases the order's reservations", async () => {
    const tap = await start();
    await released(tap, "SO-JCANCEL", { quantity: 20 });
    await settled();
    await send({ orderNumber: "SO-JCANCEL", issueDate: ISSUED, buyer: { id: BUYER }, purpose: "cancel" });
    const got = await hub.client.collect(tap, 2);
    expect(keys(got)).toEqual(["order.cancellation-confirmed", "order.cancelled"]);
    await settled();
    expect(promised("SO-JCANCEL")).toEqual({ reservations: [], openOrders: [] });

    // a change that comes after the cancellation brings nothing back
    await send(document("SO-JCANCEL", { quantity: 30 }, { purpose: "change" }));
    const late = await hub.client.collect(tap, 2);
    expect(keys(late)).toEqual(["order.changed", "order.rejected"]);
    const rejected = only(late, "order.rejected");
    expect(rejected).toMatchObject({ orderKey: `${BUYER}/SO-JCANCEL/2`, revision: 2 });
    expect(rejected.reasons).toEqual([expect.stringMatching(/^order-audit: order SO-JCANCEL was cancelled in revision 1/)]);
    await settled();
    expect(promised("SO-JCANCEL")).toEqual({ reservations: [], openOrders: [] });
  });

  it("sends a change after the order was picked to approval", async () => {
    const tap = await start();
    await released(tap, "SO-PICKED", { quantity: 10 });
    await settled();
    hub.client.ch.publish("orderhub.events", "order.picked", Buffer.from(JSON.stringify({ event: "order.picked", buyer: BUYER, orderNumber: "SO-PICKED" })), { persistent: true, contentType: "application/json", messageId: "wms-pick-1" });
    await hub.client.confirmed();
    expect(keys(await hub.client.collect(tap, 1))).toEqual(["order.picked"]);
    await until("the order to be marked picked", async () => (await getHubStore().orders.orderState(`${BUYER}/SO-PICKED`))?.pickedAt !== undefined);

    await send(document("SO-PICKED", { quantity: 8 }, { purpose: "change" }));
    const got = await hub.client.collect(tap, 2);
    expect(keys(got)).toEqual(["order.changed", "order.needs-approval"]);
    const toApprove = only(got, "order.needs-approval");
    expect(toApprove).toMatchObject({ orderKey: `${BUYER}/SO-PICKED/1`, revision: 1 });
    expect(decision(toApprove, "audit").outcome).toBe("approval");
    expect(decision(toApprove, "audit").reasons[0]).toMatch(/picked on .*; a change after picking needs approval/);
    expect(toApprove.reasons[0]).toMatch(/picked on/);
    await until("OA asked about the change after picking", () => oa.requested.includes(`${BUYER}/SO-PICKED/1`));
    await settled();
    // needs approval: the picked promise stands
    expect(promised("SO-PICKED").openOrders).toEqual([{ document: `${BUYER}/SO-PICKED/0`, amount: 125 }]);
  });

  it("decides a change document sent twice, and its order.changed redelivered, once", async () => {
    const tap = await start();
    await released(tap, "SO-TWICE", { quantity: 10 });
    await settled();
    const change = document("SO-TWICE", { quantity: 12 }, { purpose: "change", source: { system: "erp", documentId: "CHG-0001" } });
    // the buyer's system sends the same change document twice, as two messages
    await send(change, { messageId: "chg-a" });
    await send(change, { messageId: "chg-b" });
    const got = await hub.client.collect(tap, 2);
    expect(keys(got)).toEqual(["order.changed", "order.released"]);
    const changed = got.find((m) => m.fields.routingKey === "order.changed")!;
    expect(json(changed)).toMatchObject({ revision: 1, purpose: "change" });
    await settled();

    // the intake re-sends its order.changed after a crash: the same event under the same id
    hub.client.ch.publish("orderhub.events", "order.changed", changed.content, { persistent: true, contentType: "application/json", messageId: changed.properties.messageId as string });
    await hub.client.confirmed();
    expect(keys(await hub.client.collect(tap, 1))).toEqual(["order.changed"]);
    await settled();
    const decided = (await getOrderBook().history({ orderKey: `${BUYER}/SO-TWICE/1` })).filter((e) => e.rule === "order");
    expect(decided).toHaveLength(1);
    expect(promised("SO-TWICE").reservations).toEqual([{ order: `${BUYER}/SO-TWICE/1`, quantity: 12 }]);
    expect(getOrderBook().pending.size).toBe(0);
  });
});
