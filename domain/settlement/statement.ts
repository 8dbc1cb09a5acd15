import { fromMinor, toMinor } from "../order/money";
import { SettlementError } from "./common";

/**
 * The customer statement for a period: the balance the customer owed at its start (every document before it), each
 * invoice (a charge), credit note and payment (credits) in the period by day, with the running balance, and the
 * closing balance, which is always the opening balance plus the sum of the lines. In minor units, so it adds up.
 */

export type StatementKind = "invoice" | "credit-note" | "payment";

export interface StatementDocument {
  kind: StatementKind;
  document: string;
  /** The day of the document. */
  at: string;
  /** Positive: the invoice's payable amount, the credit note's or the payment's amount. */
  amount: number;
  /** An invoice's due date; the invoice a credit note or payment refers to. */
  dueDate?: string;
  reference?: string;
}

export interface StatementLine {
  at: string;
  kind: StatementKind;
  document: string;
  reference?: string;
  dueDate?: string;
  /** What the line adds to the balance: an invoice positive, a credit note or payment negative. */
  amount: number;
  balance: number;
}

export interface Statement {
  customer: string;
  name?: string;
  currency: string;
  from: string;
  to: string;
  opening: number;
  lines: StatementLine[];
  totals: { invoices: number; creditNotes: number; payments: number };
  closing: number;
}

const sign = (kind: StatementKind) => (kind === "invoice" ? 1 : -1);

export function customerStatement(customer: { id: string; name?: string; currency: string }, documents: readonly StatementDocument[], from: string, to: string): Statement {
  if (from > to) throw new SettlementError(`statement of customer ${customer.id}: from ${from} is after to ${to}`);
  const c = customer.currency;
  const seen = new Set<string>();
  const unique = documents.filter((d) => {
    const k = `${d.kind}|${d.document}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  let opening = 0;
  for (const d of unique) if (d.at.slice(0, 10) < from) opening += sign(d.kind) * toMinor(d.amount, c);
  const inPeriod = unique
    .filter((d) => d.at.slice(0, 10) >= from && d.at.slice(0, 10) <= to)
    .sort((a, b) => a.at.slice(0, 10).localeCompare(b.at.slice(0, 10)) || (a.kind === "invoice" ? 0 : 1) - (b.kind === "invoice" ? 0 : 1) || a.document.localeCompare(b.document));
  let balance = opening;
  const totals = { invoices: 0, creditNotes: 0, payments: 0 };
  const lines: StatementLine[] = inPeriod.map((d) => {
    const amount = sign(d.kind) * toMinor(d.amount, c);
    balance += amount;
    if (d.kind === "invoice") totals.invoices += amount;
    else if (d.kind === "credit-note") totals.creditNotes -= amount;
    else totals.payments -= amount;
    return { at: d.at.slice(0, 10), kind: d.kind, document: d.document, ...(d.reference ? { reference: d.reference } : {}), ...(d.dueDate ? { dueDate: d.dueDate } : {}), amount: fromMinor(amount, c), balance: fromMinor(balance, c) };
  });
  return {
    customer: customer.id,
    ...(customer.name ? { name: customer.name } : {}),
    currency: c,
    from,
    to,
    opening: fromMinor(opening, c),
    lines,
    totals: { invoices: fromMinor(totals.invoices, c), creditNotes: fromMinor(totals.creditNotes, c), payments: fromMinor(totals.payments, c) },
    closing: fromMinor(balance, c),
  };
}

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The statement as a printable HTML page (A4, no scripts). */
export function statementHtml(s: Statement, issuer = "OrderHub"): string {
  const amount = (n: number) => esc(n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  const kind = { invoice: "Invoice", "credit-note": "Credit note", payment: "Payment" };
  const rows = s.lines
    .map((l) => `<tr><td>${esc(l.at)}</td><td>${kind[l.kind]}</td><td>${esc(l.document)}</td><td>${esc(l.reference ?? l.dueDate ?? "")}</td><td class="n">${amount(l.amount)}</td><td class="n">${amount(l.balance)}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Statement ${esc(s.customer)} ${esc(s.from)} – ${esc(s.to)}</title>
<style>@page{size:A4;margin:18mm}body{font:11pt/1.4 sans-serif;color:#111}table{border-collapse:collapse;width:100%}th,td{padding:4px 6px;border-bottom:1px solid #ccc;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:bold;border-top:2px solid #111}</style>
</head><body>
<h1>Statement of account</h1>
<p>${esc(issuer)} · customer <strong>${esc(s.customer)}</strong>${s.name ? ` (${esc(s.name)})` : ""} · ${esc(s.from)} to ${esc(s.to)} · amounts in ${esc(s.currency)}</p>
<table>
<thead><tr><th>Date</th><th>Document</th><th>Number</th><th>Reference / due</th><th class="n">Amount</th><th class="n">Balance</th></tr></thead>
<tbody>
<tr><td>${esc(s.from)}</td><td colspan="4">Opening balance</td><td class="n">${amount(s.opening)}</td></tr>
${rows}
</tbody>
<tfoot><tr><td>${esc(s.to)}</td><td colspan="4">Closing balance</td><td class="n">${amount(s.closing)}</td></tr></tfoot>
</table>
<p>Invoices ${amount(s.totals.invoices)} · credit notes ${amount(s.totals.creditNotes)} · payments ${amount(s.totals.payments)}</p>
</body></html>
`;
}
