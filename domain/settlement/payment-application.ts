import { fromMinor, toMinor } from "../order/money";
import { SettlementError, money } from "./common";

/**
 * Cash application: a customer's payment is applied to its open invoices. A payment that names an invoice (its
 * remittance reference) pays that invoice, up to what is open on it; one that names none pays the oldest due invoices
 * first (by due date, then invoice date, then number). What is left is kept on the customer's account. A payment
 * naming an invoice that is already paid or that the customer does not have goes on account whole, and says so.
 */

export interface OpenInvoice {
  invoice: string;
  customer: string;
  currency: string;
  /** What is still open on it (the payable amount less what was applied before). */
  open: number;
  issueDate: string;
  dueDate?: string;
}

export interface IncomingPayment {
  /** The payment's own reference (the bank's). */
  payment: string;
  customer: string;
  amount: number;
  currency: string;
  /** The invoice the remittance names. */
  invoice?: string;
  at: string;
}

export interface Allocation {
  payment: string;
  invoice: string;
  amount: number;
  /** Whether the invoice is paid in full by it. */
  settles: boolean;
}

export interface PaymentApplication {
  payment: string;
  customer: string;
  currency: string;
  allocations: Allocation[];
  /** Left on the customer's account (an over-payment, or a payment nothing was open for). */
  onAccount: number;
  /** The invoices after the payment (those still open, with what is left on them). */
  openAfter: OpenInvoice[];
  notes: string[];
}

const byAge = (a: OpenInvoice, b: OpenInvoice) =>
  (a.dueDate ?? a.issueDate).localeCompare(b.dueDate ?? b.issueDate) || a.issueDate.localeCompare(b.issueDate) || a.invoice.localeCompare(b.invoice);

/** Applies one payment to the customer's open invoices. Throws for a payment of nothing or in another currency. */
export function applyPaymentToInvoices(open: readonly OpenInvoice[], payment: IncomingPayment): PaymentApplication {
  const c = payment.currency;
  if (!(payment.amount > 0)) throw new SettlementError(`payment ${payment.payment}: amount must be above 0, is ${payment.amount}`);
  const mine = open.filter((i) => i.customer === payment.customer && toMinor(i.open, i.currency) > 0);
  const other = mine.find((i) => i.currency !== c);
  if (other) throw new SettlementError(`payment ${payment.payment}: ${money(payment.amount, c)} cannot pay invoice ${other.invoice} in ${other.currency} without an exchange rate`);
  let left = toMinor(payment.amount, c);
  const openMinor = new Map(mine.map((i) => [i.invoice, toMinor(i.open, c)]));
  const allocations: Allocation[] = [];
  const notes: string[] = [];
  const pay = (inv: OpenInvoice) => {
    const due = openMinor.get(inv.invoice) ?? 0;
    const take = Math.min(due, left);
    if (take <= 0) return;
    left -= take;
    openMinor.set(inv.invoice, due - take);
    allocations.push({ payment: payment.payment, invoice: inv.invoice, amount: fromMinor(take, c), settles: take === due });
  };
  if (payment.invoice) {
    const named = mine.find((i) => i.invoice === payment.invoice);
    if (named) pay(named);
    else notes.push(`payment ${payment.payment} names invoice ${payment.invoice}, which customer ${payment.customer} has nothing open on: ${money(payment.amount, c)} kept on account`);
  } else {
    for (const inv of [...mine].sort(byAge)) if (left > 0) pay(inv);
  }
  if (left > 0 && (payment.invoice === undefined || allocations.length > 0)) {
    notes.push(`payment ${payment.payment}: ${money(fromMinor(left, c), c)} more than ${payment.invoice ? `invoice ${payment.invoice}` : "the open invoices"} asked for, kept on account`);
  }
  for (const a of allocations) if (!a.settles) notes.push(`invoice ${a.invoice}: ${money(a.amount, c)} paid by ${payment.payment}, ${money(fromMinor(openMinor.get(a.invoice) ?? 0, c), c)} still open`);
  const openAfter = mine.map((i) => ({ ...i, open: fromMinor(openMinor.get(i.invoice) ?? 0, c) })).filter((i) => i.open > 0);
  return { payment: payment.payment, customer: payment.customer, currency: c, allocations, onAccount: fromMinor(left, c), openAfter, notes };
}

/** Several payments in the order they came (by day, then reference), each on what the ones before left open. */
export function applyPayments(open: readonly OpenInvoice[], payments: readonly IncomingPayment[]): { applications: PaymentApplication[]; openAfter: OpenInvoice[] } {
  const seen = new Set<string>();
  let current: OpenInvoice[] = [...open];
  const applications: PaymentApplication[] = [];
  for (const p of [...payments].sort((a, b) => a.at.localeCompare(b.at) || a.payment.localeCompare(b.payment))) {
    if (seen.has(p.payment)) continue;
    seen.add(p.payment);
    const mineBefore = current.filter((i) => i.customer === p.customer);
    const result = applyPaymentToInvoices(mineBefore, p);
    applications.push(result);
    current = [...current.filter((i) => i.customer !== p.customer), ...result.openAfter];
  }
  return { applications, openAfter: current };
}
