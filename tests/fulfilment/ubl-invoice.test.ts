import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStringPromise } from "xml2js";
import { buildInvoice, type Invoice } from "../../domain/fulfilment/invoice";
import { UBL_INVOICE_NS, ublInvoiceXml } from "../../domain/fulfilment/ubl-invoice";
import { PUBLIC, publicFixture } from "../support/fixtures";
import { AT, books, keyOf, line, order } from "./books";

/**
 * The UBL 2.1 Invoice the hub sends finance, read back as a receiving system reads it. No UBL schema (XSD) is among
 * the public fixtures and no validator is installed, so the structure is checked here: the elements this invoice uses,
 * in the order the UBL 2.1 schema's sequences give them (the order OASIS's own example invoice has them in).
 */

interface Node {
  "#name": string;
  _?: string;
  $?: Record<string, string>;
  $$?: Node[];
}

async function parse(xml: string | Buffer): Promise<Node> {
  const doc = await parseStringPromise(xml, { explicitChildren: true, preserveChildrenOrder: true, explicitRoot: true, charsAsChildren: false, xmlns: false });
  const name = Object.keys(doc)[0];
  return { ...doc[name], "#name": name };
}

const local = (n: Node) => n["#name"].replace(/^.*:/, "");
const children = (n: Node, name?: string) => (n.$$ ?? []).filter((c) => !name || local(c) === name);
const child = (n: Node, ...names: string[]): Node => names.reduce((at, name) => {
  const found = children(at, name)[0];
  if (!found) throw new Error(`no ${name} under ${at["#name"]}`);
  return found;
}, n);
const text = (n: Node, ...names: string[]) => child(n, ...names)._ ?? "";
const amount = (n: Node, ...names: string[]) => Number(text(n, ...names));

/** The UBL 2.1 schema's order of the Invoice's children (the ones an invoice may have, as far as the hub and OASIS's example use them). */
const INVOICE_SEQUENCE = ["UBLVersionID", "ID", "IssueDate", "DueDate", "InvoiceTypeCode", "Note", "TaxPointDate", "DocumentCurrencyCode", "AccountingCost", "InvoicePeriod", "OrderReference", "DespatchDocumentReference", "ContractDocumentReference", "AdditionalDocumentReference", "AccountingSupplierParty", "AccountingCustomerParty", "PayeeParty", "Delivery", "PaymentMeans", "PaymentTerms", "AllowanceCharge", "TaxTotal", "LegalMonetaryTotal", "InvoiceLine"];
const LINE_SEQUENCE = ["ID", "Note", "InvoicedQuantity", "LineExtensionAmount", "AccountingCost", "OrderLineReference", "AllowanceCharge", "TaxTotal", "Item", "Price"];
const TOTAL_SEQUENCE = ["LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount", "PayableRoundingAmount", "PayableAmount"];
const PARTY_SEQUENCE = ["EndpointID", "PartyIdentification", "PartyName", "PostalAddress", "PartyTaxScheme", "PartyLegalEntity", "Contact", "Person"];
const TAX_CATEGORY_SEQUENCE = ["ID", "Name", "Percent", "TaxExemptionReasonCode", "TaxExemptionReason", "TaxScheme"];
const ITEM_SEQUENCE = ["Description", "Name", "SellersItemIdentification", "StandardItemIdentification", "CommodityClassification", "ClassifiedTaxCategory", "AdditionalItemProperty"];

/** Each child is in the sequence, and they come in its order (a name may repeat). */
function expectInSequence(n: Node, sequence: string[]): void {
  const names = children(n).map(local);
  for (const name of names) expect(sequence, `${name} under ${n["#name"]}`).toContain(name);
  const positions = names.map((name) => sequence.indexOf(name));
  expect(positions, `${names.join(", ")} under ${n["#name"]}`).toEqual([...positions].sort((a, b) => a - b));
}

function anInvoice(): Invoice {
  const o = order("C-DE", [line("1", "GH-100", 10, 100, 900), line("2", "BAR-1", 100, 0.85), line("3", "SH-200", 4, 25.5)], {
    allowances: [{ reason: "loyalty & volume <5%>", amount: 54.25 }],
    charges: [{ reason: "freight", amount: 30 }],
  });
  const result = buildInvoice({ orderKey: keyOf(o), order: o, shipment: { document: "SHP-1", deliveryNote: "DN-0K3F9Z0A2BX", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }, { lineNumber: "2", sku: "BAR-1", quantity: 60 }] }, earlier: [], issueDate: AT }, books());
  if (result.outcome !== "invoice") throw new Error(result.outcome);
  return result.invoice;
}

describe("the UBL 2.1 Invoice", () => {
  it("is an Invoice in the UBL namespaces with the header, references, parties and totals finance needs", async () => {
    const invoice = anInvoice();
    const xml = ublInvoiceXml(invoice);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">/);
    const doc = await parse(xml);
    expect(doc["#name"]).toBe("Invoice");
    expect(doc.$?.xmlns).toBe(UBL_INVOICE_NS);
    expect([text(doc, "UBLVersionID"), text(doc, "ID"), text(doc, "IssueDate"), text(doc, "DueDate"), text(doc, "InvoiceTypeCode"), text(doc, "DocumentCurrencyCode")]).toEqual(["2.1", invoice.invoiceId, AT, "2026-07-01", "380", "EUR"]);
    expect(text(doc, "OrderReference", "ID")).toBe("PO-1");
    expect(text(doc, "DespatchDocumentReference", "ID")).toBe("DN-0K3F9Z0A2BX");
    expect(text(doc, "AccountingSupplierParty", "Party", "PartyName", "Name")).toBe("Gearworks GmbH");
    expect(text(doc, "AccountingSupplierParty", "Party", "PartyTaxScheme", "CompanyID")).toBe("DE123456789");
    expect(text(doc, "AccountingCustomerParty", "Party", "PartyIdentification", "ID")).toBe("C-DE");
    expect(text(doc, "AccountingCustomerParty", "Party", "PostalAddress", "Country", "IdentificationCode")).toBe("DE");
    expect(children(doc, "AllowanceCharge").map((a) => [text(a, "ChargeIndicator"), text(a, "AllowanceChargeReason"), text(a, "TaxCategory", "ID")])).toEqual([
      ["false", "loyalty & volume <5%>", "S"],
      ["false", "loyalty & volume <5%>", "AA"],
      ["true", "freight", "S"],
      ["true", "freight", "AA"],
    ]);
  });

  it("adds up when read back: lines, allowances, charges, tax per category, payable", async () => {
    const invoice = anInvoice();
    const doc = await parse(ublInvoiceXml(invoice));
    const cents = (n: number) => Math.round(n * 100);
    const lines = children(doc, "InvoiceLine");
    expect(lines.map((l) => [text(l, "ID"), text(l, "InvoicedQuantity"), child(l, "InvoicedQuantity").$?.unitCode, text(l, "LineExtensionAmount"), text(l, "Item", "SellersItemIdentification", "ID"), text(l, "Item", "Name"), text(l, "Price", "PriceAmount"), text(l, "OrderLineReference", "LineID")])).toEqual([
      ["1", "10", "H87", "900.00", "GH-100", "gear housing", "100.00", "1"],
      ["2", "60", "H87", "51.00", "BAR-1", "cereal bar", "0.85", "2"],
    ]);
    // a line's own discount: quantity × price − allowance = line extension amount
    expect(amount(lines[0], "AllowanceCharge", "Amount")).toBe(100);
    const sumLines = lines.reduce((a, l) => a + cents(amount(l, "LineExtensionAmount")), 0);
    const total = child(doc, "LegalMonetaryTotal");
    expect(cents(amount(total, "LineExtensionAmount"))).toBe(sumLines);
    const allowances = children(doc, "AllowanceCharge").filter((a) => text(a, "ChargeIndicator") === "false").reduce((a, x) => a + cents(amount(x, "Amount")), 0);
    const charges = children(doc, "AllowanceCharge").filter((a) => text(a, "ChargeIndicator") === "true").reduce((a, x) => a + cents(amount(x, "Amount")), 0);
    expect(cents(amount(total, "AllowanceTotalAmount"))).toBe(allowances);
    expect(cents(amount(total, "ChargeTotalAmount"))).toBe(charges);
    expect(cents(amount(total, "TaxExclusiveAmount"))).toBe(sumLines - allowances + charges);
    const taxTotal = child(doc, "TaxTotal");
    const subtotals = children(taxTotal, "TaxSubtotal");
    expect(subtotals.map((s) => [text(s, "TaxCategory", "ID"), text(s, "TaxCategory", "Percent"), text(s, "TaxCategory", "TaxScheme", "ID")])).toEqual([["S", "19", "VAT"], ["AA", "7", "VAT"]]);
    expect(subtotals.reduce((a, s) => a + cents(amount(s, "TaxableAmount")), 0)).toBe(sumLines - allowances + charges);
    for (const s of subtotals) expect(cents(amount(s, "TaxAmount"))).toBe(Math.round((cents(amount(s, "TaxableAmount")) * Number(text(s, "TaxCategory", "Percent"))) / 100));
    const tax = subtotals.reduce((a, s) => a + cents(amount(s, "TaxAmount")), 0);
    expect(cents(amount(taxTotal, "TaxAmount"))).toBe(tax);
    expect(cents(amount(total, "TaxInclusiveAmount"))).toBe(sumLines - allowances + charges + tax);
    expect(cents(amount(total, "PayableAmount"))).toBe(cents(invoice.totals.payable));
    for (const n of [child(total, "PayableAmount"), child(taxTotal, "TaxAmount"), child(lines[0], "LineExtensionAmount")]) expect(n.$?.currencyID).toBe("EUR");
  });

  it("has its elements in the order of the UBL 2.1 schema, as OASIS's example invoice does", async () => {
    const doc = await parse(ublInvoiceXml(anInvoice()));
    expectInSequence(doc, INVOICE_SEQUENCE);
    expectInSequence(child(doc, "LegalMonetaryTotal"), TOTAL_SEQUENCE);
    for (const p of ["AccountingSupplierParty", "AccountingCustomerParty"]) expectInSequence(child(doc, p, "Party"), PARTY_SEQUENCE);
    for (const l of children(doc, "InvoiceLine")) {
      expectInSequence(l, LINE_SEQUENCE);
      expectInSequence(child(l, "Item"), ITEM_SEQUENCE);
      expectInSequence(child(l, "Item", "ClassifiedTaxCategory"), TAX_CATEGORY_SEQUENCE);
    }
    for (const s of children(child(doc, "TaxTotal"), "TaxSubtotal")) expectInSequence(child(s, "TaxCategory"), TAX_CATEGORY_SEQUENCE);
  });

  it("orders its elements as the OASIS UBL 2.1 example invoice (public fixture) does, where both have them", async () => {
    const example = await parse(publicFixture("ubl-2.1/UBL-Invoice-2.1-Example.xml"));
    // the sequences above hold for the example too: they are the schema's, not the hub's own taste
    expectInSequence(example, INVOICE_SEQUENCE);
    expectInSequence(child(example, "LegalMonetaryTotal"), TOTAL_SEQUENCE);
    for (const l of children(example, "InvoiceLine")) expectInSequence(l, LINE_SEQUENCE);
    const ours = children(await parse(ublInvoiceXml(anInvoice()))).map(local);
    const theirs = [...new Set(children(example).map(local))];
    const common = theirs.filter((n) => ours.includes(n));
    expect(common.length).toBeGreaterThanOrEqual(10);
    expect([...new Set(ours)].filter((n) => common.includes(n))).toEqual(common);
  });

  it("says why a zero-rated line carries no tax (intra-community supply)", async () => {
    const o = order("C-AT", [line("1", "GH-100", 2, 100)]);
    const result = buildInvoice({ orderKey: keyOf(o), order: o, shipment: { document: "S", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 2 }] }, earlier: [], issueDate: AT }, books());
    if (result.outcome !== "invoice") throw new Error(result.outcome);
    const doc = await parse(ublInvoiceXml(result.invoice));
    const category = child(doc, "TaxTotal", "TaxSubtotal", "TaxCategory");
    expect([text(category, "ID"), text(category, "Percent"), text(category, "TaxExemptionReason")]).toEqual(["K", "0", "Intra-community supply of goods"]);
    expect(amount(doc, "LegalMonetaryTotal", "PayableAmount")).toBe(200);
  });

  it("finds no UBL schema among the public fixtures to validate against (the structure checks above stand in)", () => {
    const xsds = existsSync(PUBLIC) ? readdirSync(PUBLIC, { recursive: true }).map(String).filter((f) => f.endsWith(".xsd")) : [];
    // should a schema be added, validate against it here with a validator the machine has
    expect(xsds.map((f) => path.basename(f))).toEqual([]);
  });
});
