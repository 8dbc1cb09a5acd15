import { describe, expect, it } from "vitest";
import { arVoucher } from "../../domain/fulfilment/ar-voucher";
import { buildInvoice, type Invoice } from "../../domain/fulfilment/invoice";
import { checkRma, creditNoteFor, creditNoteVoucher, type Rma, type RmaLine } from "../../domain/settlement/returns";
import { ublCreditNoteXml } from "../../domain/settlement/ubl-credit-note";
import { AT, books, line, order } from "../fulfilment/books";

const o = order("C-DE", [line("1", "GH-100", 10, 100), line("2", "SH-200", 4, 50)]);
const orderKey = "C-DE/PO-1/0";
const built = buildInvoice({ orderKey, order: o, shipment: { document: "SHP-1", deliveryNote: "DN-1", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }, { lineNumber: "2", sku: "SH-200", quantity: 4 }] }, earlier: [], issueDate: AT }, books());
if (built.outcome !== "invoice") throw new Error("the test invoice was not built");
const invoice: Invoice = built.invoice;
const delivered: RmaLine[] = [{ sku: "GH-100", quantity: 10 }, { sku: "SH-200", quantity: 4 }];
const rma = (lines: Array<[string, number]>, no = "RMA-1"): Rma => ({ rma: no, orderKey, customer: "C-DE", invoice: invoice.invoiceId, reason: "damaged in transit", lines: lines.map(([sku, quantity]) => ({ sku, quantity })) });

describe("a return authorisation against what was delivered and not yet returned", () => {
  it.each<[string, Rma, RmaLine[], string[]]>([
    ["part of a delivery", rma([["GH-100", 3]]), [], []],
    ["all of it", rma([["GH-100", 10], ["SH-200", 4]]), [], []],
    ["more than is left after an earlier return", rma([["GH-100", 8]]), [{ sku: "GH-100", quantity: 5 }], ["rma RMA-1: GH-100: 8 to return, but of 10 delivered 5 are returned already: 5 can come back"]],
    ["an item never delivered", rma([["BAR-1", 1]]), [], ["rma RMA-1: BAR-1 was never delivered on order C-DE/PO-1/0"]],
    ["a quantity of zero", rma([["GH-100", 0]]), [], ["rma RMA-1: lines[0].quantity: must be a number above 0, is 0"]],
    ["no reason", { ...rma([["GH-100", 1]]), reason: "" }, [], ["rma RMA-1: reason: say why the goods come back"]],
  ])("%s", (_name, r, before, reasons) => {
    const check = checkRma(r, delivered, before);
    expect(check.outcome === "refused" ? check.reasons : []).toEqual(reasons);
  });
});

describe("the credit note: for what the warehouse received, not what was announced", () => {
  it("credits the 3 received of 5 announced, at the invoice's net price and tax", () => {
    const r = creditNoteFor(rma([["GH-100", 5]]), { document: "GR-1", at: "2026-06-10", lines: [{ sku: "GH-100", quantity: 3 }] }, invoice, [], "2026-06-10");
    expect(r.outcome).toBe("credit-note");
    if (r.outcome !== "credit-note") return;
    const cn = r.creditNote;
    expect(cn.lines.map((l) => [l.sku, l.quantity, l.unitPrice, l.net])).toEqual([["GH-100", 3, 100, 300]]);
    expect(cn.totals).toEqual({ lineExtension: 300, tax: 57, payable: 357 });
    expect(cn.notes).toEqual(["credit note for rma RMA-1 (damaged in transit): 357.00 EUR for what receipt GR-1 took in"]);
    expect(creditNoteFor(rma([["GH-100", 5]]), { document: "GR-1", at: "2026-06-10", lines: [{ sku: "GH-100", quantity: 3 }] }, invoice, [], "2026-06-10")).toEqual(r);
  });

  it.each<[string, RmaLine[], RmaLine[], Array<[string, number]>, string | undefined]>([
    ["more received than authorised: only the authorised", [{ sku: "GH-100", quantity: 7 }], [], [["GH-100", 5]], "GH-100: 7 received, 5 of it credited: rma RMA-1 authorised 5"],
    ["a second receipt credits only the rest", [{ sku: "GH-100", quantity: 4 }], [{ sku: "GH-100", quantity: 3 }], [["GH-100", 2]], "GH-100: 4 received, 2 of it credited: rma RMA-1 authorised 5, 3 credited before"],
    ["an item not on the RMA is not credited", [{ sku: "SH-200", quantity: 1 }, { sku: "GH-100", quantity: 1 }], [], [["GH-100", 1]], "SH-200: 1 received, not on rma RMA-1: not credited"],
  ])("%s", (_name, received, before, lines, note) => {
    const r = creditNoteFor(rma([["GH-100", 5]]), { document: "GR-2", at: "2026-06-11", lines: received }, invoice, before, "2026-06-11");
    expect(r.outcome === "credit-note" ? r.creditNote.lines.map((l) => [l.sku, l.quantity]) : []).toEqual(lines);
    if (note && r.outcome === "credit-note") expect(r.creditNote.notes).toContain(note);
  });

  it("a receipt of nothing credited gives no credit note", () => {
    const r = creditNoteFor(rma([["GH-100", 5]]), { document: "GR-3", at: "2026-06-11", lines: [{ sku: "GH-100", quantity: 2 }] }, invoice, [{ sku: "GH-100", quantity: 5 }], "2026-06-11");
    expect(r).toMatchObject({ outcome: "nothing-to-credit" });
  });

  it("renders a UBL 2.1 CreditNote and an AR voucher that reverses the invoice's, balanced", () => {
    const r = creditNoteFor(rma([["GH-100", 10], ["SH-200", 4]]), { document: "GR-4", at: "2026-06-12", lines: [{ sku: "GH-100", quantity: 10 }, { sku: "SH-200", quantity: 4 }] }, invoice, [], "2026-06-12");
    if (r.outcome !== "credit-note") throw new Error("no credit note");
    expect(r.creditNote.totals.payable).toBe(invoice.totals.payable);
    const xml = ublCreditNoteXml(r.creditNote);
    expect(xml).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect(xml).toContain("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>");
    expect(xml).toContain(`<cbc:ID>${invoice.invoiceId}</cbc:ID>`);
    expect(xml).toContain(`<cbc:PayableAmount currencyID="EUR">${invoice.totals.payable.toFixed(2)}</cbc:PayableAmount>`);
    const v = creditNoteVoucher(r.creditNote);
    const iv = arVoucher(invoice);
    const flip = (side: string) => (side === "debit" ? "credit" : "debit");
    expect(v.lines.map((l) => [l.account, l.side, l.amount])).toEqual(iv.lines.map((l) => [l.account, flip(l.side), l.amount]));
    expect(v.amount).toBe(-invoice.totals.payable);
  });
});
