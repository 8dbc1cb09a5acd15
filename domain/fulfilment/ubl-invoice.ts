import type { Invoice, InvoiceLine } from "./invoice";
import { escapeXml, ublDocument, ublItemAndPrice, ublMoney, ublParty, ublTaxCategory, ublTaxTotal, UblXml, xmlDecimal, type UblCurrency } from "./ubl-xml";

/**
 * An invoice as a UBL 2.1 Invoice document (OASIS, urn:oasis:names:specification:ubl:schema:xsd:Invoice-2), the
 * elements in the order the schema's sequences require: header, order and despatch references, the two parties,
 * payment terms, document allowances and charges, tax total with a subtotal per tax category, monetary totals, lines.
 */

export const UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
export { UBL_CAC_NS, UBL_CBC_NS } from "./ubl-xml";

export class UblInvoiceError extends Error {
  override name = "UblInvoiceError";
}

function invoiceLine(x: UblXml, l: InvoiceLine, currency: UblCurrency): void {
  const { money } = currency;
  x.open("cac:InvoiceLine").leaf("cbc:ID", l.id);
  x.leaf("cbc:InvoicedQuantity", xmlDecimal(l.quantity, 6), ` unitCode="${escapeXml(l.unit)}"`);
  x.leaf("cbc:LineExtensionAmount", ...money(l.net));
  x.open("cac:OrderLineReference").leaf("cbc:LineID", l.lineNumber).close("cac:OrderLineReference");
  if (l.allowance !== 0) {
    x.open("cac:AllowanceCharge").leaf("cbc:ChargeIndicator", l.allowance < 0 ? "true" : "false").leaf("cbc:AllowanceChargeReason", "line discount");
    x.leaf("cbc:Amount", ...money(Math.abs(l.allowance))).close("cac:AllowanceCharge");
  }
  ublItemAndPrice(x, l, currency);
  x.close("cac:InvoiceLine");
}

/** The invoice as UBL 2.1 XML text (UTF-8). */
export function ublInvoiceXml(invoice: Invoice): string {
  const currency = ublMoney(invoice.currency);
  const { money } = currency;
  const nameless = (role: string) => () => new UblInvoiceError(`ubl-invoice: the ${role} has no name, id or GLN to put on the invoice`);
  const x = new UblXml();
  x.leaf("cbc:UBLVersionID", "2.1").leaf("cbc:ID", invoice.invoiceId).leaf("cbc:IssueDate", invoice.issueDate).leaf("cbc:DueDate", invoice.dueDate);
  x.leaf("cbc:InvoiceTypeCode", "380").leaf("cbc:DocumentCurrencyCode", invoice.currency);
  x.open("cac:OrderReference").leaf("cbc:ID", invoice.orderNumber).close("cac:OrderReference");
  x.open("cac:DespatchDocumentReference").leaf("cbc:ID", invoice.deliveryNote).close("cac:DespatchDocumentReference");
  ublParty(x, "cac:AccountingSupplierParty", invoice.supplier, nameless("supplier"));
  ublParty(x, "cac:AccountingCustomerParty", invoice.customer, nameless("customer"));
  x.open("cac:PaymentTerms").leaf("cbc:Note", invoice.paymentTermsDays > 0 ? `Net ${invoice.paymentTermsDays} days, due ${invoice.dueDate}` : `Due on receipt (${invoice.dueDate})`).close("cac:PaymentTerms");
  for (const a of invoice.allowanceCharges) {
    x.open("cac:AllowanceCharge").leaf("cbc:ChargeIndicator", a.charge ? "true" : "false").leaf("cbc:AllowanceChargeReason", a.reason).leaf("cbc:Amount", ...money(a.amount));
    ublTaxCategory(x, "cac:TaxCategory", a.tax);
    x.close("cac:AllowanceCharge");
  }
  ublTaxTotal(x, money, invoice.totals.tax, invoice.taxSubtotals);
  const t = invoice.totals;
  x.open("cac:LegalMonetaryTotal").leaf("cbc:LineExtensionAmount", ...money(t.lineExtension)).leaf("cbc:TaxExclusiveAmount", ...money(t.taxExclusive));
  x.leaf("cbc:TaxInclusiveAmount", ...money(t.taxInclusive)).leaf("cbc:AllowanceTotalAmount", ...money(t.allowances));
  if (t.charges !== 0) x.leaf("cbc:ChargeTotalAmount", ...money(t.charges));
  x.leaf("cbc:PayableAmount", ...money(t.payable)).close("cac:LegalMonetaryTotal");
  for (const l of invoice.lines) invoiceLine(x, l, currency);
  return ublDocument("Invoice", UBL_INVOICE_NS, x);
}
