import { describe, expect, it } from "vitest";
import { applyPaymentToInvoices, applyPayments, type IncomingPayment, type OpenInvoice } from "../../domain/settlement/payment-application";

const inv = (invoice: string, open: number, dueDate: string, issueDate = "2026-01-01"): OpenInvoice => ({ invoice, customer: "C-DE", currency: "EUR", open, issueDate, dueDate });
const pay = (payment: string, amount: number, invoice?: string, at = "2026-03-01"): IncomingPayment => ({ payment, customer: "C-DE", amount, currency: "EUR", at, ...(invoice ? { invoice } : {}) });
const books = [inv("INV-2", 500, "2026-02-20"), inv("INV-1", 300, "2026-02-10"), inv("INV-3", 200, "2026-03-10")];

describe("cash application: which invoices a payment pays", () => {
  it.each<[string, IncomingPayment, Array<[string, number, boolean]>, number, string[]]>([
    ["by its reference, in full", pay("P1", 500, "INV-2"), [["INV-2", 500, true]], 0, []],
    ["by its reference, in part", pay("P1", 120, "INV-2"), [["INV-2", 120, false]], 0, ["invoice INV-2: 120.00 EUR paid by P1, 380.00 EUR still open"]],
    ["by its reference, more than the invoice: the rest on account", pay("P1", 550, "INV-2"), [["INV-2", 500, true]], 50, ["payment P1: 50.00 EUR more than invoice INV-2 asked for, kept on account"]],
    ["without a reference: the oldest due first", pay("P1", 600), [["INV-1", 300, true], ["INV-2", 300, false]], 0, ["invoice INV-2: 300.00 EUR paid by P1, 200.00 EUR still open"]],
    ["without a reference, more than everything open", pay("P1", 1_100.5), [["INV-1", 300, true], ["INV-2", 500, true], ["INV-3", 200, true]], 100.5, ["payment P1: 100.50 EUR more than the open invoices asked for, kept on account"]],
    ["naming an invoice the customer does not have: all on account", pay("P1", 90, "INV-404"), [], 90, ["payment P1 names invoice INV-404, which customer C-DE has nothing open on: 90.00 EUR kept on account"]],
  ])("%s", (_name, payment, allocations, onAccount, notes) => {
    const r = applyPaymentToInvoices(books, payment);
    expect(r.allocations.map((a) => [a.invoice, a.amount, a.settles])).toEqual(allocations);
    expect(r.onAccount).toBe(onAccount);
    expect(r.notes).toEqual(notes);
  });

  it("refuses a payment of zero, naming it", () => {
    expect(() => applyPaymentToInvoices(books, pay("P0", 0))).toThrow("payment P0: amount must be above 0, is 0");
  });

  it("refuses to pay an invoice in another currency", () => {
    expect(() => applyPaymentToInvoices([{ ...inv("INV-USD", 10, "2026-02-01"), currency: "USD" }], pay("P1", 10))).toThrow("payment P1: 10.00 EUR cannot pay invoice INV-USD in USD without an exchange rate");
  });

  it("applies several payments in turn, a duplicate once, and cents do not drift", () => {
    const { applications, openAfter } = applyPayments(books, [pay("P2", 0.1, undefined, "2026-03-02"), pay("P1", 0.2), pay("P1", 0.2), pay("P3", 299.7, "INV-1", "2026-03-03")]);
    expect(applications.map((a) => a.payment)).toEqual(["P1", "P2", "P3"]);
    expect(openAfter.find((i) => i.invoice === "INV-1")).toBeUndefined();
    expect(openAfter.map((i) => [i.invoice, i.open]).sort()).toEqual([["INV-2", 500], ["INV-3", 200]]);
  });
});
