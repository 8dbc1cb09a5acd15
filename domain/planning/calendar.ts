import { PlanningInputError } from "./errors";
import { isoDate, number, oneOf } from "./input-checks";

/**
 * The MRP's periods on the calendar: `periods` buckets of a day or of an ISO week (Monday to Sunday) from `from`.
 * Period 1 holds `from`; a weekly period 1 is the ISO week that holds it. A date before `from` is past due and counts
 * in period 1; a date after the horizon is in no period.
 */

export type Bucket = "day" | "week";

export interface PlanningCalendar {
  /** ISO date of the plan's first day. */
  from: string;
  periods: number;
  bucket: Bucket;
}

export interface PeriodOfDate {
  period: number;
  /** The date lies before the plan's first day: counted in period 1, late already. */
  pastDue: boolean;
}

const DAY_MS = 86_400_000;
const ms = (date: string) => Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Monday of the ISO week that holds `date`. */
export function weekStart(date: string): string {
  const t = ms(date);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return iso(t - weekday * DAY_MS);
}

/** ISO week label, `2026-W18`. */
export function isoWeek(date: string): string {
  const t = ms(date);
  const thursday = t + (3 - ((new Date(t).getUTCDay() + 6) % 7)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Checks a calendar as JSON gives it, naming the field. */
export function calendarOf(from: unknown, periods: unknown, bucket: unknown = "day"): PlanningCalendar {
  return {
    from: isoDate(from, "from").slice(0, 10),
    periods: number(periods, "periods", { min: 1, max: 1000, whole: true }),
    bucket: oneOf(bucket, "bucket", ["day", "week"] as const),
  };
}

const span = (c: PlanningCalendar) => (c.bucket === "week" ? 7 : 1);
const origin = (c: PlanningCalendar) => ms(c.bucket === "week" ? weekStart(c.from) : c.from);

/** The first day of `period` (1-based): its Monday for weeks, except period 1, which starts on `from`. */
export function periodStart(c: PlanningCalendar, period: number): string {
  if (!Number.isInteger(period) || period < 1) throw new PlanningInputError(`period ${period}: periods are whole numbers from 1`);
  return period === 1 ? c.from.slice(0, 10) : iso(origin(c) + (period - 1) * span(c) * DAY_MS);
}

/** The day after the last day of `period`. */
export function periodEnd(c: PlanningCalendar, period: number): string {
  return iso(origin(c) + period * span(c) * DAY_MS);
}

/** The period a date falls in: period 1 (past due) before `from`, undefined after the horizon. */
export function periodOf(c: PlanningCalendar, date: string): PeriodOfDate | undefined {
  const t = ms(date);
  if (Number.isNaN(t)) throw new PlanningInputError(`date ${JSON.stringify(date)}: must be a date, YYYY-MM-DD`);
  if (t < ms(c.from)) return { period: 1, pastDue: true };
  const period = 1 + Math.floor((t - origin(c)) / (span(c) * DAY_MS));
  return period > c.periods ? undefined : { period, pastDue: false };
}

/** A lead time in days as whole periods, rounded up: 3 days are 1 week, 8 days are 2. */
export function leadTimePeriods(c: Pick<PlanningCalendar, "bucket">, days: number): number {
  return Math.max(0, Math.ceil(days / span(c as PlanningCalendar)));
}

/** Every period with its first day and its label (the date, or the ISO week). */
export function periodsOf(c: PlanningCalendar): { period: number; start: string; label: string }[] {
  return Array.from({ length: c.periods }, (_, i) => {
    const start = periodStart(c, i + 1);
    return { period: i + 1, start, label: c.bucket === "week" ? isoWeek(start) : start };
  });
}
