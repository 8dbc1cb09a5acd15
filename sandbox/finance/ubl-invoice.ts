import { parseStringPromise } from "xml2js";
import { Refusal, cents, invalid } from "../standin-http";

/**
 * A UBL 2.1 Invoice as a receiving finance system reads it: namespaces by URI (any prefixes), the parts it books from,
 * and the sums checked the way EN 16931 adds them up: payable = Σ line extension amounts − document allowances +
 * document charges + tax − prepaid + rounding. Refuses with 400 what is not XML, with 422 what is not a bookable
 * invoice, naming the element.
 */

export const UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
export const UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/** The two UBL documents finance books: an Invoice (cac:InvoiceLine) and a CreditNote (cac:CreditNoteLine), summed alike. */
export type UblDocumentKind = "Invoice" | "CreditNote";
const NAMESPACES: Record<UblDocumentKind, string> = { Invoice: UBL_INVOICE_NS, CreditNote: UBL_CREDIT_NOTE_NS };
const CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";

export interface InvoiceFacts {
  /** cbc:ID: the invoice number. */
  number: string;
  issueDate: string;
  currency: string;
  /** The customer as the invoice names it (PartyIdentification/ID, else EndpointID, else the name). */
  customer: string;
  customerName?: string;
  /** cac:OrderReference/cbc:ID: the buyer's order number, when given. */
  orderReference?: string;
  /** cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID: the invoice a credit note credits, when given. */
  billingReference?: string;
  lines: number;
  lineTotal: number;
  allowances: number;
  charges: number;
  tax: number;
  prepaid: number;
  rounding: number;
  payable: number;
}

interface El {
  $ns: { uri: string; local: string };
  _?: string;
  $?: Record<string, { value: string }>;
  [child: string]: unknown;
}

function children(el: El, ns: string, local: string): El[] {
  const found: El[] = [];
  for (const [key, value] of Object.entries(el)) {
    if (key === "$" || key === "$ns" || key === "_" || !Array.isArray(value)) continue;
    for (const c of value as El[]) if (typeof c === "object" && c?.$ns?.uri === ns && c.$ns.local === local) found.push(c);
  }
  return found;
}

const child = (el: El | undefined, ns: string, local: string): El | undefined => (el ? children(el, ns, local)[0] : undefined);
const textOf = (el: El | undefined): string | undefined => {
  const t = typeof el?._ === "string" ? el._.trim() : "";
  return t === "" ? undefined : t;
};
const AMOUNT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export async function parseXml(body: string): Promise<El> {
  if (body.trim() === "") throw new Refusal(400, "the body is empty: send the UBL Invoice XML");
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new Refusal(400, "XML with a DTD or entities is refused");
  let doc: Record<string, El>;
  try {
    doc = (await parseStringPromise(body, { xmlns: true, explicitArray: true, explicitCharkey: true, strict: true })) as Record<string, El>;
  } catch (err) {
    throw new Refusal(400, `the body is not well-formed XML: ${(err as Error).message.split("\n").join(" ")}`);
  }
  const root = doc ? Object.values(doc)[0] : undefined;
  if (!root?.$ns) throw new Refusal(400, "the body is not an XML document");
  return root;
}

/** The invoice's (or the credit note's) facts, or a Refusal naming the element that is missing or wrong. */
export async function readUblInvoice(body: string, kind: UblDocumentKind = "Invoice"): Promise<InvoiceFacts> {
  const root = await parseXml(body);
  if (root.$ns.local !== kind || root.$ns.uri !== NAMESPACES[kind]) {
    throw invalid(`the root element must be ${kind} in ${NAMESPACES[kind]} (is ${root.$ns.local}${root.$ns.uri ? ` in ${root.$ns.uri}` : " without a namespace"})`);
  }
  const required = (el: El | undefined, path: string): string => {
    const t = textOf(el);
    if (t === undefined) throw invalid(`${kind}/${path}: is missing`);
    return t;
  };
  const number = required(child(root, CBC, "ID"), "cbc:ID");
  const issueDate = required(child(root, CBC, "IssueDate"), "cbc:IssueDate");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(issueDate) || Number.isNaN(Date.parse(issueDate))) throw invalid(`${kind}/cbc:IssueDate: "${issueDate}" is not a date YYYY-MM-DD`);

  const totals = child(root, CAC, "LegalMonetaryTotal");
  if (!totals) throw invalid(`${kind}/cac:LegalMonetaryTotal: is missing`);
  const payableEl = child(totals, CBC, "PayableAmount");
  if (!payableEl) throw invalid(`${kind}/cac:LegalMonetaryTotal/cbc:PayableAmount: is missing`);
  const currency = textOf(child(root, CBC, "DocumentCurrencyCode")) ?? payableEl.$?.currencyID?.value?.trim();
  if (!currency) throw invalid(`${kind}/cac:LegalMonetaryTotal/cbc:PayableAmount: currencyID is missing (and there is no cbc:DocumentCurrencyCode)`);
  const taxCurrency = textOf(child(root, CBC, "TaxCurrencyCode"));

  const amountOf = (el: El, path: string, allowed: string[] = [currency]): { value: number; currency: string } => {
    const t = textOf(el);
    if (t === undefined || !AMOUNT.test(t)) throw invalid(`${kind}/${path}: ${t === undefined ? "has no amount" : `"${t}" is not an amount`}`);
    const id = el.$?.currencyID?.value?.trim();
    if (!id) throw invalid(`${kind}/${path}: currencyID is missing`);
    if (!allowed.includes(id)) throw invalid(`${kind}/${path}: currencyID ${id} is not the invoice's currency ${currency}`);
    return { value: Number(t), currency: id };
  };
  const optionalAmount = (parent: El, local: string, path: string) => {
    const el = child(parent, CBC, local);
    return el ? amountOf(el, path).value : undefined;
  };

  const customerParty = child(child(root, CAC, "AccountingCustomerParty"), CAC, "Party");
  if (!child(root, CAC, "AccountingCustomerParty")) throw invalid(`${kind}/cac:AccountingCustomerParty: is missing`);
  if (!customerParty) throw invalid(`${kind}/cac:AccountingCustomerParty/cac:Party: is missing`);
  const customerName = textOf(child(child(customerParty, CAC, "PartyName"), CBC, "Name")) ?? textOf(child(child(customerParty, CAC, "PartyLegalEntity"), CBC, "RegistrationName"));
  const customer = textOf(child(child(customerParty, CAC, "PartyIdentification"), CBC, "ID")) ?? textOf(child(customerParty, CBC, "EndpointID")) ?? customerName;
  if (!customer) throw invalid(`${kind}/cac:AccountingCustomerParty/cac:Party: names no customer (cac:PartyIdentification/cbc:ID, cbc:EndpointID or cac:PartyName/cbc:Name)`);

  const lines = children(root, CAC, `${kind}Line`);
  if (lines.length === 0) throw invalid(`${kind}/cac:${kind}Line: ${kind === "Invoice" ? "an invoice" : "a credit note"} needs at least one line`);
  let lineTotal = 0;
  lines.forEach((line, i) => {
    const at = `cac:${kind}Line[${i + 1}]`;
    required(child(line, CBC, "ID"), `${at}/cbc:ID`);
    const lea = child(line, CBC, "LineExtensionAmount");
    if (!lea) throw invalid(`${kind}/${at}/cbc:LineExtensionAmount: is missing`);
    lineTotal += amountOf(lea, `${at}/cbc:LineExtensionAmount`).value;
  });

  let allowances = 0;
  let charges = 0;
  children(root, CAC, "AllowanceCharge").forEach((ac, i) => {
    const at = `cac:AllowanceCharge[${i + 1}]`;
    const indicator = textOf(child(ac, CBC, "ChargeIndicator"));
    if (indicator !== "true" && indicator !== "false") throw invalid(`${kind}/${at}/cbc:ChargeIndicator: must be true or false (is ${indicator === undefined ? "missing" : `"${indicator}"`})`);
    const el = child(ac, CBC, "Amount");
    if (!el) throw invalid(`${kind}/${at}/cbc:Amount: is missing`);
    const { value } = amountOf(el, `${at}/cbc:Amount`);
    if (indicator === "true") charges += value;
    else allowances += value;
  });

  let tax = 0;
  children(root, CAC, "TaxTotal").forEach((tt, i) => {
    const el = child(tt, CBC, "TaxAmount");
    if (!el) throw invalid(`${kind}/cac:TaxTotal[${i + 1}]/cbc:TaxAmount: is missing`);
    const a = amountOf(el, `cac:TaxTotal[${i + 1}]/cbc:TaxAmount`, taxCurrency ? [currency, taxCurrency] : [currency]);
    if (a.currency === currency) tax += a.value; // a second TaxTotal in the tax currency restates it
  });

  const M = "cac:LegalMonetaryTotal";
  const stated = (local: string, actual: number, what: string) => {
    const given = optionalAmount(totals, local, `${M}/cbc:${local}`);
    if (given !== undefined && Math.abs(given - actual) > 0.01) throw invalid(`${kind}/${M}/cbc:${local}: ${given.toFixed(2)} ${currency}, but ${what} add up to ${cents(actual).toFixed(2)} ${currency}`);
  };
  stated("LineExtensionAmount", lineTotal, "the lines' cbc:LineExtensionAmount");
  stated("AllowanceTotalAmount", allowances, "the document's allowances (cac:AllowanceCharge, ChargeIndicator false)");
  stated("ChargeTotalAmount", charges, "the document's charges (cac:AllowanceCharge, ChargeIndicator true)");
  const prepaid = optionalAmount(totals, "PrepaidAmount", `${M}/cbc:PrepaidAmount`) ?? 0;
  const rounding = optionalAmount(totals, "PayableRoundingAmount", `${M}/cbc:PayableRoundingAmount`) ?? 0;
  const payable = amountOf(payableEl, `${M}/cbc:PayableAmount`).value;
  const expected = lineTotal - allowances + charges + tax - prepaid + rounding;
  if (Math.abs(payable - expected) > 0.01) {
    const f = (n: number) => cents(n).toFixed(2);
    throw invalid(
      `${kind}/${M}/cbc:PayableAmount: ${f(payable)} ${currency}, expected ${f(expected)} ${currency} ` +
        `(lines ${f(lineTotal)} − allowances ${f(allowances)} + charges ${f(charges)} + tax ${f(tax)} − prepaid ${f(prepaid)} + rounding ${f(rounding)})`,
    );
  }
  const orderReference = textOf(child(child(root, CAC, "OrderReference"), CBC, "ID"));
  const billingReference = textOf(child(child(child(root, CAC, "BillingReference"), CAC, "InvoiceDocumentReference"), CBC, "ID"));
  return {
    number,
    issueDate,
    currency,
    customer,
    ...(customerName ? { customerName } : {}),
    ...(orderReference ? { orderReference } : {}),
    ...(billingReference ? { billingReference } : {}),
    lines: lines.length,
    lineTotal: cents(lineTotal),
    allowances: cents(allowances),
    charges: cents(charges),
    tax: cents(tax),
    prepaid: cents(prepaid),
    rounding: cents(rounding),
    payable: cents(payable),
  };
}
