import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { atpDecisionOf, confirmationsOf, type OrderDecidedEvent } from "../../domain/order/decided";
import { completeOutbox, deriveMessageId } from "../../nodes/shared/outbox";
import { getMasterData } from "../../runtime/master-data";
import { getOrderBook } from "../../runtime/order-book";
import { SqliteStore, setHubStore } from "../../store";
import { helper, hubNodes, loadFlow, whereItGoes } from "../support/node-red";
import { decisionNodes, deskMaster, deskOrder } from "../support/order-decisions";

const AT = "2026-05-04";
const IGNORED = "event,outcome,at,reasons,reason,amount,confirmations,decisions,release,order";

/** The decisions chain as the shipped flow has it, between helper nodes instead of the broker. */
function chain(evaluate: "four" | "one"): Array<Record<string, unknown>> {
  const rules =
    evaluate === "four"
      ? [
          { id: "audit", type: "order-audit", configVersion: 1, z: "t", evaluationDate: "msg", wires: [["price"]] },
          { id: "price", type: "price-check", configVersion: 1, z: "t", evaluationDate: "msg", wires: [["credit"]] },
          { id: "credit", type: "credit-check", configVersion: 1, z: "t", evaluationDate: "msg", wires: [["atp"]] },
          { id: "atp", type: "atp-check", configVersion: 1, z: "t", evaluationDate: "msg", wires: [["outcome"]] },
        ]
      : [{ id: "audit", type: "order-evaluate", configVersion: 1, z: "t", evaluationDate: "msg", wires: [["outcome"]] }];
  return [
    { id: "t", type: "tab", label: "decisions" },
    ...rules,
    { id: "outcome", type: "order-outcome", configVersion: 1, z: "t", wires: [["once"]] },
    { id: "once", type: "idempotent", configVersion: 2, z: "t", scope: "order.decided", keyProperties: "payload.orderKey", earlierKeyProperties: "", retentionDays: 30, ignoreProperties: IGNORED, wires: [["record"], ["record"], []] },
    { id: "record", type: "order-record", configVersion: 1, z: "t", wires: [["published"], ["repeated"]] },
    { id: "published", type: "helper", z: "t" },
    { id: "repeated", type: "helper", z: "t" },
  ];
}

interface Out {
  topic: string;
  payload: OrderDecidedEvent;
  messageId: string;
  decisions: Array<{ rule: string; outcome: string }>;
  _outbox?: { scope: string; key: string; claim?: number };
}

let dir: string;
let store: SqliteStore;

async function start(evaluate: "four" | "one" = "four", stock?: number, directDelivery = true): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), "orderhub-decisions-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  setHubStore(store);
  await getMasterData().applyBundle(deskMaster(stock), "replace", "test");
  await loadFlow(chain(evaluate), [...hubNodes(), ...decisionNodes()], { directDelivery });
}

/** Sends an order into the chain; resolves with where it came out. As amqp-out would, confirms what was published. */
async function decide(order: ReturnType<typeof deskOrder>): Promise<{ port: string; msg: Out; error?: Error }> {
  const mine = (m: Out) => m.payload?.orderNumber === order.orderNumber;
  const result = await whereItGoes<Out>("audit", ["published", "repeated"], { payload: order, evaluationDate: AT }, mine);
  if (result.port === "published" && result.msg._outbox) await completeOutbox(result.msg._outbox);
  return result;
}

afterEach(async () => {
  await helper.unload();
  setHubStore(undefined);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the order decision nodes in a flow", () => {
  beforeEach(() => start("four", 50));

  it("release an order in good standing with what ATP confirmed, record every decision, and reserve the stock for the next order", async () => {
    const first = await decide(deskOrder("PO-1", "C-GOOD", { quantity: 30 }));
    expect(first.port).toBe("published");
    expect(first.msg.topic).toBe("order.released");
    expect(first.msg.messageId).toBe(deriveMessageId("order.decided", "C-GOOD/PO-1/0"));
    expect(first.msg.decisions.map((d) => [d.rule, d.outcome])).toEqual([["audit", "ok"], ["price", "ok"], ["credit", "ok"], ["atp", "ok"]]);
    expect(first.msg.payload).toMatchObject({ event: "order.released", orderKey: "C-GOOD/PO-1/0", outcome: "released", at: AT });
    expect(first.msg.payload.confirmations).toEqual([{ lineNumber: "1", sku: "GH-100", quantity: 30, date: AT, warehouse: "WH-A", source: "supply" }]);

    const second = await decide(deskOrder("PO-2", "C-GOOD", { quantity: 30 }));
    expect(second.msg.payload.confirmations).toEqual([
      { lineNumber: "1", sku: "GH-100", quantity: 20, date: AT, warehouse: "WH-A", source: "supply" },
      { lineNumber: "1", sku: "GH-100", quantity: 10, date: "2026-05-14", warehouse: "WH-A", source: "lead-time" },
    ]);

    const reservations = (await store.readMaster()).records.reservations;
    expect(reservations).toContainEqual({ sku: "GH-100", warehouse: "WH-A", quantity: 30, date: AT, order: "C-GOOD/PO-1/0" });
    expect(getMasterData().current().openItems.get("C-GOOD")).toEqual([
      { customer: "C-GOOD", type: "open-order", document: "C-GOOD/PO-1/0", amount: 3000 },
      { customer: "C-GOOD", type: "open-order", document: "C-GOOD/PO-2/0", amount: 3000 },
    ]);
    const history = await getOrderBook().history({ orderNumber: "PO-1" });
    expect(history.map((e) => [e.rule, e.outcome, e.at])).toEqual([["audit", "ok", AT], ["price", "ok", AT], ["credit", "ok", AT], ["atp", "ok", AT], ["order", "released", AT]]);
    expect(getOrderBook().pending.size).toBe(0);
  });

  it("hold an order over the credit line and keep it, with its customer and amount, for a payment or a credit controller", async () => {
    const { msg } = await decide(deskOrder("PO-3", "C-CASH"));
    expect(msg.topic).toBe("order.held");
    expect(msg.payload.reasons[0]).toMatch(/^credit-check: customer C-CASH pays in advance \(credit limit 0\): exposure 1,000.00 EUR/);
    expect(msg.payload.confirmations).toBeUndefined();
    const [held] = await store.orders.heldOrders({ customer: "C-CASH" });
    expect(held).toMatchObject({ orderKey: "C-CASH/PO-3/0", customer: "C-CASH", amount: 1000, currency: "EUR", status: "held", at: AT });
    expect((await store.readMaster()).records.reservations).toEqual([]);
  });

  it.each([
    ["an unknown customer", deskOrder("PO-4", "C-NOBODY"), "order.rejected", /^order-audit: customer C-NOBODY is not in the customer master/],
    ["a blocked customer", deskOrder("PO-5", "C-BLOCKED"), "order.rejected", /^credit-check: customer C-BLOCKED is blocked/],
    ["a discount nobody allowed", deskOrder("PO-6", "C-GOOD", { unitPrice: 90 }), "order.needs-approval", /^price-check: line 1 \(GH-100\): unit price 90.00 EUR is 10% below the list price 100.00 EUR \(list GEN\), beyond the 0.5% tolerance/],
  ])("announce %s with the reasons", async (_case, order, topic, reason) => {
    const { msg } = await decide(order);
    expect(msg.topic).toBe(topic);
    expect(msg.payload.reasons[0]).toMatch(reason);
    if (topic === "order.rejected") expect(msg.payload.reason).toBe(msg.payload.reasons.join("; "));
  });

  it("decide an order once: its repeat records nothing and takes back what it counted", async () => {
    const order = deskOrder("PO-7", "C-GOOD");
    expect((await decide(order)).port).toBe("published");
    const again = await decide(order);
    expect(again.port).toBe("repeated");
    expect(getOrderBook().pending.size).toBe(0);
    expect((await getOrderBook().history({ orderNumber: "PO-7" })).filter((e) => e.rule === "order")).toHaveLength(1);
  });

  it("fail a message that holds no order, naming what is wrong", async () => {
    const { port, error } = await whereItGoes<Out>("audit", ["published"], { payload: { hello: "world" }, evaluationDate: AT }, () => true);
    expect(port).toBe("error");
    expect(error?.message).toBe("order-audit: msg.payload must be a canonical order (as order-normalize makes it): it has no orderNumber");
    const late = await whereItGoes<Out>("audit", ["published"], { payload: deskOrder("PO-8", "C-GOOD") }, () => true);
    expect(late.error?.message).toMatch(/^order-audit: msg.evaluationDate must be an ISO 8601 date .*; it is missing$/);
  });
});

describe("an approval's outcome, as the approval desk records it", () => {
  beforeEach(() => start("four", 50));

  it("reserves an approved order as a release does, and records the approver's word, once", async () => {
    const { msg } = await decide(deskOrder("PO-10", "C-GOOD", { unitPrice: 90, quantity: 20 }));
    expect(msg.topic).toBe("order.needs-approval");
    const approved = {
      ...msg.payload,
      event: "order.released",
      outcome: "released",
      confirmations: confirmationsOf(atpDecisionOf(msg.payload.decisions)),
      approval: { decidedBy: "sales-director", comment: "strategic customer" },
    };
    const book = getOrderBook();
    await book.recordApproval(approved, "order.released:apr-1");
    await book.recordApproval(approved, "order.released:apr-1");
    expect((await store.readMaster()).records.reservations).toEqual([{ sku: "GH-100", warehouse: "WH-A", quantity: 20, date: AT, order: "C-GOOD/PO-10/0" }]);
    const history = (await book.history({ orderKey: "C-GOOD/PO-10/0" })).filter((e) => e.event === "order.released:apr-1");
    expect(history.map((e) => [e.rule, e.outcome, e.reasons[0]])).toEqual([
      ["approval", "ok", "approved by sales-director: strategic customer"],
      ["order", "released", msg.payload.reasons[0]],
    ]);
    // the next order is promised what is left
    const next = await decide(deskOrder("PO-11", "C-GOOD", { quantity: 30 }));
    expect(next.msg.payload.confirmations!.filter((c) => c.source === "supply")).toEqual([expect.objectContaining({ quantity: 30 })]);
    const last = await decide(deskOrder("PO-12", "C-GOOD", { quantity: 10 }));
    expect(last.msg.payload.confirmations).toEqual([expect.objectContaining({ quantity: 10, source: "lead-time" })]);
  });
});

describe("order-evaluate in place of the four rule nodes", () => {
  beforeEach(() => start("one"));

  it("gives the same four decisions and the same event", async () => {
    const { msg } = await decide(deskOrder("PO-9", "C-GOOD", { unitPrice: 90 }));
    expect(msg.decisions.map((d) => [d.rule, d.outcome])).toEqual([["audit", "ok"], ["price", "approval"], ["credit", "ok"], ["atp", "ok"]]);
    expect(msg.topic).toBe("order.needs-approval");
  });
});

describe("orders that pass one another on the way", () => {
  beforeEach(() => start("four", 50, false));

  it("are never promised the same stock: a decision made before another order's release is made again", async () => {
    const orders = ["PO-A", "PO-B", "PO-C"].map((n) => deskOrder(n, "C-GOOD", { quantity: 30 }));
    const results = await Promise.all(orders.map((o) => decide(o)));
    const fromStock = results.flatMap((r) => r.msg.payload.confirmations!.filter((c) => c.source === "supply"));
    expect(fromStock.reduce((sum, c) => sum + c.quantity, 0)).toBe(50);
    const reservations = (await store.readMaster()).records.reservations as Array<{ quantity: number; order: string }>;
    expect(reservations.map((r) => [r.order, r.quantity]).sort()).toEqual([["C-GOOD/PO-A/0", 30], ["C-GOOD/PO-B/0", 30], ["C-GOOD/PO-C/0", 30]]);
  });
});
