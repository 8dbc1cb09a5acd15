import type { Party } from "../order/canonical-order";
import { minorUnits } from "../order/totals";
import type { Invoice, InvoiceLine } from "./invoice";
import type { TaxCategory } from "./tax";

/**
 * An invoice as a UBL 2.1 Invoice document (OASIS, urn:oasis:names:specification:ubl:schema:xsd:Invoice-2), the
 * elements in the order the schema's sequences require: header, order and despatch references, the two parties,
 * payment terms, document allowances and charges, tax total with a subtotal per tax category, monetary totals, lines.
 */

export const UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
export const UBL_CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
export const UBL_CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

export class UblInvoiceError extends Error {
  override name = "UblInvoiceError";
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number as XML decimal: no exponent, at most `digits` decimals, trailing zeros kept to `min`. */
function decimal(n: number, digits: number, min = 0): string {
  const fixed = Math.abs(n) < 1e-12 ? (0).toFixed(digits) : n.toFixed(digits);
  const [whole, fraction = ""] = fixed.split(".");
  const kept = fraction.replace(/0+$/, "").padEnd(min, "0");
  return kept ? `${whole}.${kept}` : whole;
}

class Xml {
  private readonly parts: string[] = [];
  private depth = 1;

  open(name: string, attrs = ""): this {
    this.parts.push(`${"  ".repeat(this.depth)}<${name}${attrs}>`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.parts.push(`${"  ".repeat(this.depth)}</${name}>`);
    return this;
  }

  leaf(name: string, value: string | number | undefined, attrs = ""): this {
    if (value === undefined || value === "") return this;
    this.parts.push(`${"  ".repeat(this.depth)}<${name}${attrs}>${escapeXml(String(value))}</${name}>`);
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

function party(x: Xml, element: string, p: Party, role: string): void {
  const name = p.name ?? p.id ?? p.gln;
  if (!name) throw new UblInvoiceError(`ubl-invoice: the ${role} has no name, id or GLN to put on the invoice`);
  x.open(element).open("cac:Party");
  if (p.gln) x.leaf("cbc:EndpointID", p.gln, ' schemeID="0088"');
  if (p.id) x.open("cac:PartyIdentification").leaf("cbc:ID", p.id).close("cac:PartyIdentification");
  x.open("cac:PartyName").leaf("cbc:Name", name).close("cac:PartyName");
  const a = p.address;
  if (a && (a.street || a.city || a.postalCode || a.region || a.country)) {
    x.open("cac:PostalAddress").leaf("cbc:StreetName", a.street).leaf("cbc:CityName", a.city).leaf("cbc:PostalZone", a.postalCode).leaf("cbc:CountrySubentity", a.region);
    if (a.country) x.open("cac:Country").leaf("cbc:IdentificationCode", a.country).close("cac:Country");
    x.close("cac:PostalAddress");
  }
  if (p.taxId) x.open("cac:PartyTaxScheme").leaf("cbc:CompanyID", p.taxId).open("cac:TaxScheme").leaf("cbc:ID", "VAT").close("cac:TaxScheme").close("cac:PartyTaxScheme");
  x.open("cac:PartyLegalEntity").leaf("cbc:RegistrationName", name).close("cac:PartyLegalEntity");
  const c = p.contact;
  if (c && (c.name || c.phone || c.email)) x.open("cac:Contact").leaf("cbc:Name", c.name).leaf("cbc:Telephone", c.phone).leaf("cbc:ElectronicMail", c.email).close("cac:Contact");
  x.close("cac:Party").close(element);
}

function invoiceLine(x: Xml, l: InvoiceLine, money: (n: number) => [string, string], currencyDigits: number, currency: string): void {
  x.open("cac:InvoiceLine").leaf("cbc:ID", l.id);
  x.leaf("cbc:InvoicedQuantity", decimal(l.quantity, 6), ` unitCode="${escapeXml(l.unit)}"`);
  x.leaf("cbc:LineExtensionAmount", ...money(l.net));
  x.open("cac:OrderLineReference").leaf("cbc:LineID", l.lineNumber).close("cac:OrderLineReference");
  if (l.allowance !== 0) {
    x.open("cac:AllowanceCharge").leaf("cbc:ChargeIndicator", l.allowance < 0 ? "true" : "false").leaf("cbc:AllowanceChargeReason", "line discount");
    x.leaf("cbc:Amount", ...money(Math.abs(l.allowance))).close("cac:AllowanceCharge");
  }
  x.open("cac:Item").leaf("cbc:Name", l.name).open("cac:SellersItemIdentification").leaf("cbc:ID", l.sku).close("cac:SellersItemIdentification");
  taxCategory(x, "cac:ClassifiedTaxCategory", l.tax);
  x.close("cac:Item");
  x.open("cac:Price").leaf("cbc:PriceAmount", decimal(l.unitPrice, 6, currencyDigits), ` currencyID="${currency}"`).close("cac:Price");
  x.close("cac:InvoiceLine");
}

/** The invoice as UBL 2.1 XML text (UTF-8). */
export function ublInvoiceXml(invoice: Invoice): string {
  const currency = escapeXml(invoice.currency);
  const digits = minorUnits(invoice.currency);
  const money = (n: number): [string, string] => [decimal(n, digits, digits), ` currencyID="${currency}"`];
  const x = new Xml();
  x.leaf("cbc:UBLVersionID", "2.1").leaf("cbc:ID", invoice.invoiceId).leaf("cbc:IssueDate", invoice.issueDate).leaf("cbc:DueDate", invoice.dueDate);
  x.leaf("cbc:InvoiceTypeCode", "380").leaf("cbc:DocumentCurrencyCode", invoice.currency);
  x.open("cac:OrderReference").leaf("cbc:ID", invoice.orderNumber).close("cac:OrderReference");
  x.open("cac:DespatchDocumentReference").leaf("cbc:ID", invoice.deliveryNote).close("cac:DespatchDocumentReference");
  party(x, "cac:AccountingSupplierParty", invoice.supplier, "supplier");
  party(x, "cac:AccountingCustomerParty", invoice.customer, "customer");
  x.open("cac:PaymentTerms").leaf("cbc:Note", invoice.paymentTermsDays > 0 ? `Net ${invoice.paymentTermsDays} days, due ${invoice.dueDate}` : `Due on receipt (${invoice.dueDate})`).close("cac:PaymentTerms");
  for (const a of invoice.allowanceCharges) {
    x.open("cac:AllowanceCharge").leaf("cbc:ChargeIndicator", a.charge ? "true" : "false").leaf("cbc:AllowanceChargeReason", a.reason).leaf("cbc:Amount", ...money(a.amount));
    taxCategory(x, "cac:TaxCategory", a.tax);
    x.close("cac:AllowanceCharge");
  }
  x.open("cac:TaxTotal").leaf("cbc:TaxAmount", ...money(invoice.totals.tax));
  for (const t of invoice.taxSubtotals) {
    x.open("cac:TaxSubtotal").leaf("cbc:TaxableAmount", ...money(t.taxable)).leaf("cbc:TaxAmount", ...money(t.amount));
    taxCategory(x, "cac:TaxCategory", t.tax);
    x.close("cac:TaxSubtotal");
  }
  x.close("cac:TaxTotal");
  const t = invoice.totals;
  x.open("cac:LegalMonetaryTotal").leaf("cbc:LineExtensionAmount", ...money(t.lineExtension)).leaf("cbc:TaxExclusiveAmount", ...money(t.taxExclusive));
  x.leaf("cbc:TaxInclusiveAmount", ...money(t.taxInclusive)).leaf("cbc:AllowanceTotalAmount", ...money(t.allowances));
  if (t.charges !== 0) x.leaf("cbc:ChargeTotalAmount", ...money(t.charges));
  x.leaf("cbc:PayableAmount", ...money(t.payable)).close("cac:LegalMonetaryTotal");
  for (const l of invoice.lines) invoiceLine(x, l, money, digits, currency);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Invoice xmlns="${UBL_INVOICE_NS}" xmlns:cac="${UBL_CAC_NS}" xmlns:cbc="${UBL_CBC_NS}">`,
    x.text(),
    "</Invoice>",
    "",
  ].join("\n");
}
