import { describe, expect, it } from "vitest";
import type { MasterData, OpenItem } from "../../domain/master/types";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { applyPayment, creditCheck, releasableOrders } from "../../domain/order/credit";
import { AT, customer, line, master, order } from "./order-desk";

type Change = (m: Required<MasterData>) => void;
const invoice = (document: string, amount: number, dueDate = "2026-12-10"): OpenItem => ({ customer: "C-1001", type: "invoice", document, amount, dueDate });
const openOrder = (document: string, amount: number): OpenItem => ({ customer: "C-1001", type: "open-order", document, amount });
const delivered = (document: string, amount: number): OpenItem => ({ customer: "C-1001", type: "delivered-not-invoiced", document, amount });
const owing = (...items: OpenItem[]): Change => (m) => m.openItems.push(...items);
const limit = (creditLimit: number | undefined, ...items: OpenItem[]): Change => (m) => {
  m.customers[0].creditLimit = creditLimit;
  m.openItems.push(...items);
};
/** An order worth 15,000.00 CNY: 150 drive shafts at 100.00. */
const order15k = (change?: (o: CanonicalOrder) => void) => order([line("10", "SH-200", 150, 100)], change);

describe("credit-check weighs the exposure against the credit line", () => {
  it.each<[string, Change, "ok" | "hold" | "reject", string]>([
    ["an order that fits the line", owing(invoice("INV-1", 30_000)), "ok",
      "credit-check: customer C-1001 exposure 45,000.00 CNY is within limit 100,000.00 CNY (open AR 30,000.00 + this order 15,000.00)"],
    ["AR and open orders that take the exposure over the limit", owing(invoice("INV-1", 60_000), openOrder("SO-7", 40_000)), "hold",
      "credit-check: customer C-1001 exposure 115,000.00 CNY exceeds limit 100,000.00 CNY (open AR 60,000.00 + open orders 40,000.00 + this order 15,000.00)"],
    ["goods delivered and not yet invoiced count too", owing(invoice("INV-1", 50_000), delivered("DN-3", 40_000)), "hold",
      "credit-check: customer C-1001 exposure 105,000.00 CNY exceeds limit 100,000.00 CNY (open AR 50,000.00 + delivered not invoiced 40,000.00 + this order 15,000.00)"],
    ["an exposure exactly at the limit", owing(invoice("INV-1", 85_000)), "ok",
      "credit-check: customer C-1001 exposure 100,000.00 CNY is within limit 100,000.00 CNY (open AR 85,000.00 + this order 15,000.00)"],
    ["one cent over the limit", owing(invoice("INV-1", 85_000.01)), "hold",
      "credit-check: customer C-1001 exposure 100,000.01 CNY exceeds limit 100,000.00 CNY (open AR 85,000.01 + this order 15,000.00)"],
    ["cents that drift as floats (49,049.91 + 32,357.49 + 3,592.60 + 15,000.00 is 100,000.00000000001 in floating point)", owing(invoice("A", 49_049.91), invoice("B", 32_357.49), delivered("C", 3_592.6)), "ok",
      "credit-check: customer C-1001 exposure 100,000.00 CNY is within limit 100,000.00 CNY (open AR 81,407.40 + delivered not invoiced 3,592.60 + this order 15,000.00)"],
    ["a customer without a credit limit", limit(undefined, invoice("INV-1", 900_000)), "ok",
      "credit-check: customer C-1001 has no credit limit; exposure 915,000.00 CNY (open AR 900,000.00 + this order 15,000.00)"],
    ["a cash-in-advance customer (limit 0) with nothing prepaid", limit(0), "hold",
      "credit-check: customer C-1001 pays in advance (credit limit 0): exposure 15,000.00 CNY (this order 15,000.00) waits for prepayment"],
    ["a cash-in-advance customer who prepaid the order", limit(0, invoice("PAY-1", -15_000, "2026-11-01")), "ok",
      "credit-check: customer C-1001 exposure 0.00 CNY is within limit 0.00 CNY (open AR -15,000.00 + this order 15,000.00)"],
    ["a blocked customer", (m) => { m.customers[0].blocked = true; }, "reject",
      "credit-check: customer C-1001 is blocked: no order can be taken on its account"],
    ["an invoice overdue past the grace days", owing(invoice("INV-9", 12_000, "2026-11-01")), "hold",
      "credit-check: invoice INV-9 of 12,000.00 CNY was due 2026-11-01 and is 19 days overdue on 2026-11-20 (grace 10 days): customer C-1001's orders wait until it is paid"],
    ["an invoice one day past the grace days", owing(invoice("INV-9", 12_000, "2026-11-09")), "hold",
      "credit-check: invoice INV-9 of 12,000.00 CNY was due 2026-11-09 and is 11 days overdue on 2026-11-20 (grace 10 days): customer C-1001's orders wait until it is paid"],
    ["an invoice on the last day of grace", owing(invoice("INV-9", 12_000, "2026-11-10")), "ok",
      "credit-check: customer C-1001 exposure 27,000.00 CNY is within limit 100,000.00 CNY (open AR 12,000.00 + this order 15,000.00)"],
    ["a late credit note (nothing owed)", owing(invoice("CN-2", -500, "2026-10-01")), "ok",
      "credit-check: customer C-1001 exposure 14,500.00 CNY is within limit 100,000.00 CNY (open AR -500.00 + this order 15,000.00)"],
    ["an open order cancelled in the ERP (amount 0)", owing(openOrder("SO-8", 0)), "ok",
      "credit-check: customer C-1001 exposure 15,000.00 CNY is within limit 100,000.00 CNY (this order 15,000.00)"],
    ["this very order among the open orders, evaluated again", owing(openOrder("PO-4711", 15_000), openOrder("C-1001/PO-4711/0", 15_000)), "ok",
      "credit-check: customer C-1001 exposure 15,000.00 CNY is within limit 100,000.00 CNY (this order 15,000.00)"],
    ["another customer's open items", owing({ ...invoice("INV-X", 200_000, "2026-01-01"), customer: "C-2002" }), "ok",
      "credit-check: customer C-1001 exposure 15,000.00 CNY is within limit 100,000.00 CNY (this order 15,000.00)"],
  ])("%s", (_case, change, outcome, reason) => {
    const decision = creditCheck(order15k(), master(change), AT);
    expect(decision.outcome).toBe(outcome);
    expect(decision.reasons[0]).toBe(reason);
  });

  it("names every cause of a hold: the overdue invoice and the limit", () => {
    const decision = creditCheck(order15k(), master(owing(invoice("INV-9", 90_000, "2026-10-01"))), AT);
    expect(decision.outcome).toBe("hold");
    expect(decision.reasons).toEqual([
      "credit-check: invoice INV-9 of 90,000.00 CNY was due 2026-10-01 and is 50 days overdue on 2026-11-20 (grace 10 days): customer C-1001's orders wait until it is paid",
      "credit-check: customer C-1001 exposure 105,000.00 CNY exceeds limit 100,000.00 CNY (open AR 90,000.00 + this order 15,000.00)",
    ]);
  });

  it("shows the exposure item by item", () => {
    const decision = creditCheck(order15k(), master(owing(invoice("INV-1", 60_000), openOrder("SO-7", 40_000), delivered("DN-3", 2_500.5))), AT);
    expect(decision.exposure).toEqual({
      currency: "CNY",
      openInvoices: 60_000,
      openOrders: 40_000,
      deliveredNotInvoiced: 2_500.5,
      thisOrder: 15_000,
      total: 117_500.5,
      limit: 100_000,
      items: [
        { type: "invoice", document: "INV-1", amount: 60_000, dueDate: "2026-12-10" },
        { type: "open-order", document: "SO-7", amount: 40_000 },
        { type: "delivered-not-invoiced", document: "DN-3", amount: 2_500.5 },
        { type: "this-order", document: "PO-4711", amount: 15_000 },
      ],
    });
  });

  it("rejects an order of a customer it has no account for", () => {
    const decision = creditCheck(order15k((o) => { o.buyer = { id: "C-9999" }; }), master(), AT);
    expect(decision).toEqual({
      rule: "credit",
      outcome: "reject",
      reasons: ["credit-check: customer C-9999 is not in the customer master: there is no credit account to check the order against"],
    });
  });

  it("counts lines without a price at their list price", () => {
    const o = order([line("10", "SH-200", 150, 100), line("20", "GH-100", 100)]);
    const decision = creditCheck(o, master(owing(invoice("INV-1", 80_000))), AT);
    expect(decision.exposure?.thisOrder).toBe(24_000);
    expect(decision.reasons).toEqual([
      "credit-check: customer C-1001 exposure 104,000.00 CNY exceeds limit 100,000.00 CNY (open AR 80,000.00 + this order 24,000.00; 1 line without a price at list price)",
    ]);
  });

  it("holds an order in another currency than the credit line's, for want of an exchange rate", () => {
    const decision = creditCheck(order15k((o) => { o.currency = "USD"; }), master(), AT);
    expect(decision.outcome).toBe("hold");
    expect(decision.reasons).toEqual([
      "credit-check: order in USD cannot be weighed against customer C-1001's credit line of 100,000.00 CNY without an exchange rate (exposure 0.00 CNY before it)",
    ]);
  });
});

describe("a payment lowers the open items", () => {
  const before = [invoice("INV-1", 60_000, "2026-11-30"), invoice("INV-2", 10_000, "2026-11-15"), openOrder("SO-7", 40_000)];
  it.each<[string, Parameters<typeof applyPayment>[1], OpenItem[]]>([
    ["part of the named invoice", { customer: "C-1001", amount: 20_000, invoice: "INV-1" },
      [invoice("INV-1", 40_000, "2026-11-30"), invoice("INV-2", 10_000, "2026-11-15"), openOrder("SO-7", 40_000)]],
    ["the named invoice in full: it is gone", { customer: "C-1001", amount: 60_000, invoice: "INV-1" },
      [invoice("INV-2", 10_000, "2026-11-15"), openOrder("SO-7", 40_000)]],
    ["more than the named invoice: the rest on account", { customer: "C-1001", amount: 65_000.5, invoice: "INV-1", document: "PAY-88" },
      [invoice("INV-2", 10_000, "2026-11-15"), openOrder("SO-7", 40_000), { customer: "C-1001", type: "invoice", document: "PAY-88", amount: -5_000.5 }]],
    ["no invoice named: the oldest due first", { customer: "C-1001", amount: 15_000 },
      [invoice("INV-1", 55_000, "2026-11-30"), openOrder("SO-7", 40_000)]],
    ["another customer's payment leaves these alone", { customer: "C-2002", amount: 15_000, invoice: "INV-1" },
      [...before, { customer: "C-2002", type: "invoice", document: "payment on account", amount: -15_000 }]],
  ])("%s", (_case, payment, after) => {
    expect(applyPayment(before, payment, "CNY")).toEqual(after);
  });
});

describe("a payment releases the held orders that now fit, oldest first, each once", () => {
  const c = customer();
  const held = (order: string, amount: number) => ({ order, amount });
  it.each<[string, Parameters<typeof releasableOrders>, string[]]>([
    ["room for all of them", [[held("A", 30_000), held("B", 20_000)], c, [invoice("INV-1", 40_000)], AT], ["A", "B"]],
    ["the oldest first when only one fits", [[held("A", 30_000), held("B", 30_000)], c, [invoice("INV-1", 50_000)], AT], ["A"]],
    ["a smaller later order past one that does not fit", [[held("A", 30_000), held("B", 50_000), held("C", 10_000)], c, [invoice("INV-1", 40_000)], AT], ["A", "C"]],
    ["each order once, listed twice or not", [[held("A", 30_000), held("A", 30_000), held("B", 30_000)], c, [invoice("INV-1", 30_000)], AT], ["A", "B"]],
    ["a partial payment that makes room for nothing", [[held("A", 30_000)], c, [invoice("INV-1", 80_000)], AT], []],
    ["none while another invoice is overdue", [[held("A", 1_000)], c, [invoice("INV-OLD", 100, "2026-10-01")], AT], []],
    ["none for a blocked customer", [[held("A", 1_000)], customer({ blocked: true }), [], AT], []],
    ["all for a customer without a limit", [[held("A", 300_000), held("B", 500_000)], customer({ creditLimit: undefined }), [invoice("INV-1", 1_000_000)], AT], ["A", "B"]],
    ["a cash-in-advance customer: what the prepayment covers", [[held("A", 15_000), held("B", 10_000)], customer({ creditLimit: 0 }), [invoice("PAY-1", -20_000)], AT], ["A"]],
    ["a held order the store also lists as open is not counted twice", [[held("A", 30_000)], c, [invoice("INV-1", 70_000), openOrder("A", 30_000)], AT], ["A"]],
  ])("%s", (_case, args, released) => {
    expect(releasableOrders(...args).map((h) => h.order)).toEqual(released);
  });

  it("after a payment on the invoice that held them, releases what fits and keeps the rest", () => {
    const openItems = [invoice("INV-1", 60_000, "2026-12-01"), openOrder("SO-7", 30_000)];
    const after = applyPayment(openItems, { customer: "C-1001", amount: 40_000, invoice: "INV-1" }, "CNY");
    const queue = [held("PO-1", 50_000), held("PO-2", 20_000), held("PO-3", 45_000)];
    expect(releasableOrders(queue, c, after, AT)).toEqual([held("PO-1", 50_000)]);
  });
});
