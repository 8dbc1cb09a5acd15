import { formatMoney, fromMinor, toMinor } from "../order/money";
import { documentId } from "./ids";
import type { Invoice } from "./invoice";

/**
 * ar-voucher: the accounts-receivable voucher ERP's PostARVoucher books for an invoice. The customer's receivable is
 * debited with the invoice's payable amount; revenue is credited with each tax category's taxable amount (its lines
 * less its share of allowances, plus charges) on that category's revenue account, and the tax on its tax account.
 * Debits equal credits to the cent. The reference comes from the invoice id, so posting it twice books it once in a
 * system that keys on it (ERP's PostARVoucher is idempotent by invoice number).
 */

/** General-ledger accounts: the receivable, and per tax category the revenue and the output-tax account. */
export interface ArAccounts {
  receivable: string;
  revenue: Record<string, string>;
  tax: Record<string, string>;
  /** For a category neither map names. */
  defaultRevenue?: string;
}

/** SKR03, the German standard chart the demo manufacturer books on. */
export const DEFAULT_AR_ACCOUNTS: Readonly<ArAccounts> = Object.freeze({
  receivable: "1400",
  revenue: { S: "8400", AA: "8300", Z: "8200", E: "8100", AE: "8337", K: "8125", G: "8120" },
  tax: { S: "1776", AA: "1771" },
  defaultRevenue: "8200",
});

export interface ArVoucherLine {
  account: string;
  side: "debit" | "credit";
  amount: number;
  taxCategory?: string;
  text: string;
}

export interface ArVoucher {
  /** `ARV-…` from the invoice id. */
  reference: string;
  customer: string;
  invoice: string;
  orderNumber: string;
  documentDate: string;
  postingDate: string;
  dueDate: string;
  currency: string;
  amount: number;
  netAmount: number;
  taxAmount: number;
  lines: ArVoucherLine[];
}

export class ArVoucherError extends Error {
  override name = "ArVoucherError";
}

/** The voucher for an invoice, posted on `postingDate` (default: the invoice date). */
export function arVoucher(invoice: Invoice, accounts: ArAccounts = DEFAULT_AR_ACCOUNTS, postingDate?: string): ArVoucher {
  const c = invoice.currency;
  const text = `invoice ${invoice.invoiceId}, order ${invoice.orderNumber}`;
  const lines: ArVoucherLine[] = [{ account: accounts.receivable, side: "debit", amount: invoice.totals.payable, text: `${invoice.buyer}: ${text}` }];
  for (const t of invoice.taxSubtotals) {
    const revenue = accounts.revenue[t.tax.id] ?? accounts.defaultRevenue;
    if (!revenue) throw new ArVoucherError(`ar-voucher: no revenue account for tax category ${t.tax.id} (invoice ${invoice.invoiceId}): add it to the accounts`);
    lines.push({ account: revenue, side: "credit", amount: t.taxable, taxCategory: t.tax.id, text: `revenue ${t.tax.id} ${t.tax.percent}%: ${text}` });
    if (t.amount === 0) continue;
    const tax = accounts.tax[t.tax.id];
    if (!tax) throw new ArVoucherError(`ar-voucher: no output-tax account for tax category ${t.tax.id} (${t.tax.percent}%, ${formatMoney(toMinor(t.amount, c), c)} on invoice ${invoice.invoiceId}): add it to the accounts`);
    lines.push({ account: tax, side: "credit", amount: t.amount, taxCategory: t.tax.id, text: `output tax ${t.tax.id} ${t.tax.percent}%: ${text}` });
  }
  const sum = (side: ArVoucherLine["side"]) => lines.filter((l) => l.side === side).reduce((a, l) => a + toMinor(l.amount, c), 0);
  if (sum("debit") !== sum("credit")) {
    throw new ArVoucherError(`ar-voucher: invoice ${invoice.invoiceId} does not balance: debit ${formatMoney(sum("debit"), c)}, credit ${formatMoney(sum("credit"), c)}`);
  }
  return {
    reference: documentId("ARV", invoice.invoiceId),
    customer: invoice.buyer,
    invoice: invoice.invoiceId,
    orderNumber: invoice.orderNumber,
    documentDate: invoice.issueDate,
    postingDate: postingDate ?? invoice.issueDate,
    dueDate: invoice.dueDate,
    currency: c,
    amount: invoice.totals.payable,
    netAmount: invoice.totals.taxExclusive,
    taxAmount: fromMinor(toMinor(invoice.totals.tax, c), c),
    lines,
  };
}
