import { describe, expect, it } from "vitest";
import type { MasterData, PriceList } from "../../domain/master/types";
import type { CanonicalOrder, OrderLine } from "../../domain/order/canonical-order";
import { priceCheck } from "../../domain/order/price";
import { AT, line, master, order } from "./order-desk";

type Change = (m: Required<MasterData>) => void;
const same: Change = () => undefined;
const list = (id: string, prices: Array<[string, number, number]>, change: Partial<PriceList> = {}): PriceList => ({
  id,
  currency: "CNY",
  validFrom: "2026-01-01",
  prices: prices.map(([sku, minQuantity, unitPrice]) => ({ sku, minQuantity, unitPrice })),
  ...change,
});
const addLists = (...lists: PriceList[]): Change => (m) => m.priceLists.push(...lists);
const customerList = (price: number, change: Partial<PriceList> = {}) => list("C-1001-2026", [["GH-100", 1, price]], { customer: "C-1001", ...change });
const classList = (price: number, change: Partial<PriceList> = {}) => list("CLASS-A-2026", [["GH-100", 1, price]], { customerClass: "A", ...change });
const keyChainPromotion: Change = (m) =>
  m.promotions.push({ id: "P-KC", validFrom: "2026-11-01", validTo: "2026-11-30", gift: { sku: "KC-1", quantity: 1, per: { sku: "GH-100", quantity: 10 } } });
const one = (l: OrderLine, change?: (o: CanonicalOrder) => void) => order([l], change);

describe("price-check finds the expected price: customer list > class list > general list, at the break the line reaches", () => {
  it.each<[string, CanonicalOrder, Change, number, string]>([
    ["the general list at the first break", one(line("10", "GH-100", 20, 100)), same, 100, "GEN-2026"],
    ["the break at 50", one(line("10", "GH-100", 50, 95)), same, 95, "GEN-2026"],
    ["just below the break at 100", one(line("10", "GH-100", 99, 95)), same, 95, "GEN-2026"],
    ["the highest break reached", one(line("10", "GH-100", 500, 90)), same, 90, "GEN-2026"],
    ["the customer class's list before the general one", one(line("10", "GH-100", 20, 97)), addLists(classList(97)), 97, "CLASS-A-2026"],
    ["the customer's own list before its class's", one(line("10", "GH-100", 20, 85)), addLists(classList(97), customerList(85)), 85, "C-1001-2026"],
    ["another customer's list is not this customer's", one(line("10", "GH-100", 20, 100)), addLists(customerList(85, { customer: "C-2002" })), 100, "GEN-2026"],
    ["another class's list is not this customer's", one(line("10", "GH-100", 20, 100)), addLists(classList(85, { customerClass: "B" })), 100, "GEN-2026"],
    ["the class list when the customer's list does not price the SKU", one(line("10", "GH-100", 20, 97)), addLists(classList(97), list("C-1001-2026", [["SH-200", 1, 40]], { customer: "C-1001" })), 97, "CLASS-A-2026"],
    ["the next level when the customer's list starts at a higher break", one(line("10", "GH-100", 20, 100)), addLists(customerList(85, { prices: [{ sku: "GH-100", minQuantity: 500, unitPrice: 80 }] })), 100, "GEN-2026"],
    ["the class list when the customer's list has expired", one(line("10", "GH-100", 20, 97)), addLists(classList(97), customerList(85, { validTo: "2026-10-31" })), 97, "CLASS-A-2026"],
    ["the general list when the class list starts after the order date", one(line("10", "GH-100", 20, 100)), addLists(classList(97, { validFrom: "2026-12-01" })), 100, "GEN-2026"],
    ["the customer's list on its last valid day", one(line("10", "GH-100", 20, 85)), addLists(customerList(85, { validTo: "2026-11-10" })), 85, "C-1001-2026"],
    ["the newer of two valid customer lists", one(line("10", "GH-100", 20, 88)), addLists(customerList(85), customerList(88, { id: "C-1001-Q4", validFrom: "2026-10-01" })), 88, "C-1001-Q4"],
    ["a list in the order's currency only", one(line("10", "GH-100", 20, 14), (o) => { o.currency = "USD"; }), addLists(list("GEN-USD", [["GH-100", 1, 14]], { currency: "USD" })), 14, "GEN-USD"],
  ])("%s", (_case, o, change, expected, priceList) => {
    const decision = priceCheck(o, master(change), AT);
    expect(decision.lines[0]).toMatchObject({ lineNumber: "10", sku: "GH-100", expected, priceList });
    expect(decision.outcome).toBe("ok");
  });
});

describe("price-check passes a price within the tolerance or the discount allowed", () => {
  it.each<[string, OrderLine, number | null]>([
    ["the list price exactly", line("10", "GH-100", 20, 100), 0],
    ["0.5% above, at the tolerance", line("10", "GH-100", 20, 100.5), 0.5],
    ["0.5% below, at the tolerance", line("10", "SH-200", 10, 49.75), -0.5],
    ["8% off a housing that allows 10%", line("10", "GH-100", 20, 92), -8],
    ["10% off exactly, at finance's floor", line("10", "GH-100", 20, 90), -10],
    ["no price stated: the list price applies", line("10", "GH-100", 20), null],
    ["only a line amount stated, at the list price", line("10", "GH-100", 20, undefined, { lineAmount: 2000 }), 0],
  ])("%s", (_case, l, deviationPercent) => {
    const decision = priceCheck(one(l), master(), AT);
    expect(decision.outcome).toBe("ok");
    expect(decision.lines[0].deviationPercent).toBe(deviationPercent);
  });

  it("says which discount it let through", () => {
    expect(priceCheck(one(line("10", "GH-100", 20, 92)), master(), AT).reasons).toEqual([
      "price-check: the line is priced within 0.5% of the list or within the discount allowed",
      "price-check: line 10 (GH-100): 8% off the list price 100.00 CNY, within the 10% discount allowed",
    ]);
  });

  it("does not hold a USD price against a floor kept in the customer's CNY, and says so", () => {
    const o = one(line("10", "GH-100", 20, 14), (x) => { x.currency = "USD"; });
    const decision = priceCheck(o, master(addLists(list("GEN-USD", [["GH-100", 1, 14]], { currency: "USD" }))), AT);
    expect(decision.outcome).toBe("ok");
    expect(decision.reasons).toContain("price-check: finance's floors are in CNY, the order in USD: not compared, for want of an exchange rate");
  });

  it("takes the tolerance from the settings", () => {
    const decision = priceCheck(one(line("10", "SH-200", 10, 51)), master((m) => { m.settings.priceTolerancePercent = 2; }), AT);
    expect(decision.outcome).toBe("ok");
  });

  it("takes a covered zero-priced line as a gift, not a 100% discount", () => {
    const o = order([line("10", "GH-100", 20, 100), line("20", "KC-1", 2, 0)]);
    const decision = priceCheck(o, master(keyChainPromotion), AT);
    expect(decision.outcome).toBe("ok");
    expect(decision.lines[1]).toEqual({ lineNumber: "20", sku: "KC-1", expected: 5, actual: 0, deviationPercent: null, priceList: "GEN-2026", giftOf: "P-KC" });
  });
});

describe("price-check routes a price it cannot pass to approval, saying why", () => {
  it.each<[string, CanonicalOrder, Change, string]>([
    ["above the list beyond the tolerance", one(line("10", "GH-100", 20, 101)), same,
      "price-check: line 10 (GH-100): unit price 101.00 CNY is 1% above the list price 100.00 CNY (list GEN-2026), beyond the 0.5% tolerance"],
    ["a discount above the item's cap", one(line("10", "GH-100", 60, 85)), same,
      "price-check: line 10 (GH-100): unit price 85.00 CNY is 10.53% below the list price 95.00 CNY (list GEN-2026, from 50), more than the 10% discount allowed"],
    ["a discount on an item that allows none", one(line("10", "SH-200", 10, 45)), same,
      "price-check: line 10 (SH-200): unit price 45.00 CNY is 10% below the list price 50.00 CNY (list GEN-2026), beyond the 0.5% tolerance, and SH-200 has no discount allowance"],
    ["the customer's list price below finance's floor", one(line("10", "GH-100", 20, 75)), addLists(customerList(75)),
      "price-check: line 10 (GH-100): unit price 75.00 CNY is below finance's floor of 80.00 CNY"],
    ["an unpriced line whose list price is below the floor", one(line("10", "GH-100", 20)), addLists(customerList(75)),
      "price-check: line 10 (GH-100): no unit price stated, and the list price 75.00 CNY (list C-1001-2026) is below finance's floor of 80.00 CNY"],
    ["too deep a discount and below the floor", one(line("10", "GH-100", 100, 79)), same,
      "price-check: line 10 (GH-100): unit price 79.00 CNY is 12.22% below the list price 90.00 CNY (list GEN-2026, from 100), more than the 10% discount allowed, and below finance's floor of 80.00 CNY"],
    ["an order in a currency no list prices", one(line("10", "GH-100", 20, 14), (o) => { o.currency = "USD"; }), same,
      "price-check: line 10 (GH-100): no list price applies — no price list prices GH-100 in USD (GEN-2026 in CNY); the order's 14.00 USD needs approval"],
    ["an order dated before any list is valid", one(line("10", "GH-100", 20, 100), (o) => { o.issueDate = "2025-12-01"; }), same,
      "price-check: line 10 (GH-100): no list price applies — no price list for GH-100 is valid on 2025-12-01 (GEN-2026 valid 2026-01-01 on); the order's 100.00 CNY needs approval"],
    ["a quantity below the lowest break", one(line("10", "GH-100", 5, 100)), (m) => { m.priceLists[0].prices = [{ sku: "GH-100", minQuantity: 10, unitPrice: 100 }]; },
      "price-check: line 10 (GH-100): no list price applies — GH-100 is priced from a quantity of 10 on; the order's 100.00 CNY needs approval"],
    ["an item on no list, with no price stated", one(line("10", "NP-1", 3)), (m) => { m.items.push({ sku: "NP-1", name: "new part", unit: "H87", productionMode: "ETO", leadTimeDays: 60 }); },
      "price-check: line 10 (NP-1): no list price applies — no price list for the customer prices NP-1; the order states no price either"],
    ["a free line no promotion covers", order([line("10", "GH-100", 20, 100), line("20", "KC-1", 2, 0)]), same,
      "price-check: line 20 (KC-1): unit price 0.00 CNY is 100% below the list price 5.00 CNY (list GEN-2026), beyond the 0.5% tolerance, and KC-1 has no discount allowance"],
    ["a price with sub-cent decimals above the list", one(line("10", "SH-200", 10, 50.3125)), same,
      "price-check: line 10 (SH-200): unit price 50.3125 CNY is 0.63% above the list price 50.00 CNY (list GEN-2026), beyond the 0.5% tolerance"],
  ])("%s", (_case, o, change, reason) => {
    const decision = priceCheck(o, master(change), AT);
    expect(decision.outcome).toBe("approval");
    expect(decision.reasons[0]).toBe(reason);
  });

  it("shows expected, actual and deviation for every line", () => {
    const o = order([line("10", "GH-100", 20, 100), line("20", "SH-200", 10, 45), line("30", "GH-100", 100, 90)]);
    expect(priceCheck(o, master(), AT).lines).toEqual([
      { lineNumber: "10", sku: "GH-100", expected: 100, actual: 100, deviationPercent: 0, priceList: "GEN-2026" },
      { lineNumber: "20", sku: "SH-200", expected: 50, actual: 45, deviationPercent: -10, priceList: "GEN-2026" },
      { lineNumber: "30", sku: "GH-100", expected: 90, actual: 90, deviationPercent: 0, priceList: "GEN-2026" },
    ]);
  });

  it("prices each line of the same SKU at its own break (duplicate lines are not summed)", () => {
    const o = order([line("10", "GH-100", 30, 95), line("20", "GH-100", 30, 95)]);
    const decision = priceCheck(o, master(), AT);
    expect(decision.lines.map((l) => [l.expected, l.deviationPercent])).toEqual([[100, -5], [100, -5]]);
    expect(decision.outcome).toBe("ok");
    expect(decision.reasons).toEqual([
      "price-check: both lines are priced within 0.5% of the list or within the discount allowed",
      "price-check: line 10 (GH-100): 5% off the list price 100.00 CNY, within the 10% discount allowed",
      "price-check: line 20 (GH-100): 5% off the list price 100.00 CNY, within the 10% discount allowed",
    ]);
  });
});
