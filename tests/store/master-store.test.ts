import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../store";
import { customer, masterFixture } from "../fixtures/master/master-data";

let dir: string;
let store: SqliteStore;
const file = () => join(dir, "orderhub.db");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-master-store-"));
  store = new SqliteStore(file());
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (records: object[]) => records.map((r) => (r as { id: string }).id);

describe("master data in SQLite", () => {
  it("replaces a kind whole and reads it back, by key", async () => {
    await store.writeMaster([{ kind: "customers", mode: "replace", records: [customer("C-2"), customer("C-1")] }]);
    expect(ids((await store.readMaster()).records.customers)).toEqual(["C-1", "C-2"]);
    const [result] = await store.writeMaster([{ kind: "customers", mode: "replace", records: [customer("C-3")] }]);
    expect(result).toEqual({ kind: "customers", changed: 1, total: 1 });
    expect((await store.readMaster()).records.customers).toEqual([customer("C-3")]);
  });

  it("upserts by each kind's key and removes by it", async () => {
    await store.writeMaster([
      { kind: "customers", mode: "replace", records: [customer("C-1"), customer("C-2")] },
      { kind: "supply", mode: "replace", records: [{ sku: "A", warehouse: "W1", type: "on-hand", quantity: 5 }, { sku: "A", warehouse: "W1", type: "production", quantity: 9, date: "2026-12-01" }] },
    ]);
    const results = await store.writeMaster([
      { kind: "customers", mode: "upsert", records: [customer("C-2", { creditLimit: 99 }), customer("C-3")] },
      // the undated on-hand record is replaced; the production order on another date is one more
      { kind: "supply", mode: "upsert", records: [{ sku: "A", warehouse: "W1", type: "on-hand", quantity: 7 }, { sku: "A", warehouse: "W1", type: "production", quantity: 4, date: "2026-12-15" }] },
    ]);
    expect(results).toEqual([{ kind: "customers", changed: 2, total: 3 }, { kind: "supply", changed: 2, total: 3 }]);
    const stored = await store.readMaster();
    expect(stored.records.customers).toEqual([customer("C-1"), customer("C-2", { creditLimit: 99 }), customer("C-3")]);
    expect(stored.records.supply).toEqual([
      { sku: "A", warehouse: "W1", type: "on-hand", quantity: 7 },
      { sku: "A", warehouse: "W1", type: "production", quantity: 9, date: "2026-12-01" },
      { sku: "A", warehouse: "W1", type: "production", quantity: 4, date: "2026-12-15" },
    ]);
    const [removed] = await store.writeMaster([{ kind: "customers", mode: "delete", records: [{ id: "C-1" }, { id: "C-9" }] }]);
    expect(removed).toEqual({ kind: "customers", changed: 1, total: 2 });
  });

  it("keys reservations by order, SKU and warehouse, and open items by customer and document", async () => {
    const reservation = { sku: "FG-1000", warehouse: "WH-1", quantity: 5, date: "2026-12-01", order: "C-1/PO-1/0" };
    const invoice = { customer: "C-1", type: "invoice", document: "INV-1", amount: 100, dueDate: "2026-12-01" };
    await store.writeMaster([
      { kind: "reservations", mode: "upsert", records: [reservation, { ...reservation, order: "C-2/PO-1/0" }] },
      { kind: "openItems", mode: "upsert", records: [invoice, { ...invoice, customer: "C-2" }] },
    ]);
    const results = await store.writeMaster([
      { kind: "reservations", mode: "upsert", records: [{ ...reservation, quantity: 8, date: "2026-12-03" }] },
      { kind: "openItems", mode: "upsert", records: [{ ...invoice, amount: 40 }] },
    ]);
    expect(results.map((r) => r.total)).toEqual([2, 2]);
    const stored = await store.readMaster();
    expect(stored.records.reservations).toContainEqual({ ...reservation, quantity: 8, date: "2026-12-03" });
    expect(stored.records.openItems).toContainEqual({ ...invoice, amount: 40 });
  });

  it("applies a write whole or not at all", async () => {
    await store.writeMaster([{ kind: "customers", mode: "replace", records: [customer("C-1")] }]);
    // the replace runs, then the next part fails in the same transaction: the replace is undone with it
    await expect(
      store.writeMaster([
        { kind: "customers", mode: "replace", records: [customer("C-7"), customer("C-8")] },
        { kind: "ledgers" as "customers", mode: "replace", records: [] },
      ]),
    ).rejects.toThrow('store: no master data kind "ledgers"');
    // a record without its key is refused before anything is written
    await expect(store.writeMaster([{ kind: "customers", mode: "replace", records: [customer("C-9"), { name: "no id" }] }])).rejects.toThrow("store: customers[1] has no id");
    expect(ids((await store.readMaster()).records.customers)).toEqual(["C-1"]);
  });

  it("keeps the settings as given", async () => {
    expect((await store.readMaster()).settings).toBeNull();
    await store.writeMaster([{ kind: "settings", settings: { warehouseStrategy: "nearest" } }]);
    expect((await store.readMaster()).settings).toEqual({ warehouseStrategy: "nearest" });
  });

  it("has everything again after the store is opened again", async () => {
    const bundle = masterFixture();
    await store.writeMaster([
      ...(["customers", "items", "priceLists", "promotions", "warehouses", "supply", "reservations", "openItems"] as const).map((kind) => ({ kind, mode: "replace" as const, records: bundle[kind] })),
      { kind: "settings", settings: bundle.settings },
    ]);
    await store.close();
    store = new SqliteStore(file());
    const stored = await store.readMaster();
    expect(stored.settings).toEqual(bundle.settings);
    for (const kind of ["customers", "items", "priceLists", "promotions", "warehouses", "supply", "reservations", "openItems"] as const) {
      expect(stored.records[kind]).toHaveLength(bundle[kind].length);
      for (const record of bundle[kind]) expect(stored.records[kind]).toContainEqual(record);
    }
  });

  it("loads 10,000 customers and 50,000 items in one write, and reads them back after a restart", async () => {
    const customers = Array.from({ length: 10_000 }, (_, i) => customer(`C-${String(i).padStart(5, "0")}`, { salesReps: ["SR-1"], region: "DE-BW" }));
    const items = Array.from({ length: 50_000 }, (_, i) => ({ sku: `SKU-${String(i).padStart(6, "0")}`, name: `Item ${i}`, unit: "H87", productionMode: "MTS", leadTimeDays: 10, basePrice: 5, maxDiscountPercent: 10 }));
    const results = await store.writeMaster([
      { kind: "customers", mode: "replace", records: customers },
      { kind: "items", mode: "replace", records: items },
    ]);
    expect(results.map((r) => r.total)).toEqual([10_000, 50_000]);
    await store.close();
    store = new SqliteStore(file());
    const stored = await store.readMaster();
    expect(stored.records.customers).toHaveLength(10_000);
    expect(stored.records.items).toHaveLength(50_000);
    expect(stored.records.items[49_999]).toEqual(items[49_999]);
  });
});
