import { describe, expect, it } from "vitest";
import { MasterDataError, validateMasterBundle, validateMasterKeys, validateMasterRecords } from "../../mappings/master-data";
import { customer, masterFixture } from "../fixtures/master/master-data";

function refusal(check: () => unknown): MasterDataError {
  try {
    check();
  } catch (err) {
    if (err instanceof MasterDataError) return err;
    throw err;
  }
  throw new Error("expected the master data to be refused");
}

describe("the master data schema", () => {
  it("takes the manufacturer's master data file whole", () => {
    const bundle = masterFixture();
    expect(validateMasterBundle(bundle)).toBe(bundle);
    expect(bundle.customers.map((c) => c.id)).toContain("IN260-UserXX");
  });

  it("names the record by its index and the field with what is wrong", () => {
    const customers = [customer("C-1"), customer("C-2"), customer("C-3"), { ...customer("C-4"), creditLimit: "50000" }];
    const err = refusal(() => validateMasterRecords("customers", customers));
    expect(err.message).toBe('customers[3].creditLimit: must be number (is "50000")');
    expect(err.problems).toEqual([err.message]);
  });

  it.each([
    [{ ...customer("C-1"), id: undefined }, "customers[0].id: is required"],
    [{ ...customer("C-1"), creditlimit: 5 }, "customers[0].creditlimit: is not a field here (the fields are id, name, class, currency, creditLimit,"],
    [{ ...customer("C-1"), currency: "eur" }, 'customers[0].currency: must be an ISO 4217 currency code such as EUR (is "eur")'],
    [{ ...customer("C-1"), partialDelivery: "sometimes" }, 'customers[0].partialDelivery: must be one of allowed, complete-lines, complete-order (is "sometimes")'],
    [{ ...customer("C-1"), paymentTermsDays: -30 }, "customers[0].paymentTermsDays: must be >= 0 (is -30)"],
    [{ ...customer("C-1"), name: "" }, "customers[0].name: must not be empty"],
    ["C-1", 'customers[0]: must be object (is "C-1")'],
  ])("refuses a customer that is not one: %j", (record, problem) => {
    expect(refusal(() => validateMasterRecords("customers", [record])).message).toContain(problem);
  });

  it("checks nested records and dates", () => {
    const list = { id: "PL-1", currency: "EUR", validFrom: "01.01.2026", prices: [{ sku: "FG-1000", minQuantity: 1, unitPrice: 12.5 }] };
    expect(refusal(() => validateMasterRecords("priceLists", [list])).message).toBe('priceLists[0].validFrom: must be an ISO 8601 date such as 2025-10-01 (is "01.01.2026")');
    const breaks = { ...list, validFrom: "2026-01-01", prices: [{ sku: "FG-1000", minQuantity: 1, unitPrice: -1 }] };
    expect(refusal(() => validateMasterRecords("priceLists", [breaks])).message).toBe("priceLists[0].prices[0].unitPrice: must be >= 0 (is -1)");
  });

  it("refuses a batch that gives one key twice, naming both records", () => {
    const err = refusal(() => validateMasterRecords("customers", [customer("C-1"), customer("C-2"), customer("C-1")]));
    expect(err.message).toBe("customers[2]: customer C-1 is given twice (customers[0] too)");
    const supply = [
      { sku: "FG-1000", warehouse: "WH-1", type: "on-hand", quantity: 5 },
      { sku: "FG-1000", warehouse: "WH-1", type: "production", quantity: 5, date: "2026-12-01" },
      { sku: "FG-1000", warehouse: "WH-1", type: "on-hand", quantity: 7 },
    ];
    expect(refusal(() => validateMasterRecords("supply", supply)).message).toBe("supply[2]: supply record on-hand of FG-1000 in WH-1 (undated) is given twice (supply[0] too)");
  });

  it("holds the rules a schema cannot say: validity, whom a price list is for, what a promotion gives", () => {
    const list = { id: "PL-1", customer: "C-1", customerClass: "A", currency: "EUR", validFrom: "2026-06-01", validTo: "2026-01-31", prices: [] };
    expect(refusal(() => validateMasterRecords("priceLists", [list])).problems).toEqual([
      "priceLists[0].validTo: 2026-01-31 is before validFrom 2026-06-01",
      "priceLists[0]: names both a customer and a customerClass; a price list is for one customer, one class, or everyone",
    ]);
    const promotions = [
      { id: "P-1", validFrom: "2026-01-01", validTo: "2026-12-31" },
      { id: "P-2", validFrom: "2026-01-01", validTo: "2026-12-31", coupon: { code: "X", amount: 5, percent: 5 } },
    ];
    expect(refusal(() => validateMasterRecords("promotions", promotions)).problems).toEqual([
      "promotions[0]: has neither a gift nor a coupon",
      "promotions[1].coupon: needs an amount or a percent, not both",
    ]);
  });

  it.each<[string, "companies" | "transferPrices", object[], string | undefined]>([
    ["a company with its ERP", "companies", [{ id: "PL01", name: "Gears Polska", currency: "PLN", erp: "https://erp.pl01.example/ErpService?wsdl" }], undefined],
    ["a company on the hub's own ERP (no address)", "companies", [{ id: "DE01", name: "Gears GmbH", currency: "EUR" }], undefined],
    ["a company without a currency", "companies", [{ id: "PL01", name: "Gears Polska" }], "companies[0].currency: is required"],
    ["a company with an empty ERP address", "companies", [{ id: "PL01", name: "Gears Polska", currency: "PLN", erp: "" }], "companies[0].erp: must not be empty"],
    ["a price to one sister and one to any, of one item", "transferPrices", [{ sku: "GH-100", from: "PL01", to: "DE01", price: 75, currency: "EUR" }, { sku: "GH-100", from: "PL01", price: 80, currency: "EUR" }], undefined],
    ["a price without the selling company", "transferPrices", [{ sku: "GH-100", price: 75, currency: "EUR" }], "transferPrices[0].from: is required"],
    ["a negative price", "transferPrices", [{ sku: "GH-100", from: "PL01", price: -1, currency: "EUR" }], "transferPrices[0].price: must be >= 0 (is -1)"],
    ["the same price twice", "transferPrices", [{ sku: "GH-100", from: "PL01", price: 80, currency: "EUR" }, { sku: "GH-100", from: "PL01", price: 81, currency: "EUR" }], "transferPrices[1]: transfer price GH-100 from PL01 to any company is given twice (transferPrices[0] too)"],
  ])("the group as master data: %s", (_case, kind, records, problem) => {
    if (problem === undefined) expect(validateMasterRecords(kind, records)).toEqual(records);
    else expect(refusal(() => validateMasterRecords(kind, records)).message).toBe(problem);
  });

  it("names the first 20 problems of a bad batch and counts the rest", () => {
    const customers = Array.from({ length: 50 }, (_, i) => ({ ...customer(`C-${i}`), graceDays: "5" }));
    const err = refusal(() => validateMasterRecords("customers", customers));
    expect(err.problems).toHaveLength(20);
    expect(err.message).toBe('customers[0].graceDays: must be integer (is "5") (and 19 more problems)');
  });

  it("refuses what is not an array of records, and a bundle with a kind it does not know", () => {
    expect(refusal(() => validateMasterRecords("items", { sku: "X" })).message).toBe("items: must be an array of item records (is object)");
    const err = refusal(() => validateMasterBundle({ customers: [customer("C-1")], customer: [], settings: { warehouseStrategy: "closest" } }));
    expect(err.problems).toEqual([
      "customer: is not a kind of master data (the kinds are customers, items, priceLists, promotions, warehouses, supply, reservations, openItems, companies, transferPrices, settings)",
      'settings.warehouseStrategy: must be one of priority, fewest-splits, nearest (is "closest")',
    ]);
  });

  it("takes keys for a removal: the key fields alone, a supply record's date left out for the undated one", () => {
    expect(validateMasterKeys("openItems", [{ customer: "C-1", document: "INV-1" }])).toHaveLength(1);
    expect(validateMasterKeys("supply", [{ sku: "A", warehouse: "W", type: "on-hand" }])).toHaveLength(1);
    expect(refusal(() => validateMasterKeys("openItems", [{ customer: "C-1" }])).message).toBe("openItems[0].document: is required");
  });
});
