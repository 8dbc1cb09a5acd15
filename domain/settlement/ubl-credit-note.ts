import type { Party } from "../order/canonical-order";
import { minorUnits } from "../order/totals";
import type { TaxCategory } from "../fulfilment/tax";
import { SettlementError } from "./common";
import type { CreditNote } from "./returns";

/**
 * A credit note as a UBL 2.1 CreditNote document (urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2), its
 * elements in the order the schema's sequences require: header (type 381), the invoice it credits as billing
 * reference, the return as a receipt reference, the two parties, the tax total with a subtotal per category, the
 * monetary totals, and one CreditNoteLine per SKU received.
 */

export const UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function decimal(n: number, digits: number, min = 0): string {
  const fixed = Math.abs(n) < 1e-12 ? (0).toFixed(digits) : n.toFixed(digits);
  const [whole, fraction = ""] = fixed.split(".");
  const kept = fraction.replace(/0+$/, "").padEnd(min, "0");
  return kept ? `${whole}.${kept}` : whole;
}

class Xml {
  private readonly parts: string[] = [];
  private depth = 1;
  open(name: string): this {
    this.parts.push(`${"  ".repeat(this.depth++)}<${name}>`);
    return this;
  }
  close(name: string): this {
    this.parts.push(`${"  ".repeat(--this.depth)}</${name}>`);
    return this;
  }
  leaf(name: string, value: string | number | undefined, attrs = ""): this {
    if (value !== undefined && value !== "") this.parts.push(`${"  ".repeat(this.depth)}<${name}${attrs}>${esc(String(value))}</${name}>`);
    return this;
  }
  text(): string {
    return this.parts.join("\n");
  }
}

function taxCategory(x: Xml, element: string, tax: TaxCategory): void {
  x.open(element).leaf("cbc:ID", tax.id, ' schemeID="UNCL5305"').leaf("cbc:Percent", decimal(tax.percent, 4));
  if (tax.percent === 0 && tax.exemptionReason) x.leaf("cbc:TaxExemptionReason", tax.exemptionReason);
  x.open("cac:TaxScheme").leaf("cbc:ID", "VAT").close("cac:TaxScheme").close(element);
}

function party(x: Xml, element: string, p: Party, role: string, id: string): void {
  const name = p.name ?? p.id ?? p.gln;
  if (!name) throw new SettlementError(`ubl-credit-note: credit note ${id}: the ${role} has no name, id or GLN`);
  x.open(element).open("cac:Party");
  if (p.gln) x.leaf("cbc:EndpointID", p.gln, ' schemeID="0088"');
  if (p.id) x.open("cac:PartyIdentification").leaf("cbc:ID", p.id).close("cac:PartyIdentification");
  x.open("cac:PartyName").leaf("cbc:Name", name).close("cac:PartyName");
  if (p.taxId) x.open("cac:PartyTaxScheme").leaf("cbc:CompanyID", p.taxId).open("cac:TaxScheme").leaf("cbc:ID", "VAT").close("cac:TaxScheme").close("cac:PartyTaxScheme");
  x.open("cac:PartyLegalEntity").leaf("cbc:RegistrationName", name).close("cac:PartyLegalEntity");
  x.close("cac:Party").close(element);
}

/** The credit note as UBL 2.1 XML text (UTF-8). */
export function ublCreditNoteXml(cn: CreditNote): string {
  const cur = esc(cn.currency);
  const digits = minorUnits(cn.currency);
  const money = (n: number): [string, string] => [decimal(n, digits, digits), ` currencyID="${cur}"`];
  const x = new Xml();
  x.leaf("cbc:UBLVersionID", "2.1").leaf("cbc:ID", cn.creditNoteId).leaf("cbc:IssueDate", cn.issueDate).leaf("cbc:CreditNoteTypeCode", "381");
  x.leaf("cbc:Note", `Return ${cn.rma}: ${cn.reason}`).leaf("cbc:DocumentCurrencyCode", cn.currency);
  x.open("cac:OrderReference").leaf("cbc:ID", cn.orderNumber).close("cac:OrderReference");
  x.open("cac:BillingReference").open("cac:InvoiceDocumentReference").leaf("cbc:ID", cn.invoiceId).close("cac:InvoiceDocumentReference").close("cac:BillingReference");
  x.open("cac:ReceiptDocumentReference").leaf("cbc:ID", cn.receipt).close("cac:ReceiptDocumentReference");
  party(x, "cac:AccountingSupplierParty", cn.supplier, "supplier", cn.creditNoteId);
  party(x, "cac:AccountingCustomerParty", cn.customer, "customer", cn.creditNoteId);
  x.open("cac:TaxTotal").leaf("cbc:TaxAmount", ...money(cn.totals.tax));
  for (const t of cn.taxSubtotals) {
    x.open("cac:TaxSubtotal").leaf("cbc:TaxableAmount", ...money(t.taxable)).leaf("cbc:TaxAmount", ...money(t.amount));
    taxCategory(x, "cac:TaxCategory", t.tax);
    x.close("cac:TaxSubtotal");
  }
  x.close("cac:TaxTotal");
  const t = cn.totals;
  x.open("cac:LegalMonetaryTotal").leaf("cbc:LineExtensionAmount", ...money(t.lineExtension)).leaf("cbc:TaxExclusiveAmount", ...money(t.lineExtension));
  x.leaf("cbc:TaxInclusiveAmount", ...money(t.payable)).leaf("cbc:PayableAmount", ...money(t.payable)).close("cac:LegalMonetaryTotal");
  for (const l of cn.lines) {
    x.open("cac:CreditNoteLine").leaf("cbc:ID", l.id).leaf("cbc:CreditedQuantity", decimal(l.quantity, 6), ` unitCode="${esc(l.unit)}"`);
    x.leaf("cbc:LineExtensionAmount", ...money(l.net));
    x.open("cac:BillingReference").open("cac:InvoiceDocumentReference").leaf("cbc:ID", cn.invoiceId).close("cac:InvoiceDocumentReference");
    x.open("cac:BillingReferenceLine").leaf("cbc:ID", l.invoiceLine).close("cac:BillingReferenceLine").close("cac:BillingReference");
    x.open("cac:Item").leaf("cbc:Name", l.name).open("cac:SellersItemIdentification").leaf("cbc:ID", l.sku).close("cac:SellersItemIdentification");
    taxCategory(x, "cac:ClassifiedTaxCategory", l.tax);
    x.close("cac:Item");
    x.open("cac:Price").leaf("cbc:PriceAmount", decimal(l.unitPrice, 6, digits), ` currencyID="${cur}"`).close("cac:Price");
    x.close("cac:CreditNoteLine");
  }
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<CreditNote xmlns="${UBL_CREDIT_NOTE_NS}" xmlns:cac="${CAC}" xmlns:cbc="${CBC}">`, x.text(), "</CreditNote>", ""].join("\n");
}
