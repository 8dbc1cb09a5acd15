import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorIntercompany, placeIntercompanyOrder, type GroupCompany } from "../../runtime/settlement-returns";
import { SqliteStore } from "../../store";

/** Inter-company documents kept in the hub's real store: one per side however often the messages come. */
let dir: string;
let store: SqliteStore;
const companies: GroupCompany[] = [
  { id: "DE01", name: "Gears GmbH", currency: "EUR", erp: "http://erp-de/soap" },
  { id: "PL01", name: "Gears Polska", currency: "EUR", erp: "http://erp-pl/soap", transferPrices: [{ sku: "GH-100", price: 75, currency: "EUR" }] },
];
const order = { orderKey: "DE01/IC-1/0", orderNumber: "IC-1", buyer: "DE01", seller: "PL01", issueDate: "2026-03-01", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-intercompany-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  await store.settlement.putCompanies(companies);
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("an inter-company order in the store", () => {
  it("gives exactly one sales order on B's side and one purchase order on A's, though the order comes five times at once", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => placeIntercompanyOrder(store, { ...order })));
    expect(results.flatMap((r) => r.created)).toHaveLength(2);
    const links = await store.settlement.links(order.orderKey);
    expect(links.map((l) => [l.kind, l.side, l.body.company, l.body.amount])).toEqual([["sales-order", "seller", "PL01", 750], ["purchase-order", "buyer", "DE01", 750]]);
    expect(links[0].body.counterpart).toBe(links[1].document);
  });

  it("mirrors B's delivery and invoice and A's cancellation once each, repeats changing nothing", async () => {
    for (let i = 0; i < 3; i++) {
      await mirrorIntercompany(store, order.orderKey, { from: "seller", kind: "delivery", document: "SHP-PL-1", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] });
      await mirrorIntercompany(store, order.orderKey, { from: "seller", kind: "invoice", document: "INV-PL-1", amount: 750, lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] });
      await mirrorIntercompany(store, order.orderKey, { from: "buyer", kind: "cancel", document: "ORDCHG-1" });
    }
    const links = await store.settlement.links(order.orderKey);
    expect(links.map((l) => [l.kind, l.side, l.source])).toEqual([
      ["sales-order", "seller", "DE01/IC-1/0"],
      ["purchase-order", "buyer", "DE01/IC-1/0"],
      ["goods-receipt", "buyer", "SHP-PL-1"],
      ["supplier-invoice", "buyer", "INV-PL-1"],
      ["cancellation", "seller", "ORDCHG-1"],
    ]);
  });

  it("refuses a delivery from the buyer's side and an order not placed", async () => {
    await expect(mirrorIntercompany(store, order.orderKey, { from: "buyer", kind: "delivery", document: "X", lines: [] })).rejects.toThrow("intercompany order DE01/IC-1/0: a delivery comes from the seller's side (PL01)");
    await expect(mirrorIntercompany(store, "DE01/IC-404/0", { from: "seller", kind: "delivery", document: "X", lines: [] })).rejects.toThrow("intercompany order DE01/IC-404/0: not placed");
  });
});
