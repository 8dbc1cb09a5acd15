import type { Customer, OpenItem } from "../master/types";
import { addDays, dayOf, daysBetween } from "./dates";
import { fromMinor, toMinor } from "./money";

/**
 * After a payment: the customer's open items it lowers, and the held orders that now fit the credit line. Held
 * orders are not open items (they were never released); their amounts are in the customer's currency.
 */

/** Days an open item is overdue on the day: an invoice still owed past its due date plus the grace days; 0 when it is not. */
export function overdueDays(item: OpenItem, graceDays: number, day: string): number {
  if (item.type !== "invoice" || item.dueDate === undefined || !(item.amount > 0)) return 0;
  return daysBetween(addDays(item.dueDate, graceDays), day) > 0 ? daysBetween(item.dueDate, day) : 0;
}

export interface Payment {
  customer: string;
  amount: number;
  /** The invoice the payment settles; without one, it settles the oldest due invoices first. */
  invoice?: string;
  /** The payment's own reference, naming what is left on account. */
  document?: string;
}

export interface HeldOrder {
  /** The order's key (or number), as the caller names it. */
  order: string;
  /** What the order adds to the exposure, in the customer's currency. */
  amount: number;
}

/**
 * The open items after a payment: the named invoice is lowered (and gone when settled), a payment naming none
 * settles the customer's invoices oldest due first, and what is left over stays on account as a credit (a negative
 * open item) that later orders may use, as a prepayment does for a cash-in-advance customer.
 */
const dueDay = (i: OpenItem) => dayOf(i.dueDate ?? "9999-12-31");

export function applyPayment(openItems: readonly OpenItem[], payment: Payment, currency: string): OpenItem[] {
  let left = toMinor(payment.amount, currency);
  const owed = (i: OpenItem) => i.customer === payment.customer && i.type === "invoice" && i.amount > 0;
  const targets = openItems
    .filter((i) => owed(i) && (payment.invoice === undefined || i.document === payment.invoice))
    .sort((a, b) => dueDay(a).localeCompare(dueDay(b)));
  const lowered = new Map<OpenItem, number>();
  for (const item of targets) {
    if (left <= 0) break;
    const due = toMinor(item.amount, currency);
    const paid = Math.min(due, left);
    lowered.set(item, due - paid);
    left -= paid;
  }
  const after = openItems.flatMap((i) => {
    const rest = lowered.get(i);
    if (rest === undefined) return [i];
    return rest > 0 ? [{ ...i, amount: fromMinor(rest, currency) }] : [];
  });
  if (left > 0) {
    after.push({ customer: payment.customer, type: "invoice", document: payment.document ?? "payment on account", amount: -fromMinor(left, currency) });
  }
  return after;
}

/**
 * The held orders a customer's credit line now takes, in the order given (oldest first), each once: an order that
 * does not fit is passed over and a later, smaller one may still fit. None while the customer is blocked or an
 * invoice is overdue past the grace days on `at`; all when the customer has no credit limit.
 */
export function releasableOrders(held: readonly HeldOrder[], customer: Customer, openItems: readonly OpenItem[], at: string): HeldOrder[] {
  const day = dayOf(at);
  const own = openItems.filter((i) => i.customer === customer.id);
  if (customer.blocked || own.some((i) => overdueDays(i, customer.graceDays, day) > 0)) return [];
  const heldNames = new Set(held.map((h) => h.order));
  const seen = new Set<string>();
  const once = held.filter((h) => !seen.has(h.order) && seen.add(h.order));
  if (customer.creditLimit === undefined) return once;
  const currency = customer.currency;
  const exposure = own.filter((i) => !(i.type === "open-order" && heldNames.has(i.document))).reduce((sum, i) => sum + toMinor(i.amount, currency), 0);
  let room = toMinor(customer.creditLimit, currency) - exposure;
  return once.filter((h) => {
    const amount = toMinor(h.amount, currency);
    if (amount > room) return false;
    room -= amount;
    return true;
  });
}
