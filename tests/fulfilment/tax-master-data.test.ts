import { describe, expect, it } from "vitest";
import { lineTaxCategory, taxCategories } from "../../domain/fulfilment/tax";
import { validateMasterBundle, validateMasterSettings } from "../../mappings/master-data";
import { customer } from "./books";

describe("tax categories in the master data", () => {
  it("are taken on items, customers and in the settings, and a bad one is refused naming it", () => {
    const bundle = validateMasterBundle({
      customers: [customer("C-AT", { taxCategory: "K" })],
      items: [{ sku: "BAR-1", name: "cereal bar", unit: "H87", productionMode: "MTS", leadTimeDays: 5, taxCategory: "AA" }],
      settings: { taxCategories: [{ id: "AA", percent: 5 }] },
    });
    expect(bundle.customers?.[0].taxCategory).toBe("K");
    expect(bundle.items?.[0].taxCategory).toBe("AA");
    expect(() => validateMasterSettings({ taxCategories: [{ id: "AA", percent: 120 }] })).toThrow(/taxCategories/);
    expect(() => validateMasterSettings({ taxCategories: [{ id: "reduced", percent: 7 }] })).toThrow(/taxCategories/);
  });

  it.each<[string, string | undefined, string | undefined, string, number]>([
    ["an item without a category is standard-rated", undefined, undefined, "S", 19],
    ["an item's reduced rate", "AA", undefined, "AA", 7],
    ["a customer taxed unlike the items (reverse charge) wins over the item's", "AA", "AE", "AE", 0],
    ["an export customer", undefined, "G", "G", 0],
  ])("%s", (_case, itemCategory, customerCategory, id, percent) => {
    const item = { sku: "X", name: "x", unit: "H87", productionMode: "MTS" as const, leadTimeDays: 1, ...(itemCategory ? { taxCategory: itemCategory } : {}) };
    const c = customer("C", customerCategory ? { taxCategory: customerCategory } : {});
    expect(lineTaxCategory("X", item, c, taxCategories())).toMatchObject({ id, percent });
  });

  it("settings replace a default rate by id and add categories of their own", () => {
    const categories = taxCategories({ taxCategories: [{ id: "S", percent: 16 }, { id: "L", percent: 3 }] });
    expect([categories.get("S")?.percent, categories.get("AA")?.percent, categories.get("L")?.percent]).toEqual([16, 7, 3]);
  });
});
