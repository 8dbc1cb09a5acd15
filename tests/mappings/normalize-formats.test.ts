import { describe, expect, it } from "vitest";
import { orderKey } from "../../domain/order/canonical-order";
import { normalizeOrder } from "../../mappings";
import { ownFixture, publicFixture } from "../support/fixtures";

interface Expected {
  fixture: Buffer;
  format: string;
  orderNumber: string;
  revision: number;
  orderType: string;
  issueDate: string;
  currency: string;
  buyerId: string;
  lines: number;
  firstLine: { lineNumber: string; sku: string; buyerSku?: string; gtin?: string; quantity: number; unit: string; unitPrice: number; lineAmount: number };
  totals: { lineTotal: number; allowanceTotal: number; chargeTotal: number; taxTotal: number; payable: number };
}

// SAP IN260: the EDIFACT ORDERS and the IDoc ORDERS05 are the same order.
const ORDER_10040: Omit<Expected, "fixture" | "format"> = {
  orderNumber: "10040", revision: 0, orderType: "standard", issueDate: "2025-09-29", currency: "EUR", buyerId: "IN260-UserXX", lines: 10,
  firstLine: { lineNumber: "1", sku: "BR-VCB-001", buyerSku: "100001", gtin: "4000001000012", quantity: 144, unit: "H87", unitPrice: 0.89, lineAmount: 128.16 },
  totals: { lineTotal: 6039.46, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 6039.46 },
};

const cases: [string, Expected][] = [
  ["UBL 2.1 Order (OASIS example)", {
    fixture: publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml"), format: "ubl",
    orderNumber: "34", revision: 0, orderType: "standard", issueDate: "2010-01-20T12:30:00Z", currency: "SEK", buyerId: "PartyID123", lines: 2,
    firstLine: { lineNumber: "1", sku: "SItemNo001", gtin: "1234567890123", quantity: 120, unit: "LTR", unitPrice: 50, lineAmount: 6000 },
    totals: { lineTotal: 6225, allowanceTotal: 100, chargeTotal: 100, taxTotal: 100, payable: 6225 },
  }],
  ["SAP IDoc ORDERS05 (IN260)", { fixture: publicFixture("sap-in260/orders-inbound.idoc-orders05.xml"), format: "idoc", ...ORDER_10040 }],
  ["EDIFACT D96A ORDERS (IN260)", { fixture: publicFixture("sap-in260/orders-inbound.edifact-d96a.edi"), format: "edifact", ...ORDER_10040 }],
  ["cXML OrderRequest", {
    fixture: ownFixture("cxml-orderrequest.xml"), format: "cxml",
    orderNumber: "PO-2024-0815", revision: 0, orderType: "standard", issueDate: "2024-03-05T10:15:00+01:00", currency: "EUR", buyerId: "AN01000002789", lines: 3,
    firstLine: { lineNumber: "1", sku: "HUB-4711", buyerSku: "AM-100-22", quantity: 50, unit: "EA", unitPrice: 12.5, lineAmount: 625 },
    totals: { lineTotal: 1255.1, allowanceTotal: 0, chargeTotal: 45, taxTotal: 247.02, payable: 1547.12 },
  }],
  ["CSV order", {
    fixture: ownFixture("csv-order.csv"), format: "csv",
    orderNumber: "CSV-2024-0042", revision: 1, orderType: "rush", issueDate: "2024-04-02", currency: "EUR", buyerId: "C-1001", lines: 3,
    firstLine: { lineNumber: "10", sku: "GB-2040-A", buyerSku: "NW-778", gtin: "4012345000016", quantity: 12, unit: "H87", unitPrice: 340, lineAmount: 4080 },
    totals: { lineTotal: 5700, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 5700 },
  }],
];

describe("normalizes every supported order format into the canonical order", () => {
  it.each(cases)("%s", async (_name, expected) => {
    const order = await normalizeOrder(expected.fixture);
    expect(order.source.format).toBe(expected.format);
    expect(order).toMatchObject({
      orderNumber: expected.orderNumber,
      revision: expected.revision,
      orderType: expected.orderType,
      issueDate: expected.issueDate,
      currency: expected.currency,
      buyer: { id: expected.buyerId },
      totals: expected.totals,
    });
    expect(order.lines).toHaveLength(expected.lines);
    expect(order.lines[0]).toMatchObject(expected.firstLine);
    expect(orderKey(order)).toBe(`${expected.buyerId}/${expected.orderNumber}/${expected.revision}`);
  });

  it("reads the canonical JSON it produces back unchanged (json format only validates)", async () => {
    const order = await normalizeOrder(publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml"));
    const again = await normalizeOrder(JSON.stringify(order), { contentType: "application/json" });
    expect(again).toEqual(order);
  });

  it("records the sending system given by the caller", async () => {
    const order = await normalizeOrder(ownFixture("csv-order.csv"), { sourceSystem: "crm" });
    expect(order.source).toEqual({ system: "crm", format: "csv" });
  });
});

describe("UBL 2.1 Order", () => {
  it("maps parties, delivery window, allowances and charges from the OASIS example", async () => {
    const order = await normalizeOrder(publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml"));
    expect(order.buyer).toMatchObject({ id: "PartyID123", gln: "7300070011115", name: "Johnssons byggvaror", address: { city: "Stockholm", country: "SE" } });
    expect(order.seller).toMatchObject({ id: "SellerPartyID123", name: "Moderna Produkter AB" });
    expect(order.shipTo).toMatchObject({ gln: "1234567890123", address: { street: "Rådhusgatan 5", postalCode: "11000" } });
    expect(order.requestedDelivery).toEqual({ date: "2010-02-10", latestDate: "2010-02-25" });
    expect(order.allowances).toEqual([{ reason: "Total order value discount", amount: 100 }]);
    expect(order.charges).toEqual([{ reason: "Transport documents", amount: 100 }]);
    expect(order.lines[1]).toMatchObject({ sku: "SItemNo011", gtin: "123452340123", quantity: 15, unit: "C62", unitPrice: 15, lineAmount: 225, requestedDate: "2010-02-10" });
    expect(order.lines[0].description).toBe("Falu Rödfärg - Red paint");
  });
});

describe("cXML OrderRequest", () => {
  it("maps ship-to, shipping charge, payment terms and per-line delivery dates", async () => {
    const order = await normalizeOrder(ownFixture("cxml-orderrequest.xml"));
    expect(order.shipTo).toMatchObject({ id: "PLANT-02", name: "Acme Motors Plant 2", address: { street: "Industriestraße 17", country: "DE" } });
    expect(order.charges).toEqual([{ reason: "Standard freight", code: "shipping", amount: 45 }]);
    expect(order.paymentTerms).toEqual({ netDays: 30 });
    expect(order.lines.map((l) => [l.sku, l.quantity, l.unit, l.requestedDate])).toEqual([
      ["HUB-4711", 50, "EA", "2024-03-20"],
      ["HUB-0815-S", 24, "SET", "2024-03-22"],
      ["GREASE-HT", 2.5, "KGM", undefined],
    ]);
  });

  it("turns orderVersion (from 1) into the revision (from 0)", async () => {
    const body = ownFixture("cxml-orderrequest.xml").toString().replace('orderVersion="1"', 'orderVersion="3"');
    expect((await normalizeOrder(body)).revision).toBe(2);
  });
});

describe("CSV order", () => {
  it("maps SAP unit codes to UN/ECE Rec 20 and falls back to the header delivery date", async () => {
    const order = await normalizeOrder(ownFixture("csv-order.csv"));
    expect(order.lines.map((l) => [l.lineNumber, l.unit, l.requestedDate, l.productionMode])).toEqual([
      ["10", "H87", "2024-04-15", "MTS"],
      ["20", "H87", "2024-04-10", "MTO"],
      ["30", "LTR", "2024-04-15", "MTS"],
    ]);
    expect(order.shipTo).toMatchObject({ id: "C-1001-WE2", address: { city: "Bremen", postalCode: "28197" } });
  });

  it("reads semicolon-separated files", async () => {
    const body = ownFixture("csv-order.csv").toString().replace(/"([^"]*)"/g, (_m, s: string) => s.replace(/,/g, " ")).replace(/,/g, ";");
    const order = await normalizeOrder(body, { format: "csv" });
    expect(order.lines).toHaveLength(3);
  });

  it("falls back to the buyer's item number when the seller's is absent, keeping buyerSku", async () => {
    const body = "orderNumber,issueDate,currency,buyerId,lineNumber,buyerSku,quantity\nB-1,2024-01-02,EUR,C-9,1,CUST-77,4\n";
    const order = await normalizeOrder(body);
    expect(order.lines[0]).toMatchObject({ sku: "CUST-77", buyerSku: "CUST-77", quantity: 4 });
  });
});
