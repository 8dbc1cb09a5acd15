import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorIntercompany, placeIntercompanyOrder } from "../../runtime/intercompany";
import { MasterDataService } from "../../runtime/master-data";
import { SqliteStore } from "../../store";
import { MIGRATIONS } from "../../store/sqlite-schema";

/** Inter-company documents kept in the hub's real store: one per side however often the messages come. */
let dir: string;
let store: SqliteStore;
let master: MasterDataService;
const group = {
  companies: [
    { id: "DE01", name: "Gears GmbH", currency: "EUR", erp: "http://erp-de/soap" },
    { id: "PL01", name: "Gears Polska", currency: "EUR", erp: "http://erp-pl/soap" },
  ],
  transferPrices: [{ sku: "GH-100", from: "PL01", price: 75, currency: "EUR" }],
};
const order = { orderKey: "DE01/IC-1/0", orderNumber: "IC-1", buyer: "DE01", seller: "PL01", issueDate: "2026-03-01", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-intercompany-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  master = new MasterDataService(store);
  await master.applyBundle(group, "upsert", "test");
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("an inter-company order in the store", () => {
  it("gives exactly one sales order on B's side and one purchase order on A's, though the order comes five times at once", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => placeIntercompanyOrder(store, master, { ...order })));
    expect(results.flatMap((r) => r.created)).toHaveLength(2);
    const links = await store.settlement.links(order.orderKey);
    expect(links.map((l) => [l.kind, l.side, l.body.company, l.body.amount])).toEqual([["sales-order", "seller", "PL01", 750], ["purchase-order", "buyer", "DE01", 750]]);
    expect(links[0].body.counterpart).toBe(links[1].document);
  });

  it("mirrors B's delivery and invoice and A's cancellation once each, repeats changing nothing", async () => {
    for (let i = 0; i < 3; i++) {
      await mirrorIntercompany(store, master, order.orderKey, { from: "seller", kind: "delivery", document: "SHP-PL-1", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] });
      await mirrorIntercompany(store, master, order.orderKey, { from: "seller", kind: "invoice", document: "INV-PL-1", amount: 750, lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] });
      await mirrorIntercompany(store, master, order.orderKey, { from: "buyer", kind: "cancel", document: "ORDCHG-1" });
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
    await expect(mirrorIntercompany(store, master, order.orderKey, { from: "buyer", kind: "delivery", document: "X", lines: [] })).rejects.toThrow("intercompany order DE01/IC-1/0: a delivery comes from the seller's side (PL01)");
    await expect(mirrorIntercompany(store, master, "DE01/IC-404/0", { from: "seller", kind: "delivery", document: "X", lines: [] })).rejects.toThrow("intercompany order DE01/IC-404/0: not placed");
  });
});

describe("a store file from before the group was master data", () => {
  it("moves the companies and the prices each sold at into master data, the price for any buyer kept as such", async () => {
    const old = mkdtempSync(join(tmpdir(), "orderhub-intercompany-old-"));
    const file = join(old, "orderhub.db");
    const db = new Database(file);
    MIGRATIONS.slice(0, 13).forEach((sql) => db.exec(sql));
    db.pragma("user_version = 13");
    const insert = db.prepare("INSERT INTO intercompany_companies (id, record) VALUES (?, ?)");
    insert.run("DE01", JSON.stringify({ id: "DE01", name: "Gears GmbH", currency: "EUR", erp: "http://erp-de/soap" }));
    insert.run("PL01", JSON.stringify({ id: "PL01", name: "Gears Polska", currency: "EUR", erp: "http://erp-pl/soap", transferPrices: [{ sku: "GH-100", price: 75, currency: "EUR" }, { sku: "SH-200", price: 20, currency: "EUR", to: "DE01" }] }));
    db.close();
    const reopened = new SqliteStore(file);
    try {
      const data = new MasterDataService(reopened);
      await data.ready();
      expect(data.records("companies")).toEqual([
        { id: "DE01", name: "Gears GmbH", currency: "EUR", erp: "http://erp-de/soap" },
        { id: "PL01", name: "Gears Polska", currency: "EUR", erp: "http://erp-pl/soap" },
      ]);
      expect(data.records("transferPrices")).toEqual([
        { sku: "GH-100", price: 75, currency: "EUR", from: "PL01" },
        { sku: "SH-200", price: 20, currency: "EUR", to: "DE01", from: "PL01" },
      ]);
      // and an order is priced from them
      const placed = await placeIntercompanyOrder(reopened, data, { ...order, orderKey: "DE01/IC-OLD/0", orderNumber: "IC-OLD" });
      expect(placed.links.map((l) => l.body.amount)).toEqual([750, 750]);
    } finally {
      await reopened.close();
      rmSync(old, { recursive: true, force: true });
    }
  });
});
