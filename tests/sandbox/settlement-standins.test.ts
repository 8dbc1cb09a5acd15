import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ErpState } from "../../sandbox/erp/state";
import { readUblInvoice } from "../../sandbox/finance/ubl-invoice";
import { demoManufacturer } from "../../sandbox/seed";
import { WmsState } from "../../sandbox/wms/state";

// What the stand-ins take for settlement (docs/SANDBOX.md): finance's credit notes, ERP's purchase orders and credit
// vouchers, the WMS's consignment fill-ups. Their books directly, as the HTTP, SOAP and AMQP sides call them.

const FIXTURES = process.env.ORDERHUB_PUBLIC_FIXTURES ?? "/work/shared/fixtures/public";
const EXAMPLE = readFileSync(resolve(FIXTURES, "ubl-2.1/UBL-CreditNote-2.1-Example.xml"), "utf8");

describe("finance: a UBL 2.1 CreditNote", () => {
  it("reads the OASIS example as it is: lines, allowances, charges, tax, prepaid and rounding add up to the payable 729.00", async () => {
    expect(await readUblInvoice(EXAMPLE, "CreditNote")).toMatchObject({ number: "TOSL108", issueDate: "2009-12-15", currency: "EUR", lines: 5, lineTotal: 1436.5, tax: 292.2, prepaid: 1000, rounding: 0.3, payable: 729 });
  });

  it.each([
    ["an Invoice root", EXAMPLE.replace(/<CreditNote /, "<Invoice ").replace(/<\/CreditNote>/, "</Invoice>"), "the root element must be CreditNote"],
    ["the Invoice namespace", EXAMPLE.replace('xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"', 'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'), "the root element must be CreditNote in urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"],
    ["no cbc:ID", EXAMPLE.replace("<cbc:ID>TOSL108</cbc:ID>", ""), "CreditNote/cbc:ID: is missing"],
    ["a payable that does not add up", EXAMPLE.replace('<cbc:PayableAmount currencyID="EUR">729</cbc:PayableAmount>', '<cbc:PayableAmount currencyID="EUR">730</cbc:PayableAmount>'), "CreditNote/cac:LegalMonetaryTotal/cbc:PayableAmount: 730.00 EUR, expected 729.00 EUR"],
    ["no lines", EXAMPLE.replace(/<cac:CreditNoteLine>[\s\S]*<\/cac:CreditNoteLine>/, ""), "CreditNote/cac:CreditNoteLine: a credit note needs at least one line"],
  ])("refuses %s with 422 naming the element", async (_case, xml, error) => {
    await expect(readUblInvoice(xml, "CreditNote")).rejects.toMatchObject({ status: 422, message: expect.stringContaining(error) });
  });

  it("still refuses a CreditNote sent as an invoice", async () => {
    await expect(readUblInvoice(EXAMPLE)).rejects.toMatchObject({ status: 422, message: expect.stringContaining("the root element must be Invoice") });
  });
});

describe("ERP: an inter-company purchase order", () => {
  const line = { lineNumber: "10", sku: "FG-1000", quantity: 5, unitPrice: 9.8 };
  const input = { externalReference: "ICPO-1", supplierNumber: "DE01", orderDate: "2026-03-02", currency: "EUR", lines: [line] };

  it("is booked once per external reference, at the price it states", () => {
    const erp = new ErpState(() => demoManufacturer());
    const first = erp.createPurchaseOrder(input);
    expect(first).toMatchObject({ created: true, order: { supplier: "DE01", netValue: 49, lines: [expect.objectContaining({ netValue: 49 })] } });
    const again = erp.createPurchaseOrder({ ...input, lines: [{ ...line, quantity: 7 }] });
    expect(again).toMatchObject({ created: false, order: { purchaseOrderNumber: first.order.purchaseOrderNumber, netValue: 49 } });
  });

  it.each([
    ["no lines", { lines: [] }, "Lines: a purchase order needs at least one line"],
    ["a quantity of 0", { lines: [{ ...line, quantity: 0 }] }, "Lines.Line[0] (line 10): Quantity must be greater than 0 (is 0)"],
    ["no price", { lines: [{ ...line, unitPrice: undefined }] }, "Lines.Line[0] (line 10): UnitPrice is missing"],
    ["an item the ERP does not know", { lines: [{ ...line, sku: "NOPE-1" }] }, "item NOPE-1 does not exist"],
    ["a line number twice", { lines: [line, { ...line, sku: "FG-1001" }] }, "Lines.Line[1]: line number 10 appears twice"],
    ["a currency that is none", { currency: "euro" }, 'Currency: "euro" is not an ISO 4217 code'],
  ])("refuses %s, naming the field", (_case, change, error) => {
    const erp = new ErpState(() => demoManufacturer());
    expect(() => erp.createPurchaseOrder({ ...input, ...change })).toThrow(error);
  });
});

describe("ERP: a credit note's AR voucher", () => {
  const credit = { invoiceNumber: "CN-1", customerNumber: "C-OPEN", invoiceDate: "2026-03-02", dueDate: "2026-03-02", currency: "EUR", netAmount: -37.5, taxAmount: -7.13, grossAmount: -44.63 };

  it("posts negative amounts once, as a negative open item of the customer", () => {
    const erp = new ErpState(() => demoManufacturer());
    const before = erp.getCustomerCredit("C-OPEN").exposure;
    expect(erp.postArVoucher(credit).created).toBe(true);
    expect(erp.postArVoucher(credit).created).toBe(false);
    expect(erp.getCustomerCredit("C-OPEN").exposure).toBeCloseTo(before - 44.63, 2);
  });

  it("keeps the checks: gross is net + tax, another voucher under the number is refused", () => {
    const erp = new ErpState(() => demoManufacturer());
    expect(() => erp.postArVoucher({ ...credit, grossAmount: -44.0 })).toThrow("GrossAmount: -44 is not NetAmount -37.5 + TaxAmount -7.13");
    erp.postArVoucher(credit);
    expect(() => erp.postArVoucher({ ...credit, netAmount: -10, taxAmount: -1.9, grossAmount: -11.9 })).toThrow("a different voucher under the same invoice number is refused");
  });
});

describe("WMS: a consignment fill-up", () => {
  const note = (extra: object) => Buffer.from(JSON.stringify({ deliveryNote: "FU-1", orderKey: "C-NORTH/FU-1/0", orderNumber: "FU-1", buyer: "C-NORTH", lines: [{ lineNumber: "10", sku: "FG-1002", quantity: 20, warehouse: "WH-WALLDORF" }], ...extra }));

  it("is announced as wms.fill-up.picked and wms.fill-up.shipped with the site, for what the stock gave", () => {
    const wms = new WmsState(() => demoManufacturer());
    wms.setStock("FG-1002", "WH-WALLDORF", 12);
    const events = wms.ship(wms.read(note({ type: "consignment-fillup", shipTo: "P1" })), new Date(), new Date());
    expect(events.picked.event).toBe("wms.fill-up.picked");
    expect(events.shipped).toMatchObject({ event: "wms.fill-up.shipped", type: "consignment-fillup", shipTo: "P1", short: true, lines: [expect.objectContaining({ requested: 20, quantity: 12 })] });
  });

  it("announces a delivery to a sister company as wms.intercompany.picked and .shipped, with the buyer", () => {
    const wms = new WmsState(() => demoManufacturer());
    const events = wms.ship(wms.read(note({ type: "intercompany", shipTo: "PL01" })), new Date(), new Date());
    expect(events.picked.event).toBe("wms.intercompany.picked");
    expect(events.shipped).toMatchObject({ event: "wms.intercompany.shipped", type: "intercompany", shipTo: "PL01" });
  });

  it("announces a sales delivery as before", () => {
    const wms = new WmsState(() => demoManufacturer());
    const events = wms.ship(wms.read(note({})), new Date(), new Date());
    expect(events.shipped.event).toBe("wms.shipped");
    expect(events.shipped).not.toHaveProperty("type");
  });

  it.each([
    ["a fill-up without its site", { type: "consignment-fillup" }, "a consignment-fillup names the consignment site in shipTo"],
    ["an inter-company delivery without its buyer", { type: "intercompany" }, "an intercompany delivery names the buying company in shipTo"],
    ["a type it does not run", { type: "cross-dock" }, 'type: "cross-dock" is no delivery type of this WMS'],
  ])("rejects %s", (_case, extra, error) => {
    const wms = new WmsState(() => demoManufacturer());
    expect(() => wms.read(note(extra))).toThrow(error);
  });
});
