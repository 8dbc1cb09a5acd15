import type { ConsumeMessage } from "amqplib";
import { describe, expect, it } from "vitest";
import approvalRequest from "../../nodes/approval-request/index";
import type { OrderDecidedEvent } from "../../domain/order/decided";
import { releaseMessageId } from "../../runtime/credit-release";
import { getMasterData } from "../../runtime/master-data";
import { getOrderBook } from "../../runtime/order-book";
import { getHubStore } from "../../store";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { hubNodes, shippedFlows } from "../support/node-red";
import { decisionNodes, deskMaster, deskOrder, useStandInOa } from "../support/order-decisions";
import { until } from "../support/wait";

const hub = useIntakeFlow("orderhub-decisions-flow");
const DECISIONS = "orderhub.orders.decisions";
const PAYMENTS = "orderhub.payments";
const APPROVALS = "orderhub.approvals";

const oa = useStandInOa();

/** The shipped intake and decisions flows on this file's vhost, with the order desk's master data loaded. */
async function start(): Promise<string> {
  const tap = await hub.start(shippedFlows("config.json", "order-intake.json", "order-decisions.json"), [...hubNodes(), ...decisionNodes(), approvalRequest]);
  await getMasterData().applyBundle(deskMaster(), "replace", "test");
  for (const queue of [DECISIONS, PAYMENTS, APPROVALS]) await hub.client.consumed(queue);
  return tap;
}

/** Order i of the run: every fifth a cash-in-advance customer's (held), then a discount to approve, a rejection, two releases. */
function orderOf(i: number) {
  const n = `SO-${String(i).padStart(4, "0")}`;
  switch (i % 5) {
    case 0:
      return { order: deskOrder(n, "C-CASH"), outcome: "order.held" };
    case 1:
      return { order: deskOrder(n, "C-GOOD", { unitPrice: 90 }), outcome: "order.needs-approval" };
    case 2:
      return { order: deskOrder(n, i % 2 ? "C-NOBODY" : "C-BLOCKED"), outcome: "order.rejected" };
    default:
      return { order: deskOrder(n, "C-GOOD"), outcome: "order.released" };
  }
}

const byKey = (messages: ConsumeMessage[]) => {
  const groups = new Map<string, ConsumeMessage[]>();
  for (const m of messages) groups.set(m.fields.routingKey, [...(groups.get(m.fields.routingKey) ?? []), m]);
  return groups;
};

async function publishPayment(body: unknown, messageId: string): Promise<void> {
  hub.client.ch.publish("orderhub.events", "payment.received", Buffer.from(JSON.stringify(body)), { persistent: true, contentType: "application/json", messageId });
  await hub.client.confirmed();
}

describe("intake and decisions on RabbitMQ", () => {
  it("decides 300 orders once each, and a payment releases the held ones that fit exactly once", async () => {
    const tap = await start();
    const count = 300;
    const expected = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      const { order, outcome } = orderOf(i);
      expected.set(`${order.buyer.id}/${order.orderNumber}/0`, outcome);
      await hub.client.send(INBOUND, JSON.stringify(order), { contentType: "application/json", messageId: `in-${i}` });
    }
    await hub.client.confirmed();

    const got = byKey(await hub.client.collect(tap, 2 * count, 15_000));
    expect(got.get("order.accepted")).toHaveLength(count);
    const decided = [...got].filter(([key]) => key !== "order.accepted").flatMap(([, ms]) => ms);
    expect(decided).toHaveLength(count);
    const outcomes = new Map(decided.map((m) => [json(m).orderKey as string, m.fields.routingKey]));
    expect(outcomes).toEqual(expected);
    expect(new Set(decided.map((m) => m.properties.messageId)).size).toBe(count);
    for (const m of got.get("order.released")!) expect(json(m).confirmations).toEqual([expect.objectContaining({ sku: "GH-100", quantity: 10, warehouse: "WH-A" })]);
    await hub.client.drained(DECISIONS);
    // the orders that need approval went on to OA, each once
    const toApprove = [...expected].filter(([, outcome]) => outcome === "order.needs-approval").map(([key]) => key);
    await until("OA asked about every order that needs approval", () => oa.requested.length >= toApprove.length);
    await hub.client.drained(APPROVALS);
    expect(oa.requested.sort()).toEqual(toApprove.sort());
    expect(await hub.client.depth("orderhub.dlq")).toBe(0);

    // 60 orders of 1,000.00 EUR wait for C-CASH's money; 25,000.00 makes room for the 25 held first
    const held = await getHubStore().orders.heldOrders({ customer: "C-CASH" });
    expect(held).toHaveLength(60);
    await publishPayment({ customer: "C-CASH", amount: 25_000, invoice: undefined, payment: "PAY-2026-0001" }, "finance-1");
    const released = await hub.client.collect(tap, 25, 15_000);
    expect(released.map((m) => m.fields.routingKey)).toEqual(Array(25).fill("order.released"));
    const releasedKeys = released.map((m) => (json(m) as OrderDecidedEvent).orderKey);
    expect(new Set(releasedKeys)).toEqual(new Set(held.slice(0, 25).map((h) => h.orderKey)));
    expect(released.map((m) => m.properties.messageId)).toEqual(releasedKeys.map(releaseMessageId));
    expect((json(released[0]) as OrderDecidedEvent).release).toMatchObject({ payment: "PAY-2026-0001" });
    await hub.client.drained(PAYMENTS);

    // the same payment again (finance sent it twice): applied once, nothing released twice
    await publishPayment({ customer: "C-CASH", amount: 25_000, payment: "PAY-2026-0001" }, "finance-2");
    expect(await hub.client.collect(tap, 0)).toEqual([]);
    await hub.client.drained(PAYMENTS);
    expect(await getHubStore().orders.heldOrders({ customer: "C-CASH" })).toHaveLength(35);
    expect(getMasterData().current().openItems.get("C-CASH")!.filter((i) => i.type === "open-order")).toHaveLength(25);
    expect(getOrderBook().pending.size).toBe(0);
    expect(await hub.client.depth("orderhub.dlq")).toBe(0);
  });

  it("decides a redelivered order.accepted once", async () => {
    const tap = await start();
    const order = deskOrder("SO-AGAIN", "C-GOOD");
    const accepted = { persistent: true, contentType: "application/json", messageId: "accepted-again" };
    // what the intake would re-send after a crash: the same event under the same id, twice
    hub.client.ch.publish("orderhub.events", "order.accepted", Buffer.from(JSON.stringify(order)), accepted);
    await hub.client.confirmed();
    const first = await hub.client.collect(tap, 2);
    hub.client.ch.publish("orderhub.events", "order.accepted", Buffer.from(JSON.stringify(order)), accepted);
    await hub.client.confirmed();
    const second = await hub.client.collect(tap, 1);
    expect([...first, ...second].map((m) => m.fields.routingKey).sort()).toEqual(["order.accepted", "order.accepted", "order.released"]);
    await hub.client.drained(DECISIONS);
    expect((await getOrderBook().history({ orderNumber: "SO-AGAIN" })).filter((e) => e.rule === "order")).toHaveLength(1);
  });
});
