import { describe, expect, it } from "vitest";
import type { MasterData } from "../../domain/master/types";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { orderAudit } from "../../domain/order/audit";
import { AT, line, master, order } from "./order-desk";

type Change = (m: Required<MasterData>) => void;
type Case = [string, CanonicalOrder, Change];
const same = () => undefined;
const gearOrder = (change: (o: CanonicalOrder) => void = same) => order([line("10", "GH-100", 20, 100), line("20", "SH-200", 10, 50)], change);
const withSalesRep = (rep: string) => (o: CanonicalOrder) => Object.assign(o, { salesRep: rep });
const keyChainPromotion: Change = (m) =>
  m.promotions.push({ id: "P-KC", validFrom: "2026-11-01", validTo: "2026-11-30", gift: { sku: "KC-1", quantity: 1, per: { sku: "GH-100", quantity: 10 } } });
const coupon = (code: string, value: { amount?: number; percent?: number }, validTo = "2026-12-31"): Change => (m) =>
  m.promotions.push({ id: `P-${code}`, validFrom: "2026-11-01", validTo, coupon: { code, ...value } });

describe("order-audit books an order that keeps to the customer's agreement", () => {
  it.each<Case>([
    ["a plain order of known items", gearOrder(), same],
    ["an authorised sales rep", gearOrder(withSalesRep("R-2")), same],
    ["payment terms as agreed", gearOrder((o) => { o.paymentTerms = { netDays: 30 }; }), same],
    ["shorter payment terms", gearOrder((o) => { o.paymentTerms = { netDays: 14, discountDays: 7, discountPercent: 2 }; }), same],
    ["terms with a cash discount only (no net days stated)", gearOrder((o) => { o.paymentTerms = { discountDays: 10, discountPercent: 3 }; }), same],
    ["a gift the promotion covers (1 key chain per 10 housings, 20 bought)", order([line("10", "GH-100", 20, 100), line("20", "KC-1", 2, 0)]), keyChainPromotion],
    ["a gift over two lines within the promotion", order([line("10", "GH-100", 20, 100), line("20", "KC-1", 1, 0), line("30", "KC-1", 1, 0)]), keyChainPromotion],
    ["a coupon of an active promotion within its amount", gearOrder((o) => o.allowances.push({ code: "WELCOME", amount: 200 })), coupon("WELCOME", { amount: 200 })],
    ["a percent coupon within its percent (5% of 2,500.00)", gearOrder((o) => o.allowances.push({ code: "FIVE", amount: 125 })), coupon("FIVE", { percent: 5 })],
  ])("%s", (_case, o, change) => {
    const decision = orderAudit(o, master(change), AT);
    expect(decision.outcome).toBe("ok");
    expect(decision.reasons.length).toBeGreaterThan(0);
  });
});

describe("order-audit rejects what cannot be booked", () => {
  it.each<[string, CanonicalOrder, Change, string[]]>([
    ["an unknown customer", gearOrder((o) => { o.buyer = { id: "C-9999", name: "Nobody Ltd" }; }), same,
      ["order-audit: customer C-9999 is not in the customer master: the order cannot be booked to an unknown customer"]],
    ["a buyer known by GLN only, which the customer master does not hold", gearOrder((o) => { o.buyer = { gln: "4012345000009" }; }), same,
      ["order-audit: customer 4012345000009 is not in the customer master: the order cannot be booked to an unknown customer"]],
    ["an unknown SKU, naming the line", order([line("10", "GH-100", 5, 100), line("20", "XX-404", 1, 10)]), same,
      ["order-audit: line 20 orders SKU XX-404, which is not in the item master"]],
    ["two unknown SKUs, each named", order([line("10", "XX-1", 5, 1), line("20", "XX-2", 1, 10)]), same,
      ["order-audit: line 10 orders SKU XX-1, which is not in the item master", "order-audit: line 20 orders SKU XX-2, which is not in the item master"]],
  ])("%s", (_case, o, change, reasons) => {
    const decision = orderAudit(o, master(change), AT);
    expect(decision.outcome).toBe("reject");
    expect(decision.reasons).toEqual(reasons);
  });
});

describe("order-audit routes what departs from the agreement to approval", () => {
  it.each<[string, CanonicalOrder, Change, string]>([
    ["a sales rep not authorised for the customer", gearOrder(withSalesRep("R-9")), same,
      "order-audit: sales rep R-9 is not authorised for customer C-1001 (authorised: R-1, R-2)"],
    ["a sales rep on a house account (no rep authorised)", gearOrder(withSalesRep("R-1")), (m) => { m.customers[0].salesReps = []; },
      "order-audit: sales rep R-1 is not authorised for customer C-1001 (no sales rep is authorised for it)"],
    ["payment terms longer than the customer's", gearOrder((o) => { o.paymentTerms = { netDays: 60 }; }), same,
      "order-audit: payment terms of 60 days net are longer than customer C-1001's 30 days"],
    ["an order in another currency", gearOrder((o) => { o.currency = "USD"; }), same,
      "order-audit: order in USD, but customer C-1001 buys in CNY"],
    ["a free line without any promotion", order([line("10", "GH-100", 20, 100), line("20", "KC-1", 2, 0)]), same,
      "order-audit: line 20 (KC-1) gives 2 free of charge, but no promotion active on 2026-11-10 gives KC-1 away"],
    ["more gifts than the promotion covers", order([line("10", "GH-100", 20, 100), line("20", "KC-1", 3, 0)]), keyChainPromotion,
      "order-audit: line 20 (KC-1) gives 3 free of charge, but promotion P-KC covers 2 more (1 per 10 × GH-100, 20 ordered)"],
    ["a second gift line past what the promotion covers", order([line("10", "GH-100", 10, 100), line("20", "KC-1", 1, 0), line("30", "KC-1", 1, 0)]), keyChainPromotion,
      "order-audit: line 30 (KC-1) gives 1 free of charge, but promotion P-KC covers 0 more (1 per 10 × GH-100, 10 ordered; 1 already free on earlier lines)"],
    ["a gift whose promotion has ended", order([line("10", "GH-100", 20, 100), line("20", "KC-1", 2, 0)], (o) => { o.issueDate = "2026-12-02"; }), keyChainPromotion,
      "order-audit: line 20 (KC-1) gives 2 free of charge, but no promotion active on 2026-12-02 gives KC-1 away"],
    ["a gift when too little is bought to earn one", order([line("10", "GH-100", 9, 100), line("20", "KC-1", 1, 0)]), keyChainPromotion,
      "order-audit: line 20 (KC-1) gives 1 free of charge, but promotion P-KC covers 0 more (1 per 10 × GH-100, 9 ordered)"],
    ["a coupon no promotion offers", gearOrder((o) => o.allowances.push({ code: "FAKE50", amount: 50 })), same,
      "order-audit: allowance of 50.00 CNY names coupon FAKE50, which no promotion offers"],
    ["an expired coupon", gearOrder((o) => o.allowances.push({ code: "SUMMER", amount: 50 })), coupon("SUMMER", { amount: 50 }, "2026-11-05"),
      "order-audit: allowance of 50.00 CNY: coupon SUMMER (promotion P-SUMMER) is not valid on 2026-11-10 (valid 2026-11-01 to 2026-11-05)"],
    ["a coupon taken for more than it is worth", gearOrder((o) => o.allowances.push({ code: "WELCOME", amount: 300 })), coupon("WELCOME", { amount: 200 }),
      "order-audit: allowance of 300.00 CNY: coupon WELCOME (promotion P-WELCOME) is worth 200.00 CNY"],
    ["a percent coupon taken for more than its percent", gearOrder((o) => o.allowances.push({ code: "FIVE", amount: 130 })), coupon("FIVE", { percent: 5 }),
      "order-audit: allowance of 130.00 CNY: coupon FIVE (promotion P-FIVE) is worth 5% of the lines, 125.00 CNY"],
    ["the same coupon twice", gearOrder((o) => o.allowances.push({ code: "WELCOME", amount: 100 }, { code: "WELCOME", amount: 100 })), coupon("WELCOME", { amount: 200 }),
      "order-audit: allowance of 100.00 CNY: coupon WELCOME is redeemed more than once on this order"],
    ["a discount the buyer takes without a coupon", gearOrder((o) => o.allowances.push({ reason: "Total order value discount", amount: 100 })), same,
      "order-audit: allowance of 100.00 CNY (Total order value discount) names no coupon: a discount the buyer takes itself needs approval"],
  ])("%s", (_case, o, change, reason) => {
    const decision = orderAudit(o, master(change), AT);
    expect(decision.outcome).toBe("approval");
    expect(decision.reasons).toContain(reason);
  });
});

describe("order-audit's reasons", () => {
  it("puts what rejects the order before what needs approval", () => {
    const o = order([line("10", "XX-1", 1, 1)], (x) => { x.currency = "USD"; Object.assign(x, { salesRep: "R-9" }); });
    const { outcome, reasons } = orderAudit(o, master(), AT);
    expect(outcome).toBe("reject");
    expect(reasons[0]).toMatch(/XX-1, which is not in the item master/);
    expect(reasons.slice(1)).toEqual([
      "order-audit: sales rep R-9 is not authorised for customer C-1001 (authorised: R-1, R-2)",
      "order-audit: order in USD, but customer C-1001 buys in CNY",
    ]);
  });

  it("notes a covered gift even when the order is fine", () => {
    const o = order([line("10", "GH-100", 20, 100), line("20", "KC-1", 2, 0)]);
    expect(orderAudit(o, master(keyChainPromotion), AT).reasons).toContain(
      "order-audit: line 20 (KC-1) gives 2 free of charge under promotion P-KC (1 per 10 × GH-100, 20 ordered)",
    );
  });
});
