import { describe, expect, it } from "vitest";
import { orderClose, type ClosePayment, type CloseInvoice } from "../../domain/fulfilment/order-close";
import type { Shipment } from "../../domain/fulfilment/invoice";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { line, order } from "./books";

const o = order("C-DE", [line("1", "GH-100", 10, 100), line("2", "SH-200", 4, 50)]);
const shipped = (document: string, ...lines: Array<[string, number]>): Shipment => ({ document, lines: lines.map(([lineNumber, quantity]) => ({ lineNumber, sku: lineNumber === "1" ? "GH-100" : "SH-200", quantity })) });
const inv = (invoiceId: string, amount: number, ...lines: Array<[string, number]>): CloseInvoice => ({ invoiceId, amount, lines: lines.map(([lineNumber, quantity]) => ({ lineNumber, quantity })) });
const paid = (document: string, amount: number, invoice?: string): ClosePayment => ({ document, amount, ...(invoice ? { invoice } : {}) });

interface Case {
  order?: CanonicalOrder;
  cancelled?: Array<{ lineNumber: string; quantity: number }>;
  shipments?: Shipment[];
  invoices?: CloseInvoice[];
  payments?: ClosePayment[];
}

describe("when an order is closed, and what keeps it open", () => {
  it.each<[string, Case, boolean, string[]]>([
    ["everything shipped, invoiced and paid", { shipments: [shipped("S1", ["1", 10], ["2", 4])], invoices: [inv("I1", 1428, ["1", 10], ["2", 4])], payments: [paid("P1", 1428, "I1")] }, true,
      ["order PO-1 is closed: 14 shipped, invoiced in 1 invoice and paid (1,428.00 EUR)"]],
    ["a short shipment: the rest is still to ship", { shipments: [shipped("S1", ["1", 6], ["2", 4])], invoices: [inv("I1", 952, ["1", 6], ["2", 4])], payments: [paid("P1", 952, "I1")] }, false,
      ["order PO-1 stays open: 1 thing to do", "line 1 (GH-100): 4 of 10 still to ship"]],
    ["the short rest cancelled: closed", { cancelled: [{ lineNumber: "1", quantity: 4 }], shipments: [shipped("S1", ["1", 6], ["2", 4])], invoices: [inv("I1", 952, ["1", 6], ["2", 4])], payments: [paid("P1", 952, "I1")] }, true,
      ["order PO-1 is closed: 10 shipped, 4 cancelled, invoiced in 1 invoice and paid (952.00 EUR)"]],
    ["shipped, not yet invoiced", { shipments: [shipped("S1", ["1", 10], ["2", 4])], invoices: [inv("I1", 1190, ["1", 10])], payments: [paid("P1", 1190, "I1")] }, false,
      ["order PO-1 stays open: 1 thing to do", "line 2 (SH-200): 4 shipped but only 0 invoiced: 4 to invoice"]],
    ["invoiced, partly paid", { shipments: [shipped("S1", ["1", 10], ["2", 4])], invoices: [inv("I1", 1428, ["1", 10], ["2", 4])], payments: [paid("P1", 1000, "I1")] }, false,
      ["order PO-1 stays open: 1 thing to do", "invoice I1: 428.00 EUR of 1,428.00 EUR still unpaid"]],
    ["the same shipment and payment reported twice count once", { shipments: [shipped("S1", ["1", 5], ["2", 4]), shipped("S1", ["1", 5], ["2", 4])], invoices: [inv("I1", 833, ["1", 5], ["2", 4])], payments: [paid("P1", 500, "I1"), paid("P1", 500, "I1")] }, false,
      ["order PO-1 stays open: 2 things to do", "line 1 (GH-100): 5 of 10 still to ship", "invoice I1: 333.00 EUR of 833.00 EUR still unpaid"]],
    ["two shipments, two invoices, one payment without an invoice covering both", { shipments: [shipped("S1", ["1", 6]), shipped("S2", ["1", 4], ["2", 4])], invoices: [inv("I1", 714, ["1", 6]), inv("I2", 714, ["1", 4], ["2", 4])], payments: [paid("P1", 1428)] }, true,
      ["order PO-1 is closed: 14 shipped, invoiced in 2 invoices and paid (1,428.00 EUR)"]],
    ["a payment on account short of the second invoice", { shipments: [shipped("S1", ["1", 6]), shipped("S2", ["1", 4], ["2", 4])], invoices: [inv("I1", 714, ["1", 6]), inv("I2", 714, ["1", 4], ["2", 4])], payments: [paid("P1", 1000)] }, false,
      ["order PO-1 stays open: 1 thing to do", "invoice I2: 428.00 EUR of 714.00 EUR still unpaid"]],
    ["a cancelled line (quantity 0 in the revision) is not waited for", { order: order("C-DE", [line("1", "GH-100", 10, 100), line("2", "SH-200", 0, 50)]), shipments: [shipped("S1", ["1", 10])], invoices: [inv("I1", 1190, ["1", 10])], payments: [paid("P1", 1190, "I1")] }, true,
      ["order PO-1 is closed: 10 shipped, invoiced in 1 invoice and paid (1,190.00 EUR)"]],
    ["a cancelled order with nothing shipped", { order: { ...o, purpose: "cancel" } }, true,
      ["order PO-1 is closed: everything was cancelled, nothing shipped, nothing to invoice"]],
    ["a cancelled order that had shipped part: that part must still be invoiced", { order: { ...o, purpose: "cancel" }, shipments: [shipped("S1", ["1", 3])] }, false,
      ["order PO-1 stays open: 1 thing to do", "line 1 (GH-100): 3 shipped but only 0 invoiced: 3 to invoice"]],
    ["shipped beyond the order: the excess is neither waited for nor invoiced", { shipments: [shipped("S1", ["1", 12], ["2", 4])], invoices: [inv("I1", 1428, ["1", 10], ["2", 4])], payments: [paid("P1", 1428, "I1")] }, true,
      ["order PO-1 is closed: 14 shipped, invoiced in 1 invoice and paid (1,428.00 EUR)"]],
    ["free goods: an invoice of 0.00 needs no payment", { order: order("C-DE", [line("1", "GH-100", 2, 0)]), shipments: [shipped("S1", ["1", 2])], invoices: [inv("I1", 0, ["1", 2])] }, true,
      ["order PO-1 is closed: 2 shipped, invoiced in 1 invoice and paid (0.00 EUR)"]],
    ["nothing happened yet", {}, false,
      ["order PO-1 stays open: 2 things to do", "line 1 (GH-100): 10 of 10 still to ship", "line 2 (SH-200): 4 of 4 still to ship"]],
  ])("%s", (_case, c, closed, reasons) => {
    const decision = orderClose({ order: c.order ?? o, cancelled: c.cancelled, shipments: c.shipments ?? [], invoices: c.invoices ?? [], payments: c.payments ?? [] });
    expect(decision.reasons).toEqual(reasons);
    expect(decision.closed).toBe(closed);
  });

  it("gives the figures per line and per invoice", () => {
    const decision = orderClose({ order: o, shipments: [shipped("S1", ["1", 6])], invoices: [inv("I1", 714, ["1", 6])], payments: [paid("P1", 0.1, "I1"), paid("P2", 0.2, "I1")] });
    expect(decision.lines[0]).toEqual({ lineNumber: "1", sku: "GH-100", ordered: 10, cancelled: 0, shipped: 6, invoiced: 6, toShip: 4, toInvoice: 0 });
    expect(decision.invoices).toEqual([{ invoiceId: "I1", amount: 714, paid: 0.3, open: 713.7 }]);
  });
});
