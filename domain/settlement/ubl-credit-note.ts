import { escapeXml, ublDocument, ublItemAndPrice, ublMoney, ublParty, ublTaxTotal, UblXml, xmlDecimal } from "../fulfilment/ubl-xml";
import { SettlementError } from "./common";
import type { CreditNote } from "./returns";

/**
 * A credit note as a UBL 2.1 CreditNote document (urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2), its
 * elements in the order the schema's sequences require: header (type 381), the invoice it credits as billing
 * reference, the return as a receipt reference, the two parties, the tax total with a subtotal per category, the
 * monetary totals, and one CreditNoteLine per SKU received.
 */

export const UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/** The credit note as UBL 2.1 XML text (UTF-8). */
export function ublCreditNoteXml(cn: CreditNote): string {
  const currency = ublMoney(cn.currency);
  const { money } = currency;
  const nameless = (role: string) => () => new SettlementError(`ubl-credit-note: credit note ${cn.creditNoteId}: the ${role} has no name, id or GLN`);
  const x = new UblXml();
  x.leaf("cbc:UBLVersionID", "2.1").leaf("cbc:ID", cn.creditNoteId).leaf("cbc:IssueDate", cn.issueDate).leaf("cbc:CreditNoteTypeCode", "381");
  x.leaf("cbc:Note", `Return ${cn.rma}: ${cn.reason}`).leaf("cbc:DocumentCurrencyCode", cn.currency);
  x.open("cac:OrderReference").leaf("cbc:ID", cn.orderNumber).close("cac:OrderReference");
  x.open("cac:BillingReference").open("cac:InvoiceDocumentReference").leaf("cbc:ID", cn.invoiceId).close("cac:InvoiceDocumentReference").close("cac:BillingReference");
  x.open("cac:ReceiptDocumentReference").leaf("cbc:ID", cn.receipt).close("cac:ReceiptDocumentReference");
  ublParty(x, "cac:AccountingSupplierParty", cn.supplier, nameless("supplier"), "brief");
  ublParty(x, "cac:AccountingCustomerParty", cn.customer, nameless("customer"), "brief");
  ublTaxTotal(x, money, cn.totals.tax, cn.taxSubtotals);
  const t = cn.totals;
  x.open("cac:LegalMonetaryTotal").leaf("cbc:LineExtensionAmount", ...money(t.lineExtension)).leaf("cbc:TaxExclusiveAmount", ...money(t.lineExtension));
  x.leaf("cbc:TaxInclusiveAmount", ...money(t.payable)).leaf("cbc:PayableAmount", ...money(t.payable)).close("cac:LegalMonetaryTotal");
  for (const l of cn.lines) {
    x.open("cac:CreditNoteLine").leaf("cbc:ID", l.id).leaf("cbc:CreditedQuantity", xmlDecimal(l.quantity, 6), ` unitCode="${escapeXml(l.unit)}"`);
    x.leaf("cbc:LineExtensionAmount", ...money(l.net));
    x.open("cac:BillingReference").open("cac:InvoiceDocumentReference").leaf("cbc:ID", cn.invoiceId).close("cac:InvoiceDocumentReference");
    x.open("cac:BillingReferenceLine").leaf("cbc:ID", l.invoiceLine).close("cac:BillingReferenceLine").close("cac:BillingReference");
    ublItemAndPrice(x, l, currency);
    x.close("cac:CreditNoteLine");
  }
  return ublDocument("CreditNote", UBL_CREDIT_NOTE_NS, x);
}
