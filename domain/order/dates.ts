/**
 * Calendar days for the decisions. Every rule works in whole days (YYYY-MM-DD): a date-time counts as its day as
 * written, and days compare as strings.
 */

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])/;

export function dayOf(date: string): string {
  return date.slice(0, 10);
}

/** Whether the text starts with an ISO 8601 calendar day that exists (2026-02-30 does not). */
export function isIsoDay(date: string): boolean {
  if (!ISO_DAY.test(date)) return false;
  const day = dayOf(date);
  return new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${dayOf(date)}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${dayOf(to)}T00:00:00Z`) - Date.parse(`${dayOf(from)}T00:00:00Z`)) / DAY_MS);
}

export function laterDay(a: string, b: string): string {
  return dayOf(a) > dayOf(b) ? dayOf(a) : dayOf(b);
}

/** Whether `day` lies in [from, to], both inclusive; no `to`: open-ended. */
export function withinDays(day: string, from: string, to?: string): boolean {
  const d = dayOf(day);
  return d >= dayOf(from) && (to === undefined || d <= dayOf(to));
}
