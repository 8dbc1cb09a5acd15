import { DEFAULT_AR_ACCOUNTS, type ArAccounts, type ArVoucher, type ArVoucherLine } from "../fulfilment/ar-voucher";
import { documentId } from "../fulfilment/ids";
import type { BilledLine, Invoice } from "../fulfilment/invoice";
import type { TaxCategory } from "../fulfilment/tax";
import type { Party } from "../order/canonical-order";
import { fromMinor, toMinor } from "../order/money";
import { SettlementError, money, qty, sumBy } from "./common";

/**
 * Returns: a customer sends back goods of an invoiced delivery under a return authorisation (RMA). The RMA is checked
 * against what was delivered and not returned already (by earlier RMAs); the warehouse's goods receipt decides the
 * credit: what was actually received, never more than was authorised, at the invoice's net unit price and tax rate.
 * The credit note's id comes from the RMA and the receipt, so the same receipt reported twice is one credit note.
 */

export interface RmaLine {
  lineNumber?: string;
  sku: string;
  quantity: number;
}

export interface Rma {
  rma: string;
  orderKey: string;
  customer: string;
  /** The invoice the goods were billed on. */
  invoice: string;
  reason: string;
  lines: RmaLine[];
}

export type RmaCheck = { outcome: "authorised"; lines: RmaLine[] } | { outcome: "refused"; reasons: string[] };

/** The RMA against the delivered quantities of its order and what earlier RMAs took back (per SKU). */
export function checkRma(rma: Rma, delivered: readonly RmaLine[], returnedBefore: readonly RmaLine[]): RmaCheck {
  const reasons: string[] = [];
  if (!rma.rma) reasons.push("rma: the return authorisation needs its number");
  if (!rma.reason) reasons.push(`rma ${rma.rma}: reason: say why the goods come back`);
  if (!Array.isArray(rma.lines) || rma.lines.length === 0) reasons.push(`rma ${rma.rma}: lines: at least one line (sku, quantity) is required`);
  (rma.lines ?? []).forEach((l, n) => {
    if (!(typeof l.quantity === "number" && l.quantity > 0)) reasons.push(`rma ${rma.rma}: lines[${n}].quantity: must be a number above 0, is ${JSON.stringify(l.quantity)}`);
  });
  if (reasons.length) return { outcome: "refused", reasons };
  const got = sumBy(delivered, (l) => l.sku, (l) => l.quantity);
  const back = sumBy(returnedBefore, (l) => l.sku, (l) => l.quantity);
  for (const [sku, quantity] of sumBy(rma.lines, (l) => l.sku, (l) => l.quantity)) {
    const d = got.get(sku) ?? 0;
    const r = back.get(sku) ?? 0;
    const left = qty(d - r);
    if (d === 0) reasons.push(`rma ${rma.rma}: ${sku} was never delivered on order ${rma.orderKey}`);
    else if (quantity > left) reasons.push(`rma ${rma.rma}: ${sku}: ${quantity} to return, but of ${d} delivered ${r} ${r === 1 ? "is" : "are"} returned already: ${left} can come back`);
  }
  return reasons.length ? { outcome: "refused", reasons } : { outcome: "authorised", lines: rma.lines.map((l) => ({ ...l })) };
}

export interface GoodsReceipt {
  /** The warehouse's receipt document. */
  document: string;
  at: string;
  warehouse?: string;
  lines: RmaLine[];
}

/** unitPrice: the invoice's net unit price (its line net over its quantity). */
export interface CreditNoteLine extends BilledLine {
  id: string;
  /** The invoice line it credits. */
  invoiceLine: string;
}

export interface CreditNote {
  creditNoteId: string;
  rma: string;
  receipt: string;
  invoiceId: string;
  orderKey: string;
  orderNumber: string;
  buyer: string;
  issueDate: string;
  currency: string;
  reason: string;
  supplier: Party;
  customer: Party;
  lines: CreditNoteLine[];
  taxSubtotals: Array<{ tax: TaxCategory; taxable: number; amount: number }>;
  totals: { lineExtension: number; tax: number; payable: number };
  notes: string[];
}

export type CreditResult = { outcome: "credit-note"; creditNote: CreditNote } | { outcome: "nothing-to-credit"; reasons: string[] };

export function creditNoteId(rma: string, receipt: string): string {
  return documentId("CN", rma, receipt);
}

/**
 * The credit note for a goods receipt under an RMA: per SKU the quantity received, capped at what the RMA authorised
 * less what earlier receipts credited, priced as the invoice billed it.
 */
export function creditNoteFor(rma: Rma, receipt: GoodsReceipt, invoice: Invoice, creditedBefore: readonly RmaLine[], issueDate: string): CreditResult {
  if (invoice.invoiceId !== rma.invoice) throw new SettlementError(`rma ${rma.rma}: names invoice ${rma.invoice}, but invoice ${invoice.invoiceId} was given`);
  const c = invoice.currency;
  const authorised = sumBy(rma.lines, (l) => l.sku, (l) => l.quantity);
  const before = sumBy(creditedBefore, (l) => l.sku, (l) => l.quantity);
  const notes: string[] = [];
  const lines: CreditNoteLine[] = [];
  for (const [sku, received] of sumBy(receipt.lines, (l) => l.sku, (l) => l.quantity)) {
    const may = qty((authorised.get(sku) ?? 0) - (before.get(sku) ?? 0));
    const quantity = Math.min(received, Math.max(0, may));
    if (!authorised.has(sku)) notes.push(`${sku}: ${received} received, not on rma ${rma.rma}: not credited`);
    else if (received > quantity) notes.push(`${sku}: ${received} received, ${may <= 0 ? "nothing" : quantity} of it credited: rma ${rma.rma} authorised ${authorised.get(sku) ?? 0}${before.get(sku) ? `, ${before.get(sku)} credited before` : ""}`);
    if (quantity <= 0) continue;
    const billed = invoice.lines.find((l) => l.sku === sku && l.quantity > 0);
    if (!billed) {
      notes.push(`${sku}: received, but invoice ${invoice.invoiceId} does not bill it: not credited`);
      continue;
    }
    const unitPrice = billed.net / billed.quantity;
    const net = fromMinor(toMinor(unitPrice * quantity, c), c);
    lines.push({ id: String(lines.length + 1), invoiceLine: billed.id, lineNumber: billed.lineNumber, sku, name: billed.name, quantity, unit: billed.unit, unitPrice, net, tax: billed.tax });
  }
  for (const [sku, q] of authorised) if (!receipt.lines.some((l) => l.sku === sku)) notes.push(`${sku}: ${q} announced on rma ${rma.rma}, none received with ${receipt.document}`);
  if (lines.length === 0) return { outcome: "nothing-to-credit", reasons: [`receipt ${receipt.document} under rma ${rma.rma}: nothing to credit`, ...notes] };
  const byTax = new Map<string, { tax: TaxCategory; taxable: number }>();
  for (const l of lines) {
    const t = byTax.get(l.tax.id) ?? { tax: l.tax, taxable: 0 };
    t.taxable += toMinor(l.net, c);
    byTax.set(l.tax.id, t);
  }
  const taxSubtotals = [...byTax.values()].map((t) => ({ tax: t.tax, taxable: fromMinor(t.taxable, c), amount: fromMinor(toMinor(fromMinor(t.taxable, c) * (t.tax.percent / 100), c), c) }));
  const lineExtension = fromMinor(lines.reduce((s, l) => s + toMinor(l.net, c), 0), c);
  const tax = fromMinor(taxSubtotals.reduce((s, t) => s + toMinor(t.amount, c), 0), c);
  const payable = fromMinor(toMinor(lineExtension, c) + toMinor(tax, c), c);
  notes.unshift(`credit note for rma ${rma.rma} (${rma.reason}): ${money(payable, c)} for what receipt ${receipt.document} took in`);
  return {
    outcome: "credit-note",
    creditNote: {
      creditNoteId: creditNoteId(rma.rma, receipt.document),
      rma: rma.rma,
      receipt: receipt.document,
      invoiceId: invoice.invoiceId,
      orderKey: invoice.orderKey,
      orderNumber: invoice.orderNumber,
      buyer: invoice.buyer,
      issueDate,
      currency: c,
      reason: rma.reason,
      supplier: invoice.supplier,
      customer: invoice.customer,
      lines,
      taxSubtotals,
      totals: { lineExtension, tax, payable },
      notes,
    },
  };
}

/** The AR voucher of a credit note: the receivable credited, revenue and output tax per category debited. */
export function creditNoteVoucher(cn: CreditNote, accounts: ArAccounts = DEFAULT_AR_ACCOUNTS): ArVoucher {
  const c = cn.currency;
  const lines: ArVoucherLine[] = [{ account: accounts.receivable, side: "credit", amount: cn.totals.payable, text: `credit note ${cn.creditNoteId} (rma ${cn.rma})` }];
  for (const t of cn.taxSubtotals) {
    const revenue = accounts.revenue[t.tax.id] ?? accounts.defaultRevenue;
    if (!revenue) throw new SettlementError(`credit note ${cn.creditNoteId}: no revenue account for tax category ${t.tax.id}`);
    lines.push({ account: revenue, side: "debit", amount: t.taxable, taxCategory: t.tax.id, text: `revenue ${t.tax.id} reversed` });
    if (t.amount !== 0) {
      const taxAccount = accounts.tax[t.tax.id];
      if (!taxAccount) throw new SettlementError(`credit note ${cn.creditNoteId}: no output-tax account for tax category ${t.tax.id} (${t.tax.percent}%)`);
      lines.push({ account: taxAccount, side: "debit", amount: t.amount, taxCategory: t.tax.id, text: `output tax ${t.tax.id} reversed` });
    }
  }
  const debit = lines.filter((l) => l.side === "debit").reduce((s, l) => s + toMinor(l.amount, c), 0);
  if (debit !== toMinor(cn.totals.payable, c)) throw new SettlementError(`credit note ${cn.creditNoteId}: the voucher does not balance (${money(fromMinor(debit, c), c)} against ${money(cn.totals.payable, c)})`);
  return {
    reference: documentId("ARC", cn.creditNoteId),
    customer: cn.buyer,
    invoice: cn.creditNoteId,
    orderNumber: cn.orderNumber,
    documentDate: cn.issueDate,
    postingDate: cn.issueDate,
    dueDate: cn.issueDate,
    currency: c,
    amount: -cn.totals.payable,
    netAmount: -cn.totals.lineExtension,
    taxAmount: -cn.totals.tax,
    lines,
  };
}
