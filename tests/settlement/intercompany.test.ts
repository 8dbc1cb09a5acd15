import { describe, expect, it } from "vitest";
import { intercompanyOrderDocuments, mirrorChange, mirrorSellerDocument, type Company, type IntercompanyOrder, type TransferPrice } from "../../domain/settlement/intercompany";

const companies: Company[] = [
  { id: "DE01", name: "Gears GmbH", currency: "EUR", erp: "http://erp-de/soap" },
  { id: "PL01", name: "Gears Polska", currency: "EUR", erp: "http://erp-pl/soap" },
];
// PL01's price of GH-100 to any sister is 80, to DE01 75; DE01's own price of SH-200 must not price PL01's sale
const prices: TransferPrice[] = [
  { sku: "GH-100", price: 80, currency: "EUR", from: "PL01" },
  { sku: "GH-100", price: 75, currency: "EUR", from: "PL01", to: "DE01" },
  { sku: "SH-200", price: 35, currency: "EUR", from: "DE01" },
  { sku: "SH-200", price: 20, currency: "EUR", from: "PL01" },
];
const order: IntercompanyOrder = { orderKey: "DE01/IC-1/0", orderNumber: "IC-1", buyer: "DE01", seller: "PL01", issueDate: "2026-03-01", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }, { lineNumber: "2", sku: "SH-200", quantity: 5 }] };

describe("an inter-company order: one document on each side", () => {
  it("gives B's sales order and A's purchase order at the transfer price, each naming the other", () => {
    const { salesOrder, purchaseOrder } = intercompanyOrderDocuments(order, companies, prices);
    expect([salesOrder.company, salesOrder.erp, purchaseOrder.company]).toEqual(["PL01", "http://erp-pl/soap", "DE01"]);
    expect(salesOrder.lines.map((l) => [l.sku, l.price, l.amount])).toEqual([["GH-100", 75, 750], ["SH-200", 20, 100]]);
    expect([salesOrder.amount, purchaseOrder.amount]).toEqual([850, 850]);
    expect([salesOrder.counterpart, purchaseOrder.counterpart]).toEqual([purchaseOrder.id, salesOrder.id]);
  });

  it("maps a repeated message to the same documents", () => {
    expect(intercompanyOrderDocuments(order, companies, prices)).toEqual(intercompanyOrderDocuments({ ...order }, companies, prices));
    const d = { kind: "delivery" as const, document: "SHP-PL-9", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 4 }] };
    expect(mirrorSellerDocument(order, d, companies, prices).document.id).toBe(mirrorSellerDocument(order, { ...d }, companies, prices).document.id);
  });

  it("turns B's delivery into A's goods receipt and B's invoice into A's supplier invoice at the transfer price", () => {
    const gr = mirrorSellerDocument(order, { kind: "delivery", document: "SHP-PL-9", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 4 }] }, companies, prices).document;
    expect([gr.kind, gr.company, gr.counterpart, gr.amount]).toEqual(["goods-receipt", "DE01", "SHP-PL-9", 300]);
    const si = mirrorSellerDocument(order, { kind: "invoice", document: "INV-PL-9", amount: 320, lines: [{ lineNumber: "1", sku: "GH-100", quantity: 4 }] }, companies, prices);
    expect([si.document.kind, si.document.amount]).toEqual(["supplier-invoice", 300]);
    expect(si.notes).toEqual(["invoice INV-PL-9 of PL01 says 320.00 EUR; at the transfer price it is 300.00 EUR: DE01 books 300.00 EUR"]);
  });

  it("sends a change or a cancellation to the other side, under one id per source document", () => {
    const cx = mirrorChange(order, "buyer", { document: "ORDCHG-7", purpose: "cancel" }, companies, prices);
    expect([cx.kind, cx.side, cx.company, cx.amount]).toEqual(["cancellation", "seller", "PL01", 0]);
    expect(mirrorChange(order, "buyer", { document: "ORDCHG-7", purpose: "cancel" }, companies, prices).id).toBe(cx.id);
    const ch = mirrorChange(order, "seller", { document: "SO-CHG-1", purpose: "change", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 8 }] }, companies, prices);
    expect([ch.kind, ch.side, ch.company, ch.amount]).toEqual(["change", "buyer", "DE01", 600]);
  });

  it.each<[string, Partial<IntercompanyOrder>, TransferPrice[], string]>([
    ["a company not in the group", { seller: "US01" }, prices, "intercompany order DE01/IC-1/0: seller US01 is not a company of the group (master data: companies)"],
    ["an item without a transfer price", { lines: [{ lineNumber: "3", sku: "BAR-1", quantity: 1 }] }, prices, "intercompany order DE01/IC-1/0: line 3 (BAR-1) has no transfer price from PL01 to DE01"],
    ["an order on itself", { seller: "DE01" }, prices, "intercompany order DE01/IC-1/0: buyer and seller are both DE01"],
  ])("refuses %s", (_name, change, p, message) => {
    expect(() => intercompanyOrderDocuments({ ...order, ...change }, companies, p)).toThrow(message);
  });
});
