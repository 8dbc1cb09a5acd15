import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrderDecidedEvent } from "../../domain/order/decided";
import { completeOutbox } from "../../nodes/shared/outbox";
import { releaseByController, releaseMessageId } from "../../runtime/credit-release";
import { getMasterData } from "../../runtime/master-data";
import { getOrderBook, today } from "../../runtime/order-book";
import { SqliteStore, setHubStore } from "../../store";
import { helper, hubNodes, loadFlow, whereItGoes } from "../support/node-red";
import { decisionNodes, deskMaster, deskOrder } from "../support/order-decisions";
import { until } from "../support/wait";

const IGNORED = "event,outcome,at,reasons,reason,amount,confirmations,decisions,release,order";

const flow = [
  { id: "t", type: "tab", label: "credit release" },
  { id: "decide", type: "order-evaluate", configVersion: 1, z: "t", evaluationDate: "now", wires: [["outcome"]] },
  { id: "outcome", type: "order-outcome", configVersion: 1, z: "t", wires: [["once"]] },
  { id: "once", type: "idempotent", configVersion: 2, z: "t", scope: "order.decided", keyProperties: "payload.orderKey", earlierKeyProperties: "", retentionDays: 30, ignoreProperties: IGNORED, wires: [["record"], ["record"], []] },
  { id: "record", type: "order-record", configVersion: 1, z: "t", wires: [["decided"], []] },
  { id: "decided", type: "helper", z: "t" },
  { id: "pay", type: "credit-release", configVersion: 1, z: "t", wires: [["release-once"], ["nothing"]] },
  { id: "release-once", type: "idempotent", configVersion: 2, z: "t", scope: "order.credit-released", keyProperties: "payload.orderKey", earlierKeyProperties: "", retentionDays: 30, ignoreProperties: IGNORED, wires: [["released"], ["repeat"], []] },
  { id: "released", type: "helper", z: "t" },
  { id: "repeat", type: "helper", z: "t" },
  { id: "nothing", type: "helper", z: "t" },
];

interface Out {
  topic: string;
  payload: OrderDecidedEvent;
  messageId: string;
  released?: string[];
  _outbox?: { scope: string; key: string; claim?: number };
}

let dir: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-credit-release-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  setHubStore(store);
  await getMasterData().applyBundle(deskMaster(), "replace", "test");
  await loadFlow(flow, [...hubNodes(), ...decisionNodes()]);
});

afterEach(async () => {
  await helper.unload();
  setHubStore(undefined);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function hold(...numbers: string[]): Promise<void> {
  for (const n of numbers) {
    const { msg } = await whereItGoes<Out>("decide", ["decided"], { payload: deskOrder(n, "C-CASH") }, (m) => m.payload.orderNumber === n);
    expect(msg.topic).toBe("order.held");
    await completeOutbox(msg._outbox!);
  }
}

type Listening = { on(e: string, f: (m: Out) => void): void; removeAllListeners(e: string): void };

/**
 * A payment.received into credit-release: the release events it published (each confirmed, as amqp-out would), or
 * "nothing" when it released nothing. The releases of a payment given again go to the idempotent node's repeat output.
 */
async function pay(body: Record<string, unknown>, messageId: string): Promise<Out[] | "nothing" | Error> {
  const published: Out[] = [];
  let repeats = 0;
  const released = helper.getNode("released") as unknown as Listening;
  const repeat = helper.getNode("repeat") as unknown as Listening;
  released.on("input", (m) => published.push(m));
  repeat.on("input", () => repeats++);
  try {
    const { port, error } = await whereItGoes<Out>("pay", ["released", "repeat", "nothing"], { payload: body, messageId }, () => true);
    if (error) return error;
    if (port === "nothing") return "nothing";
    const record = await store.orders.paymentRecord(String(body.payment ?? messageId));
    await until("every release of the payment out of the idempotent node", () => published.length + repeats >= record!.releases.length);
    for (const m of published) await completeOutbox(m._outbox!);
    return published;
  } finally {
    released.removeAllListeners("input");
    repeat.removeAllListeners("input");
  }
}

describe("credit-release on payment.received", () => {
  it("lets go the held orders that now fit, oldest first, and passes over the rest", async () => {
    await hold("H-1", "H-2", "H-3");
    const events = await pay({ customer: "C-CASH", amount: 2500, payment: "PAY-1" }, "m-pay-1");
    expect(events).not.toBeInstanceOf(Error);
    const released = events as Out[];
    expect(released.map((m) => [m.topic, m.payload.orderKey, m.messageId])).toEqual([
      ["order.released", "C-CASH/H-1/0", releaseMessageId("C-CASH/H-1/0")],
      ["order.released", "C-CASH/H-2/0", releaseMessageId("C-CASH/H-2/0")],
    ]);
    expect(released[0].payload.release).toEqual({ at: today(), payment: "PAY-1" });
    expect(released[0].payload.confirmations).toHaveLength(1);
    expect(released[0].payload.decisions.find((d) => d.rule === "credit")?.reasons).toEqual([
      "credit-check: released on payment PAY-1 of 2,500.00 EUR: the order now fits customer C-CASH's credit line",
    ]);
    expect((await store.orders.heldOrders({ customer: "C-CASH" })).map((h) => h.orderKey)).toEqual(["C-CASH/H-3/0"]);
    // 2,500.00 on account, 2,000.00 of it now open orders
    const items = getMasterData().current().openItems.get("C-CASH")!;
    expect(items.map((i) => [i.type, i.document, i.amount])).toEqual([
      ["invoice", "PAY-1", -2500],
      ["open-order", "C-CASH/H-1/0", 1000],
      ["open-order", "C-CASH/H-2/0", 1000],
    ]);
    const history = await getOrderBook().history({ orderNumber: "H-1" });
    expect(history.filter((e) => e.event === releaseMessageId("C-CASH/H-1/0")).map((e) => [e.rule, e.outcome])).toEqual([["credit", "ok"], ["atp", "ok"], ["order", "released"]]);
  });

  it("applies a payment once: the same payment again lowers nothing and releases nothing more", async () => {
    await hold("H-4", "H-5");
    expect(await pay({ customer: "C-CASH", amount: 1000, payment: "PAY-2" }, "m-pay-2")).toHaveLength(1);
    const again = await pay({ customer: "C-CASH", amount: 1000, payment: "PAY-2" }, "m-pay-2");
    // the release it made is given again and recognised as sent: nothing new on the first output
    expect(again).toEqual([]);
    expect((await store.orders.heldOrders({ customer: "C-CASH" })).map((h) => h.orderKey)).toEqual(["C-CASH/H-5/0"]);
    expect(getMasterData().current().openItems.get("C-CASH")!.filter((i) => i.type === "invoice")).toEqual([{ customer: "C-CASH", type: "invoice", document: "PAY-2", amount: -1000 }]);
    expect(await pay({ customer: "C-CASH", amount: 400, payment: "PAY-3" }, "m-pay-3")).toBe("nothing");
    expect(await pay({ customer: "C-CASH", amount: 600, payment: "PAY-4" }, "m-pay-4")).toHaveLength(1);
  });

  it("refuses a payment it cannot apply, naming why", async () => {
    const unknown = await pay({ customer: "C-NOBODY", amount: 100, payment: "PAY-5" }, "m-pay-5");
    expect((unknown as Error).message).toMatch(/payment PAY-5: customer C-NOBODY is not in the customer master/);
    const bad = await pay({ customer: "C-CASH", amount: "lots" }, "m-pay-6");
    expect((bad as Error).message).toBe('credit-release: amount must be a positive number (is "lots")');
  });
});

describe("a credit controller's release", () => {
  it("lets one held order go, says who and why, and only once", async () => {
    await hold("H-6");
    const book = getOrderBook();
    expect(await releaseByController(book, { orderNumber: "H-404", by: "anna", comment: "x" })).toEqual({ kind: "unknown" });
    const released = await releaseByController(book, { orderNumber: "H-6", by: "anna.berg", comment: "customer paid by phone" });
    expect(released.kind).toBe("released");
    const event = (released as { event: OrderDecidedEvent }).event;
    expect(event).toMatchObject({ event: "order.released", orderKey: "C-CASH/H-6/0", release: { by: "anna.berg", comment: "customer paid by phone" } });
    const credit = (await book.history({ orderKey: "C-CASH/H-6/0" })).find((e) => e.rule === "credit" && e.by);
    expect(credit).toMatchObject({ by: "anna.berg", comment: "customer paid by phone", reasons: ["credit-check: released by anna.berg: customer paid by phone"] });
    const again = await releaseByController(book, { orderNumber: "H-6", by: "bob", comment: "again" });
    expect(again).toMatchObject({ kind: "not-held", row: { orderKey: "C-CASH/H-6/0", releasedBy: "anna.berg" } });
  });

  it("asks for the buyer when two buyers' held orders share the number", async () => {
    await getMasterData().upsert("customers", [{ ...deskMaster().customers[1], id: "C-CASH-2" }], "test");
    await hold("H-7");
    const { msg } = await whereItGoes<Out>("decide", ["decided"], { payload: deskOrder("H-7", "C-CASH-2") }, (m) => m.payload.buyer === "C-CASH-2");
    await completeOutbox(msg._outbox!);
    const book = getOrderBook();
    expect(await releaseByController(book, { orderNumber: "H-7", by: "anna", comment: "ok" })).toEqual({ kind: "ambiguous", buyers: ["C-CASH", "C-CASH-2"] });
    expect(await releaseByController(book, { orderNumber: "H-7", buyer: "C-CASH-2", by: "anna", comment: "ok" })).toMatchObject({ kind: "released", event: { orderKey: "C-CASH-2/H-7/0" } });
  });
});
