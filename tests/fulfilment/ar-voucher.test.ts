import { describe, expect, it } from "vitest";
import { arVoucher, DEFAULT_AR_ACCOUNTS } from "../../domain/fulfilment/ar-voucher";
import { buildInvoice, type Invoice } from "../../domain/fulfilment/invoice";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { AT, books, keyOf, line, order } from "./books";

function invoiceOf(o: CanonicalOrder): Invoice {
  const lines = o.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity }));
  const result = buildInvoice({ orderKey: keyOf(o), order: o, shipment: { document: "SHP-1", lines }, earlier: [], issueDate: AT }, books());
  if (result.outcome !== "invoice") throw new Error(result.outcome);
  return result.invoice;
}

const sides = (v: ReturnType<typeof arVoucher>) => v.lines.map((l) => [l.side, l.account, l.amount, l.taxCategory ?? null]);

describe("the AR voucher ERP books for an invoice", () => {
  it.each<[string, CanonicalOrder, Array<[string, string, number, string | null]>]>([
    ["one rate: receivable 1,190.00 against revenue 1,000.00 and VAT 190.00", order("C-DE", [line("1", "GH-100", 10, 100)]),
      [["debit", "1400", 1190, null], ["credit", "8400", 1000, "S"], ["credit", "1776", 190, "S"]]],
    ["two rates, with an allowance: each rate's revenue net of its share", order("C-DE", [line("1", "GH-100", 10, 100), line("2", "BAR-1", 100, 0.85)], { allowances: [{ reason: "loyalty", amount: 54.25 }] }),
      [["debit", "1400", 1216.9, null], ["credit", "8400", 950, "S"], ["credit", "1776", 180.5, "S"], ["credit", "8300", 80.75, "AA"], ["credit", "1771", 5.65, "AA"]]],
    ["an intra-community supply: revenue only, no tax line", order("C-AT", [line("1", "GH-100", 10, 100)]),
      [["debit", "1400", 1000, null], ["credit", "8125", 1000, "K"]]],
  ])("%s", (_case, o, expected) => {
    const invoice = invoiceOf(o);
    const voucher = arVoucher(invoice);
    expect(sides(voucher)).toEqual(expected);
    expect(voucher).toMatchObject({ customer: o.buyer.id, invoice: invoice.invoiceId, orderNumber: "PO-1", documentDate: AT, postingDate: AT, dueDate: "2026-07-01", currency: "EUR", amount: invoice.totals.payable, netAmount: invoice.totals.taxExclusive, taxAmount: invoice.totals.tax });
  });

  it("balances to the cent where the cents do not add up as floats (0.1 + 0.2)", () => {
    const voucher = arVoucher(invoiceOf(order("C-DE", [line("1", "GH-100", 1, 0.1), line("2", "SH-200", 1, 0.2)])));
    expect(sides(voucher)).toEqual([["debit", "1400", 0.36, null], ["credit", "8400", 0.3, "S"], ["credit", "1776", 0.06, "S"]]);
  });

  it("has the same reference for the same invoice, another for another", () => {
    const a = invoiceOf(order("C-DE", [line("1", "GH-100", 10, 100)]));
    const b = invoiceOf(order("C-DE", [line("1", "GH-100", 10, 100)], { orderNumber: "PO-2" }));
    expect(arVoucher(a).reference).toBe(arVoucher(a).reference);
    expect(arVoucher(a).reference).not.toBe(arVoucher(b).reference);
    expect(arVoucher(a).reference).toMatch(/^ARV-[0-9A-Z]{11}$/);
  });

  it("refuses a tax category without an output-tax account, naming it", () => {
    const accounts = { ...DEFAULT_AR_ACCOUNTS, tax: { S: "1776" } };
    const invoice = invoiceOf(order("C-DE", [line("1", "BAR-1", 10, 1)]));
    expect(() => arVoucher(invoice, accounts)).toThrow(`ar-voucher: no output-tax account for tax category AA (7%, 0.70 EUR on invoice ${invoice.invoiceId}): add it to the accounts`);
  });

  it("posts on the day it is told to", () => {
    expect(arVoucher(invoiceOf(order("C-DE", [line("1", "GH-100", 1, 1)])), DEFAULT_AR_ACCOUNTS, "2026-06-03").postingDate).toBe("2026-06-03");
  });
});
