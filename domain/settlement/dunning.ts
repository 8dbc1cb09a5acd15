import { addDays, daysBetween } from "../order/dates";
import { money } from "./common";

/**
 * Dunning: an invoice not paid by its due date is reminded, then noticed a second time, and at last the customer is
 * put on credit hold. Days overdue count from the day after due date + the customer's grace days. Each level is sent
 * once per invoice; an invoice that reaches a higher level before the lower one was sent (the hub was down over the
 * days in between) gets the highest level it reached only. A paid invoice and a credit are never dunned.
 */

export type DunningLevel = "reminder" | "second-notice" | "credit-hold";
export const DUNNING_LEVELS: readonly DunningLevel[] = ["reminder", "second-notice", "credit-hold"];

/** The customer's terms: grace days (the customer master's), and days overdue at which each level is reached. */
export interface DunningTerms {
  graceDays: number;
  reminder: number;
  secondNotice: number;
  creditHold: number;
}

export const DEFAULT_DUNNING_TERMS: Readonly<Omit<DunningTerms, "graceDays">> = Object.freeze({ reminder: 1, secondNotice: 15, creditHold: 30 });

export interface DunnableInvoice {
  invoice: string;
  customer: string;
  currency: string;
  /** What is still open on it. */
  open: number;
  dueDate: string;
}

export interface DunningNotice {
  event: `dunning.${DunningLevel}`;
  level: DunningLevel;
  customer: string;
  invoice: string;
  dueDate: string;
  daysOverdue: number;
  open: number;
  currency: string;
  at: string;
  reason: string;
}

/** The level an invoice has reached on `at`, or undefined when it is not (yet) overdue enough. */
export function dunningLevel(invoice: DunnableInvoice, terms: DunningTerms, at: string): { level?: DunningLevel; daysOverdue: number } {
  const daysOverdue = daysBetween(addDays(invoice.dueDate, terms.graceDays), at);
  if (invoice.open <= 0 || daysOverdue < terms.reminder) return { daysOverdue: Math.max(0, daysOverdue) };
  const level: DunningLevel = daysOverdue >= terms.creditHold ? "credit-hold" : daysOverdue >= terms.secondNotice ? "second-notice" : "reminder";
  return { level, daysOverdue };
}

/**
 * The notices due on `at`: per overdue invoice the level it reached, unless that level or a higher one was sent
 * before (`sent`: invoice → levels sent). `termsOf` gives each customer's terms.
 */
export function dunningNotices(invoices: readonly DunnableInvoice[], termsOf: (customer: string) => DunningTerms, sent: ReadonlyMap<string, readonly DunningLevel[]>, at: string): DunningNotice[] {
  const notices: DunningNotice[] = [];
  for (const inv of invoices) {
    const terms = termsOf(inv.customer);
    const { level, daysOverdue } = dunningLevel(inv, terms, at);
    if (!level) continue;
    const rank = DUNNING_LEVELS.indexOf(level);
    const before = sent.get(inv.invoice) ?? [];
    if (before.some((l) => DUNNING_LEVELS.indexOf(l) >= rank)) continue;
    const words = level === "reminder" ? "a reminder" : level === "second-notice" ? "a second notice" : "credit hold for the customer";
    notices.push({
      event: `dunning.${level}`,
      level,
      customer: inv.customer,
      invoice: inv.invoice,
      dueDate: inv.dueDate,
      daysOverdue,
      open: inv.open,
      currency: inv.currency,
      at,
      reason: `invoice ${inv.invoice} of customer ${inv.customer}: ${money(inv.open, inv.currency)} open, due ${inv.dueDate}, ${daysOverdue} day${daysOverdue === 1 ? "" : "s"} overdue after ${terms.graceDays} grace day${terms.graceDays === 1 ? "" : "s"}: ${words}`,
    });
  }
  return notices;
}
