import { dayOf, isIsoDay } from "../order/dates";
import { formatMoney, toMinor } from "../order/money";

/**
 * What the settlement rules share: amounts summed in minor units of their currency (cents), so that a statement or a
 * reconciliation over thousands of documents does not drift, and days as YYYY-MM-DD.
 */

export class SettlementError extends Error {
  override name = "SettlementError";
}

/** An amount as a finance controller reads it: "1,428.00 EUR". */
export function money(amount: number, currency: string): string {
  return formatMoney(toMinor(amount, currency), currency);
}

/** A quantity without float noise: 0.1 + 0.2 is 0.3. */
export function qty(n: number): number {
  return Number(n.toFixed(6)) || 0;
}

/** The day of a date or date-time; throws naming the field for one that is no date. */
export function dayField(value: unknown, field: string): string {
  if (typeof value !== "string" || !isIsoDay(value)) throw new SettlementError(`${field}: must be a date (YYYY-MM-DD), is ${JSON.stringify(value)}`);
  return dayOf(value);
}

/** Sums quantities per key, in first-seen order. */
export function sumBy<T>(items: readonly T[], key: (t: T) => string, value: (t: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const t of items) sums.set(key(t), qty((sums.get(key(t)) ?? 0) + value(t)));
  return sums;
}
