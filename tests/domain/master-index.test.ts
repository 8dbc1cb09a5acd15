import { describe, expect, it } from "vitest";
import { indexMasterData, reindexGroups, reindexMasterData, type IndexedKind } from "../../domain/master/master-index";
import { DEFAULT_SETTINGS, type MasterData } from "../../domain/master/types";
import { addDays, daysBetween, isIsoDay } from "../../domain/order/dates";
import { formatMoney, formatPrice, toMinor } from "../../domain/order/money";
import { baseMaster, customer, item } from "./order-desk";

describe("the master index", () => {
  it("finds customers by id and items by SKU; of two records under one key the later wins", () => {
    const index = indexMasterData({ customers: [customer({ name: "old" }), customer({ name: "new" })], items: [item("GH-100"), item("SH-200")] });
    expect(index.customers.get("C-1001")?.name).toBe("new");
    expect([...index.items.keys()]).toEqual(["GH-100", "SH-200"]);
  });

  it("keeps price lists by customer, by class and general, newest first, with their breaks lowest first", () => {
    const data: MasterData = {
      priceLists: [
        { id: "GEN-2025", currency: "CNY", validFrom: "2025-01-01", prices: [] },
        { id: "GEN-2026", currency: "CNY", validFrom: "2026-01-01", prices: [{ sku: "GH-100", minQuantity: 100, unitPrice: 90 }, { sku: "GH-100", minQuantity: 1, unitPrice: 100 }] },
        { id: "A-2026", customerClass: "A", currency: "CNY", validFrom: "2026-01-01", prices: [] },
        { id: "C-2026", customer: "C-1001", currency: "CNY", validFrom: "2026-01-01", prices: [] },
        { id: "C-Q4", customer: "C-1001", currency: "CNY", validFrom: "2026-10-01", prices: [] },
      ],
    };
    const { priceLists } = indexMasterData(data);
    expect(priceLists.general.map((l) => l.list.id)).toEqual(["GEN-2026", "GEN-2025"]);
    expect(priceLists.byClass.get("A")?.map((l) => l.list.id)).toEqual(["A-2026"]);
    expect(priceLists.byCustomer.get("C-1001")?.map((l) => l.list.id)).toEqual(["C-Q4", "C-2026"]);
    expect(priceLists.general[0].breaks.get("GH-100")?.map((b) => b.minQuantity)).toEqual([1, 100]);
  });

  it("keeps supply and reservations by SKU and warehouse in date order, and open items by customer, earliest due first", () => {
    const index = indexMasterData({
      supply: [
        { sku: "GH-100", warehouse: "W1", type: "purchase-order", quantity: 5, date: "2026-12-10" },
        { sku: "GH-100", warehouse: "W1", type: "on-hand", quantity: 7 },
        { sku: "GH-100", warehouse: "W2", type: "in-transit", quantity: 3, date: "2026-12-01" },
      ],
      reservations: [
        { sku: "GH-100", warehouse: "W1", quantity: 2, date: "2026-12-05", order: "X/2/0" },
        { sku: "GH-100", warehouse: "W1", quantity: 1, date: "2026-12-01", order: "X/1/0" },
      ],
      openItems: [
        { customer: "C-1001", type: "open-order", document: "SO-1", amount: 10 },
        { customer: "C-1001", type: "invoice", document: "INV-2", amount: 10, dueDate: "2026-12-01" },
        { customer: "C-1001", type: "invoice", document: "INV-1", amount: 10, dueDate: "2026-11-01" },
      ],
    });
    expect(index.supply.get("GH-100")?.get("W1")?.map((s) => s.type)).toEqual(["on-hand", "purchase-order"]);
    expect(index.supply.get("GH-100")?.get("W2")).toHaveLength(1);
    expect(index.reservations.get("GH-100")?.get("W1")?.map((r) => r.order)).toEqual(["X/1/0", "X/2/0"]);
    expect(index.openItems.get("C-1001")?.map((o) => o.document)).toEqual(["INV-1", "INV-2", "SO-1"]);
  });

  it("orders warehouses by priority (1 first), then id", () => {
    const index = indexMasterData({ warehouses: [{ id: "WH-B", priority: 2 }, { id: "WH-C", priority: 1 }, { id: "WH-A", priority: 2 }] });
    expect(index.warehouses.map((w) => w.id)).toEqual(["WH-C", "WH-A", "WH-B"]);
  });

  it("fills in the settings a master file leaves out", () => {
    expect(indexMasterData({}).settings).toEqual({
      atpInclude: ["on-hand", "in-transit", "quality", "purchase-order", "production"],
      priceTolerancePercent: 0.5,
      warehouseStrategy: "priority",
    });
    expect(indexMasterData({ settings: { warehouseStrategy: "nearest" } }).settings).toEqual({ ...DEFAULT_SETTINGS, warehouseStrategy: "nearest" });
    expect(indexMasterData({ settings: { atpInclude: [] } }).settings.atpInclude).toEqual([]);
  });

  it("indexes 10,000 customers and 50,000 items with their prices and stock in well under a second", () => {
    const base = baseMaster();
    const skus = Array.from({ length: 50_000 }, (_, i) => `SKU-${i}`);
    const data: MasterData = {
      ...base,
      customers: Array.from({ length: 10_000 }, (_, i) => customer({ id: `C-${i}`, class: `K${i % 7}` })),
      items: skus.map((sku) => item(sku)),
      priceLists: [
        { id: "GEN", currency: "CNY", validFrom: "2026-01-01", prices: skus.flatMap((sku) => [{ sku, minQuantity: 1, unitPrice: 10 }, { sku, minQuantity: 100, unitPrice: 9 }]) },
        ...Array.from({ length: 7 }, (_, k) => ({ id: `K${k}`, customerClass: `K${k}`, currency: "CNY", validFrom: "2026-01-01", prices: skus.slice(0, 5_000).map((sku) => ({ sku, minQuantity: 1, unitPrice: 9.5 })) })),
      ],
      warehouses: Array.from({ length: 5 }, (_, i) => ({ id: `W${i}`, priority: i + 1 })),
      supply: skus.flatMap((sku, i) => [{ sku, warehouse: `W${i % 5}`, type: "on-hand" as const, quantity: 10 }, { sku, warehouse: `W${(i + 1) % 5}`, type: "purchase-order" as const, quantity: 5, date: "2026-12-01" }]),
      openItems: Array.from({ length: 20_000 }, (_, i) => ({ customer: `C-${i % 10_000}`, type: "invoice" as const, document: `INV-${i}`, amount: 100, dueDate: "2026-12-01" })),
    };
    const started = performance.now();
    const index = indexMasterData(data);
    const took = performance.now() - started;
    expect(index.customers.size).toBe(10_000);
    expect(index.items.size).toBe(50_000);
    expect(took).toBeLessThan(1_500);
  });
});

describe("amounts and days as the rules count them", () => {
  it.each<[number, string, number, string]>([
    [115_000, "CNY", 11_500_000, "115,000.00 CNY"],
    [1.005, "EUR", 101, "1.01 EUR"],
    [-1.005, "EUR", -101, "-1.01 EUR"],
    [0.1 + 0.2, "EUR", 30, "0.30 EUR"],
    [1234.5, "JPY", 1235, "1,235 JPY"],
    [12.3456, "KWD", 12346, "12.346 KWD"],
    [999_999_999.99, "USD", 99_999_999_999, "999,999,999.99 USD"],
  ])("%d %s is %d minor units, printed %s", (amount, currency, minor, printed) => {
    expect(toMinor(amount, currency)).toBe(minor);
    expect(formatMoney(minor, currency)).toBe(printed);
  });

  it("prints unit prices with the decimals they have", () => {
    expect([formatPrice(50, "CNY"), formatPrice(50.3125, "CNY"), formatPrice(1250.5, "EUR"), formatPrice(300, "JPY")]).toEqual(["50.00 CNY", "50.3125 CNY", "1,250.50 EUR", "300 JPY"]);
  });

  it("counts days across months and leap years", () => {
    expect([addDays("2026-11-20", 30), addDays("2028-02-28", 1), addDays("2026-12-31T10:00:00Z", 1)]).toEqual(["2026-12-20", "2028-02-29", "2027-01-01"]);
    expect(daysBetween("2026-11-01", "2026-11-20")).toBe(19);
    expect([isIsoDay("2026-11-20"), isIsoDay("2026-11-20T08:00:00Z"), isIsoDay("2026-02-30"), isIsoDay("20.11.2026")]).toEqual([true, true, false, false]);
  });
});

describe("the master index after a change to some kinds", () => {
  const changes: Array<[string, (m: Required<MasterData>) => void]> = [
    ["a release writes reservations and open items", (m) => {
      m.reservations.push({ sku: m.items[0].sku, warehouse: m.warehouses[0].id, quantity: 7, date: "2026-11-25", order: "C-1001/SO-9/0" });
      m.openItems.push({ customer: "C-1001", type: "open-order", document: "SO-9", amount: 700 });
    }],
    ["a price list changes", (m) => void m.priceLists.splice(0, 1)],
    ["the settings change", (m) => void (m.settings = { ...m.settings, warehouseStrategy: "fewest-splits" })],
    ["every kind changes", (m) => {
      m.customers.push(customer({ id: "C-9", name: "new" }));
      m.items.push(item("NEW-1"));
      m.warehouses.reverse();
      m.supply.pop();
      m.promotions.length = 0;
    }],
  ];

  it.each(changes)("is the index built afresh when %s", (_what, change) => {
    const before = baseMaster();
    const after = baseMaster();
    change(after);
    const kinds = new Set(Object.keys(after).filter((k) => JSON.stringify((before as never)[k]) !== JSON.stringify((after as never)[k]))) as Set<IndexedKind>;
    expect(reindexMasterData(indexMasterData(before), after, kinds)).toEqual(indexMasterData(after));
  });

  it("takes the unchanged parts over as they are", () => {
    const data = baseMaster();
    const index = indexMasterData(data);
    const next = reindexMasterData(index, { ...data, reservations: [] }, new Set(["reservations"]));
    expect(next.items).toBe(index.items);
    expect(next.priceLists).toBe(index.priceLists);
    expect(next.reservations).not.toBe(index.reservations);
  });
});

describe("the master index after a release's upserts", () => {
  it("is the index built afresh, indexing again only the SKUs and customers the upserts name", () => {
    const before = baseMaster();
    const after = baseMaster();
    const sku = after.items[0].sku;
    after.reservations.push({ sku, warehouse: after.warehouses[0].id, quantity: 3, date: "2026-11-21", order: "C-1001/SO-10/0" });
    after.openItems.push({ customer: "C-1001", type: "open-order", document: "SO-10", amount: 300 });
    const index = indexMasterData(before);
    const next = reindexGroups(index, after, { reservationSkus: new Set([sku]), openItemCustomers: new Set(["C-1001"]) });
    expect(next).toEqual(indexMasterData(after));
    expect(next.items).toBe(index.items);
  });

  it("drops a SKU whose last reservation was deleted", () => {
    const before = baseMaster();
    const sku = "ONLY-1";
    before.reservations.push({ sku, warehouse: before.warehouses[0].id, quantity: 1, date: "2026-11-21", order: "C-1001/SO-11/0" });
    const after = baseMaster();
    expect(reindexGroups(indexMasterData(before), after, { reservationSkus: new Set([sku]) })).toEqual(indexMasterData(after));
  });
});
