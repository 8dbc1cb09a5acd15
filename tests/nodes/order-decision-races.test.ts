import { afterEach, describe, expect, it } from "vitest";
import type { Reservation } from "../../domain/master/types";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import type { OrderDecidedEvent } from "../../domain/order/decided";
import type { ApprovalDesk } from "../../runtime/approval-desk";
import { receivePayment } from "../../runtime/credit-release";
import { getMasterData } from "../../runtime/master-data";
import { getOrderBook, today } from "../../runtime/order-book";
import { decideCancellation } from "../../runtime/order-changes";
import { getHubStore } from "../../store";
import { approvalIdOf } from "../../store/approvals";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { deskOrder, useStandInOa } from "../support/order-decisions";
import { day, decisionFlows, jsonOrder, routingKeys, scarceMaster, startDesk } from "../support/decision-desk";
import { until } from "../support/wait";

// Decisions that race one another, through the shipped intake and decisions flows on RabbitMQ and the hub's approval
// desk: a cancellation and a payment that would release the same held order; many orders, changes and approvals for
// a scarce item at once. GH-100: `onHand` in WH-A now, 100 more on a purchase order due in 20 days.
const hub = useIntakeFlow("orderhub-decision-races");
const oa = useStandInOa();
let desk: ApprovalDesk | undefined;

afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

const QUEUES = ["orderhub.orders.decisions", "orderhub.orders.changes", "orderhub.approvals", "orderhub.payments"];

async function start(onHand: number): Promise<string> {
  const { flow, nodes } = decisionFlows();
  const tap = await hub.start(flow, nodes);
  await getMasterData().applyBundle(scarceMaster(onHand), "replace", "test");
  for (const queue of QUEUES) await hub.client.consumed(queue);
  desk = startDesk(hub.client);
  return tap;
}

let sent = 0;
function send(body: unknown): void {
  void hub.client.send(INBOUND, JSON.stringify(body), { contentType: "application/json", messageId: `race-${++sent}` });
}

async function settled(): Promise<void> {
  for (const queue of [INBOUND, ...QUEUES]) await hub.client.drained(queue);
  await until("the order book's pending entries applied", () => getOrderBook().pending.size === 0);
  expect(await hub.client.depth("orderhub.dlq")).toBe(0);
}

const stored = async () => (await getHubStore().readMaster()).records.reservations as Reservation[];
const ofOrder = (rs: readonly Reservation[], orderNumber: string) => rs.filter((r) => r.order.startsWith(`C-CASH/${orderNumber}/`));
const cancellationOf = (orderNumber: string): CanonicalOrder => ({ ...deskOrder(orderNumber, "C-CASH"), revision: 1, purpose: "cancel" }) as CanonicalOrder;

describe("a cancellation racing a payment for the same held order", () => {
  /** An order of C-CASH (cash in advance), held for credit by the flow. */
  async function heldOrder(tap: string, orderNumber: string): Promise<void> {
    send(jsonOrder(orderNumber, "C-CASH", 10));
    await hub.client.confirmed();
    expect(routingKeys(await hub.client.collect(tap, 2))).toEqual(["order.accepted", "order.held"]);
    await settled();
  }

  it.each([
    // the cancellation decided, then the payment releases the order, then the cancellation is recorded
    { name: "released, then cancelled: the release's reservations go", first: "payment" as const, released: true },
    // the cancellation recorded first: the payment finds no hold to let go
    { name: "cancelled, never released", first: "cancellation" as const, released: false },
  ])("$name", async ({ first, released }) => {
    const tap = await start(50);
    const orderNumber = `RC-${first}`;
    await heldOrder(tap, orderNumber);
    const book = getOrderBook();
    const cancel = decideCancellation(book, cancellationOf(orderNumber), today());
    const pay = () => receivePayment(book, { payment: `PAY-${first}`, customer: "C-CASH", amount: 5000 });
    let events: OrderDecidedEvent[];
    if (first === "payment") {
      events = await pay();
      expect(ofOrder(book.view().reservations.get("GH-100")?.get("WH-A") ?? [], orderNumber)).toHaveLength(1);
      await book.record(cancel as unknown as OrderDecidedEvent, `cancel-${orderNumber}`);
    } else {
      await book.record(cancel as unknown as OrderDecidedEvent, `cancel-${orderNumber}`);
      events = await pay();
    }
    expect(events.map((e) => e.orderKey)).toEqual(released ? [`C-CASH/${orderNumber}/0`] : []);
    const history = await book.history({ orderNumber, buyer: "C-CASH" });
    expect(history.filter((e) => e.rule === "order").map((e) => `${e.orderKey} ${e.outcome}`)).toEqual([
      `C-CASH/${orderNumber}/0 held`,
      ...(released ? [`C-CASH/${orderNumber}/0 released`] : []),
      `C-CASH/${orderNumber}/1 cancelled`,
    ]);
    expect(await getHubStore().orders.orderState(`C-CASH/${orderNumber}`)).toMatchObject({ revision: 1, state: "cancelled" });
    const [hold] = await getHubStore().orders.heldOrders({ orderNumber, buyer: "C-CASH", status: "any" });
    expect(hold).toMatchObject(released ? { status: "released", payment: `PAY-${first}` } : { status: "released", releasedBy: "orderhub", comment: `cancelled by C-CASH/${orderNumber}/1` });
    await until("the order book's pending entries applied", () => book.pending.size === 0);
    expect(ofOrder(await stored(), orderNumber)).toEqual([]);
    expect(ofOrder([...(book.view().reservations.get("GH-100")?.values() ?? [])].flat(), orderNumber)).toEqual([]);
    expect((book.view().openItems.get("C-CASH") ?? []).filter((o) => o.type === "open-order")).toEqual([]);
  });

  it("ends with one outcome and no reservation when the payment comes while the cancellation is being recorded", async () => {
    const tap = await start(50);
    const numbers = ["RC-A", "RC-B", "RC-C"];
    for (const n of numbers) await heldOrder(tap, n);
    const book = getOrderBook();
    const orders = getHubStore().orders;
    const read = orders.heldOrders.bind(orders);
    // the payment arrives just as the first cancellation has read the order's credit holds, before it writes
    let payment: Promise<OrderDecidedEvent[]> | undefined;
    orders.heldOrders = async (query) => {
      const rows = await read(query);
      if (!payment && query.orderNumber !== undefined) {
        payment = receivePayment(book, { payment: "PAY-ALL", customer: "C-CASH", amount: 50_000 });
        // the payment's whole turn, unless it has to wait for the cancellation's
        await Promise.race([payment, new Promise((r) => setTimeout(r, 500))]);
      }
      return rows;
    };
    try {
      for (const n of numbers) await book.record(decideCancellation(book, cancellationOf(n), today()) as unknown as OrderDecidedEvent, `cancel-${n}`);
      const events = await payment!;
      for (const n of numbers) {
        const outcomes = (await book.history({ orderNumber: n, buyer: "C-CASH" })).filter((e) => e.rule === "order").map((e) => e.outcome);
        expect(outcomes).toEqual(events.some((e) => e.orderNumber === n) ? ["held", "released", "cancelled"] : ["held", "cancelled"]);
        expect(await getHubStore().orders.orderState(`C-CASH/${n}`)).toMatchObject({ revision: 1, state: "cancelled" });
      }
    } finally {
      orders.heldOrders = read;
    }
    await until("the order book's pending entries applied", () => book.pending.size === 0);
    expect((await stored()).filter((r) => r.order.startsWith("C-CASH/"))).toEqual([]);
    expect((book.view().openItems.get("C-CASH") ?? []).filter((o) => o.type === "open-order")).toEqual([]);
  });
});

describe("many decisions for a scarce item at once", () => {
  it("never confirms more from supply than is free: orders, changes and approvals together", async () => {
    const tap = await start(50);
    // five orders whose discount needs approval, each confirmed 10 on evaluation, none of it reserved yet
    for (let i = 1; i <= 5; i++) send(jsonOrder(`RS-APR-${i}`, "C-GOOD", 10, { unitPrice: 90 }));
    // three released orders of 2, to be changed to 6 each
    for (let i = 1; i <= 3; i++) send(jsonOrder(`RS-CHG-${i}`, "C-GOOD", 2));
    await hub.client.confirmed();
    const first = await hub.client.collect(tap, 16);
    expect(routingKeys(first).filter((k) => k === "order.needs-approval")).toHaveLength(5);
    for (let i = 1; i <= 5; i++) await until(`OA asked about RS-APR-${i}`, () => oa.requested.includes(`C-GOOD/RS-APR-${i}/0`));
    await settled();

    // at once: 20 new orders of 5 and the three changes; then, all at once, the five approvals of orders whose
    // confirmations were made before any of these
    for (let i = 1; i <= 20; i++) send(jsonOrder(`RS-NEW-${i}`, "C-GOOD", 5));
    for (let i = 1; i <= 3; i++) send(jsonOrder(`RS-CHG-${i}`, "C-GOOD", 6, { purpose: "change" }));
    await hub.client.confirmed();
    const got = await hub.client.collect(tap, 20 * 2 + 3 * 2);
    await settled();
    const approvals = Array.from({ length: 5 }, (_, i) => desk!.decide(approvalIdOf(`C-GOOD/RS-APR-${i + 1}/0`), "approve", "erin", null));
    expect((await Promise.all(approvals)).map((a) => a.kind)).toEqual(Array(5).fill("decided"));
    got.push(...(await hub.client.collect(tap, 5)));
    await settled();

    const released = got.filter((m) => m.fields.routingKey === "order.released").map((m) => json(m) as OrderDecidedEvent);
    expect(released).toHaveLength(28);
    const beforeReceipt = (date: string) => date.slice(0, 10) < day(20);
    const confirmedEarly = released.flatMap((e) => e.confirmations ?? []).filter((c) => beforeReceipt(c.date)).reduce((s, c) => s + c.quantity, 0);
    const reservedEarly = (await stored()).filter((r) => beforeReceipt(r.date)).reduce((s, r) => s + r.quantity, 0);
    // what the three changes' earlier revisions held is gone with their release
    expect((await stored()).filter((r) => /RS-CHG-\d\/0$/.test(r.order))).toEqual([]);
    expect(confirmedEarly).toBeLessThanOrEqual(50);
    // the approvals came last: none of them is promised anything before the receipt that others were promised
    expect(released.filter((e) => e.orderKey.includes("RS-APR")).flatMap((e) => e.confirmations ?? []).filter((c) => beforeReceipt(c.date))).toEqual([]);
    // a reservation holds at least what was confirmed (an order promised on two dates is reserved on the earlier one)
    expect(reservedEarly).toBeGreaterThanOrEqual(confirmedEarly);
  });
});
