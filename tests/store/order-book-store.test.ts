import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../store";
import type { DecisionEntry, HeldOrderRecord } from "../../store/order-types";

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-order-book-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const held = (orderKey: string, heldAt: number): HeldOrderRecord => {
  const [buyer, orderNumber, revision] = orderKey.split("/");
  return { orderKey, orderNumber, buyer, revision: Number(revision), customer: buyer, amount: 1000, currency: "EUR", heldAt, at: "2026-05-04", event: "{}" };
};

const entry = (orderKey: string, event: string, rule: string): DecisionEntry => ({
  orderKey,
  orderNumber: orderKey.split("/")[1],
  buyer: orderKey.split("/")[0],
  revision: 0,
  event,
  rule,
  outcome: "ok",
  at: "2026-05-04",
  reasons: [`${rule}: fine`],
  recordedAt: 1,
});

const reservation = (order: string) => ({ sku: "GH-100", warehouse: "WH-A", quantity: 5, date: "2026-05-04", order });

describe("the order book's tables", () => {
  it("record an entry once per order, event and rule, and give an order's history by key or by number and buyer", async () => {
    const write = { decisions: [entry("C-1/PO-1/0", "e1", "audit"), entry("C-1/PO-1/0", "e1", "order"), entry("C-2/PO-1/0", "e2", "order")] };
    await store.orders.writeOrderBook(write);
    await store.orders.writeOrderBook(write);
    expect((await store.orders.orderHistory({ orderKey: "C-1/PO-1/0" })).map((e) => e.rule)).toEqual(["audit", "order"]);
    expect(await store.orders.orderHistory({ orderNumber: "PO-1" })).toHaveLength(3);
    expect((await store.orders.orderHistory({ orderNumber: "PO-1", buyer: "C-2" }))[0]).toEqual(entry("C-2/PO-1/0", "e2", "order"));
  });

  it("keep held orders oldest first and release each once: a second release writes nothing, its master data neither", async () => {
    await store.orders.writeOrderBook({ held: [held("C-1/PO-2/0", 20), held("C-1/PO-1/0", 10)] });
    expect((await store.orders.heldOrders({ customer: "C-1" })).map((h) => h.orderKey)).toEqual(["C-1/PO-1/0", "C-1/PO-2/0"]);
    const release = { orderKey: "C-1/PO-1/0", releasedAt: 30, by: "anna", comment: "paid", event: '{"event":"order.released"}' };
    const first = await store.orders.writeOrderBook({ releases: [release], master: [{ kind: "reservations", mode: "upsert", records: [reservation("C-1/PO-1/0")] }] });
    expect(first).toEqual({ outcome: "done" });
    const second = await store.orders.writeOrderBook({
      releases: [{ ...release, by: "bob" }],
      decisions: [entry("C-1/PO-1/0", "e3", "credit")],
      master: [{ kind: "reservations", mode: "upsert", records: [reservation("C-1/PO-9/0")] }],
    });
    expect(second).toEqual({ outcome: "not-held", orders: ["C-1/PO-1/0"] });
    expect((await store.readMaster()).records.reservations).toEqual([reservation("C-1/PO-1/0")]);
    expect(await store.orders.orderHistory({ orderKey: "C-1/PO-1/0" })).toEqual([]);
    const [row] = await store.orders.heldOrders({ orderKey: "C-1/PO-1/0", status: "any" });
    expect(row).toMatchObject({ status: "released", releasedBy: "anna", comment: "paid", releasedAt: 30, releaseEvent: '{"event":"order.released"}' });
  });

  it("apply a payment once: the second time it is known and nothing of its write is applied", async () => {
    await store.orders.writeOrderBook({ held: [held("C-1/PO-3/0", 10)] });
    const payment = { payment: "PAY-1", customer: "C-1", amount: 1000, appliedAt: 40, releases: ["C-1/PO-3/0"] };
    const write = { payment, releases: [{ orderKey: "C-1/PO-3/0", releasedAt: 40, payment: "PAY-1", event: "{}" }] };
    expect(await store.orders.writeOrderBook(write)).toEqual({ outcome: "done" });
    expect(await store.orders.writeOrderBook({ ...write, master: [{ kind: "reservations", mode: "upsert", records: [reservation("C-1/PO-3/0")] }] })).toEqual({ outcome: "payment-known" });
    expect(await store.orders.paymentRecord("PAY-1")).toEqual(payment);
    expect(await store.orders.paymentRecord("PAY-2")).toBeUndefined();
    expect((await store.readMaster()).records.reservations).toEqual([]);
    expect((await store.orders.heldOrders({ payment: "PAY-1", status: "released" })).map((h) => h.orderKey)).toEqual(["C-1/PO-3/0"]);
  });
});

describe("the decision an order revision stands under now", () => {
  const decided = (orderKey: string, outcome: string) => {
    const cut = orderKey.lastIndexOf("/");
    const event = JSON.stringify({ event: `order.${outcome}`, orderKey, outcome });
    return { revision: { orderRef: orderKey.slice(0, cut), revision: Number(orderKey.slice(cut + 1)), purpose: "order" as const, order: "{}", event, state: outcome as never, recordedAt: 1 } };
  };
  it.each([
    ["released at once: its own decision", "C-1/PO-1/0", "released", false, "released"],
    ["held for credit, still held: the hold", "C-1/PO-2/0", "held", false, "held"],
    ["held for credit, let go by a payment since: the release", "C-1/PO-3/0", "held", true, "released"],
    ["rejected: its own decision", "C-1/PO-4/0", "rejected", false, "rejected"],
  ])("%s", async (_case, orderKey, outcome, letGo, inForce) => {
    await store.orders.writeOrderBook({ ...decided(orderKey, outcome), ...(outcome === "held" ? { held: [held(orderKey, 10)] } : {}) });
    if (letGo) await store.orders.writeOrderBook({ releases: [{ orderKey, releasedAt: 20, payment: "PAY-1", event: JSON.stringify({ event: "order.released", orderKey, outcome: "released" }) }] });
    expect(JSON.parse((await store.orders.decisionInForce(orderKey))!).outcome).toBe(inForce);
    // the revision's own record stays as decided
    expect((await store.orders.orderState(orderKey.slice(0, -2)))!.revisions[0].event).toContain(`"outcome":"${outcome}"`);
  });

  it("knows none for a revision the hub never decided", async () => {
    await store.orders.writeOrderBook(decided("C-1/PO-5/0", "released"));
    expect(await store.orders.decisionInForce("C-1/PO-5/1")).toBeUndefined();
    expect(await store.orders.decisionInForce("C-9/PO-404/0")).toBeUndefined();
  });
});
