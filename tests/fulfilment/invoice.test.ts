import { describe, expect, it } from "vitest";
import { apportion, buildInvoice, invoiceId, invoicedLines, type EarlierInvoice, type Invoice, type InvoiceResult, type ShippedLine } from "../../domain/fulfilment/invoice";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { AT, books, keyOf, line, order } from "./books";

/** Invoices a shipment of the order: `[lineNumber, quantity]` shipped under `document`, after the `earlier` invoices. */
function invoiceOf(o: CanonicalOrder, shipped: Array<[string, number]>, document = "SHP-1", earlier: EarlierInvoice[] = [], master = books()): InvoiceResult {
  const lines: ShippedLine[] = shipped.map(([lineNumber, quantity]) => ({ lineNumber, sku: o.lines.find((l) => l.lineNumber === lineNumber)?.sku ?? "?", quantity }));
  return buildInvoice({ orderKey: keyOf(o), order: o, shipment: { document, deliveryNote: `DN-${document}`, lines }, earlier, issueDate: AT }, master);
}

function invoiced(result: InvoiceResult): Invoice {
  if (result.outcome !== "invoice") throw new Error(`expected an invoice, got ${result.outcome}: ${result.reasons.join("; ")}`);
  return result.invoice;
}

const totals = (i: Invoice) => [i.totals.lineExtension, i.totals.allowances, i.totals.charges, i.totals.tax, i.totals.payable];
const asEarlier = (i: Invoice): EarlierInvoice => ({ invoiceId: i.invoiceId, lines: invoicedLines(i) });

const gears = (extra?: Parameters<typeof order>[2]) => order("C-DE", [line("1", "GH-100", 10, 100)], extra);
const mixed = (extra?: Parameters<typeof order>[2]) => order("C-DE", [line("1", "GH-100", 10, 100), line("2", "BAR-1", 100, 0.85)], extra);

describe("an invoice bills what was shipped at the order's prices", () => {
  it.each<[string, CanonicalOrder, Array<[string, number]>, number[]]>([
    // [lines, allowances, charges, tax, payable]
    ["a full shipment: 10 gear housings at 100.00, 19 % VAT", gears(), [["1", 10]], [1000, 0, 0, 190, 1190]],
    ["a short shipment: 6 of 10 shipped, 6 invoiced", gears(), [["1", 6]], [600, 0, 0, 114, 714]],
    ["two tax rates: gears at 19 %, cereal bars at 7 %", mixed(), [["1", 10], ["2", 100]], [1085, 0, 0, 195.95, 1280.95]],
    ["an order allowance of 54.25 split over the two rates by value (50.00 and 4.25)", mixed({ allowances: [{ reason: "loyalty", amount: 54.25 }] }), [["1", 10], ["2", 100]], [1085, 54.25, 0, 186.15, 1216.9]],
    ["a freight charge of 25.00 taxed with the goods", gears({ charges: [{ reason: "freight", amount: 25 }] }), [["1", 10]], [1000, 0, 25, 194.75, 1219.75]],
    ["an allowance and a charge on a short shipment, pro rata (6 of 10 carry 60 %)", gears({ allowances: [{ reason: "loyalty", amount: 50 }], charges: [{ reason: "freight", amount: 25 }] }), [["1", 6]], [600, 30, 15, 111.15, 696.15]],
    ["0.1 + 0.2: two lines of 0.10 and 0.20 are 0.30, not 0.30000000000000004", order("C-DE", [line("1", "GH-100", 1, 0.1), line("2", "SH-200", 1, 0.2)]), [["1", 1], ["2", 1]], [0.3, 0, 0, 0.06, 0.36]],
    ["a line discount the order states (10 at 100.00 for 900.00), half shipped", order("C-DE", [line("1", "GH-100", 10, 100, 900)]), [["1", 5]], [450, 0, 0, 85.5, 535.5]],
    ["an intra-community customer: no VAT (K), the reason on the invoice", order("C-AT", [line("1", "GH-100", 10, 100)]), [["1", 10]], [1000, 0, 0, 0, 1000]],
    ["free goods: a line at 0.00 is invoiced at nothing", order("C-DE", [line("1", "GH-100", 2, 0)]), [["1", 2]], [0, 0, 0, 0, 0]],
  ])("%s", (_case, o, shipped, expected) => {
    const invoice = invoiced(invoiceOf(o, shipped));
    expect(totals(invoice)).toEqual(expected);
    expect(invoice.totals.taxExclusive).toBe(Math.round((expected[0] - expected[1] + expected[2]) * 100) / 100);
    expect(invoice.totals.taxInclusive).toBe(expected[4]);
  });

  it("rounds per line, then tax per category: 3 × 0.335 is 1.01 (half away from zero), its tax 0.19", () => {
    const invoice = invoiced(invoiceOf(order("C-DE", [line("1", "GH-100", 3, 0.335)]), [["1", 3]]));
    expect(invoice.lines[0]).toMatchObject({ quantity: 3, unitPrice: 0.335, net: 1.01 });
    expect(invoice.taxSubtotals.map((t) => [t.tax.id, t.taxable, t.amount])).toEqual([["S", 1.01, 0.19]]);
  });

  it("names each line with its order line, item, unit, price and tax category; due after the customer's 30 days", () => {
    const invoice = invoiced(invoiceOf(mixed(), [["2", 40], ["1", 10]]));
    expect(invoice.lines.map((l) => [l.id, l.lineNumber, l.sku, l.name, l.quantity, l.unit, l.unitPrice, l.net, l.tax.id, l.tax.percent])).toEqual([
      ["1", "1", "GH-100", "gear housing", 10, "H87", 100, 1000, "S", 19],
      ["2", "2", "BAR-1", "cereal bar", 40, "H87", 0.85, 34, "AA", 7],
    ]);
    expect(invoice).toMatchObject({ issueDate: AT, dueDate: "2026-07-01", paymentTermsDays: 30, currency: "EUR", deliveryNote: "DN-SHP-1", shipment: "SHP-1", orderNumber: "PO-1", buyer: "C-DE" });
    expect(invoice.supplier.name).toBe("Gearworks GmbH");
  });

  it("takes the order's own payment terms over the customer's", () => {
    expect(invoiced(invoiceOf(gears({ netDays: 10 }), [["1", 10]])).dueDate).toBe("2026-06-11");
  });

  it("takes the rates the master data's settings give (a reduced rate of 5 %)", () => {
    const master = books((m) => (m.settings = { taxCategories: [{ id: "AA", percent: 5 }] }));
    const invoice = invoiced(invoiceOf(mixed(), [["2", 100]], "SHP-1", [], master));
    expect(invoice.taxSubtotals.map((t) => [t.tax.id, t.tax.percent, t.amount])).toEqual([["AA", 5, 4.25]]);
  });
});

describe("a short shipment bills what shipped and keeps the rest open; the rest is billed once", () => {
  it("6 of 10, then the 4 left: each billed once, allowance and charge in full over both", () => {
    const o = gears({ allowances: [{ reason: "loyalty", amount: 50 }], charges: [{ reason: "freight", amount: 25 }] });
    const first = invoiced(invoiceOf(o, [["1", 6]], "SHP-1"));
    expect(first.orderLines).toEqual([{ lineNumber: "1", sku: "GH-100", ordered: 10, invoiced: 6, open: 4 }]);
    expect(first.notes).toContain("line 1 (GH-100): 4 of 10 still to ship and invoice");
    const second = invoiced(invoiceOf(o, [["1", 4]], "SHP-2", [asEarlier(first)]));
    expect(totals(second)).toEqual([400, 20, 10, 74.1, 464.1]);
    expect(second.orderLines[0].open).toBe(0);
    expect(second.invoiceId).not.toBe(first.invoiceId);
    const single = invoiced(invoiceOf(o, [["1", 10]], "SHP-9"));
    expect(Math.round((first.totals.payable + second.totals.payable) * 100) / 100).toBe(single.totals.payable);
  });

  it("thirds of an allowance of 10.00 add up to 10.00 (3.33 + 3.34 + 3.33), not 9.99", () => {
    const o = order("C-DE", [line("1", "GH-100", 3, 100)], { allowances: [{ reason: "loyalty", amount: 10 }] });
    const earlier: EarlierInvoice[] = [];
    const shares: number[] = [];
    for (const doc of ["SHP-1", "SHP-2", "SHP-3"]) {
      const invoice = invoiced(invoiceOf(o, [["1", 1]], doc, earlier));
      shares.push(invoice.totals.allowances);
      earlier.push(asEarlier(invoice));
    }
    expect(shares).toEqual([3.33, 3.34, 3.33]);
  });

  it("the same order.shipped read twice is the same invoice: the second is recognised, nothing billed again", () => {
    const o = gears();
    const first = invoiced(invoiceOf(o, [["1", 6]], "SHP-1"));
    const again = invoiceOf(o, [["1", 6]], "SHP-1", [asEarlier(first)]);
    expect(again).toEqual({ outcome: "already-invoiced", invoiceId: first.invoiceId, reasons: [`shipment SHP-1 of order PO-1 is invoiced already, as ${first.invoiceId}`] });
  });

  it("a shipment of what is invoiced already (a warehouse resending under a new number) bills nothing", () => {
    const o = gears();
    const first = invoiced(invoiceOf(o, [["1", 10]], "SHP-1"));
    const resent = invoiceOf(o, [["1", 10]], "SHP-1b", [asEarlier(first)]);
    expect(resent.outcome).toBe("nothing-to-invoice");
    expect(resent.outcome !== "invoice" && resent.reasons).toEqual(["line 1 (GH-100): 10 of the 10 shipped are not invoiced: all 10 ordered are invoiced already"]);
  });

  it("shipped beyond the order: the 2 over the 10 ordered are not billed, and the accountant is told", () => {
    const invoice = invoiced(invoiceOf(gears(), [["1", 12]]));
    expect(invoice.lines[0].quantity).toBe(10);
    expect(invoice.notes).toContain("line 1 (GH-100): 2 of the 12 shipped are not invoiced: only 10 of the 10 ordered were left to invoice");
  });

  it("a cancelled line (quantity 0 in the order's revision) is not billed though shipped", () => {
    const o = order("C-DE", [line("1", "GH-100", 10, 100), line("2", "SH-200", 0, 50)]);
    const invoice = invoiced(invoiceOf(o, [["1", 10], ["2", 3]]));
    expect(invoice.lines.map((l) => l.lineNumber)).toEqual(["1"]);
    expect(invoice.notes).toContain("line 2 (SH-200): 3 shipped are not invoiced: the line is cancelled (0 ordered)");
    expect(invoice.orderLines.find((l) => l.lineNumber === "2")).toEqual({ lineNumber: "2", sku: "SH-200", ordered: 0, invoiced: 0, open: 0 });
  });

  it("a shipment of nothing (zero quantities) is no invoice", () => {
    const result = invoiceOf(gears(), [["1", 0]]);
    expect(result).toMatchObject({ outcome: "nothing-to-invoice", reasons: ["shipment SHP-1 of order PO-1 ships nothing"] });
  });
});

describe("what cannot be invoiced is refused, naming it", () => {
  it.each<[string, CanonicalOrder, ShippedLine[], RegExp]>([
    ["a shipped line without a price", order("C-DE", [line("1", "GH-100", 10)]), [{ lineNumber: "1", sku: "GH-100", quantity: 10 }], /^line 1 \(GH-100\) of order PO-1 has no price/],
    ["a line the order does not have", gears(), [{ lineNumber: "7", sku: "XX-9", quantity: 1 }], /^shipped line 7 \(XX-9\) is not a line of order PO-1 rev 0$/],
    ["a negative quantity", gears(), [{ lineNumber: "1", sku: "GH-100", quantity: -1 }], /^shipment SHP-1: lines\[0\]\.quantity must be a number ≥ 0 \(is -1\)$/],
  ])("%s", (_case, o, lines, message) => {
    expect(() => buildInvoice({ orderKey: keyOf(o), order: o, shipment: { document: "SHP-1", lines }, earlier: [], issueDate: AT }, books())).toThrow(message);
  });

  it("a tax category without a rate", () => {
    const master = books((m) => (m.items[0].taxCategory = "XX"));
    expect(() => invoiceOf(gears(), [["1", 1]], "SHP-1", [], master)).toThrow(/^tax category "XX" of item GH-100 has no rate/);
  });

  it("finds a shipped line by its SKU where the warehouse numbers lines its own way", () => {
    const o = gears();
    const result = buildInvoice({ orderKey: keyOf(o), order: o, shipment: { document: "S", lines: [{ lineNumber: "000010", sku: "GH-100", quantity: 2 }] }, earlier: [], issueDate: AT }, books());
    expect(invoiced(result).lines[0]).toMatchObject({ lineNumber: "1", quantity: 2 });
  });
});

describe("invoice ids", () => {
  it("are the same for the same shipment of the same order, and differ between buyers with the same order number", () => {
    expect(invoiceId("C-DE/PO-1/0", "SHP-1")).toBe(invoiceId("C-DE/PO-1/0", "SHP-1"));
    expect(invoiceId("C-DE/PO-1/0", "SHP-1")).not.toBe(invoiceId("C-AT/PO-1/0", "SHP-1"));
    expect(invoiceId("C-DE/PO-1/0", "SHP-1")).toMatch(/^INV-[0-9A-Z]{11}$/);
  });
});

describe("apportion", () => {
  it.each<[number, number[], number[]]>([
    [5425, [100000, 8500], [5000, 425]],
    [100, [1, 1, 1], [34, 33, 33]],
    [-100, [1, 1, 1], [-34, -33, -33]],
    [7, [0, 0], [7, 0]],
    [0, [5, 5], [0, 0]],
  ])("%d over %j", (amount, weights, parts) => {
    expect(apportion(amount, weights)).toEqual(parts);
  });
});
