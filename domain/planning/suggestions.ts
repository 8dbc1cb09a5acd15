import { periodStart, type PlanningCalendar } from "./calendar";
import type { PeggedOrder } from "./merge";
import type { MrpException } from "./mrp";

/**
 * Planned orders as `planning.suggestion` events: what a buyer should order (purchase), what the plant should start
 * (production), what a subcontractor should make (outsourcing), with the dates on the calendar and the demands the
 * order covers. A suggestion's id is its plan's first day, bucket and planned order id: the same plan made again on the
 * same day suggests under the same ids, so a consumer that deduplicates on the message id sees each suggestion once.
 */

export type SuggestionKind = "purchase" | "production" | "outsourcing";

export interface PlanningSuggestion {
  event: "planning.suggestion";
  /** `<from>/<bucket>/<planned order id>`: also the message id's tail. */
  id: string;
  kind: SuggestionKind;
  item: string;
  quantity: number;
  supplier?: string;
  /** When to place the order or start production: the first day of the release period. */
  releaseDate: string;
  /** When it must be in: the first day of the receipt period. */
  dueDate: string;
  releasePeriod: number;
  receiptPeriod: number;
  /** Released later than the lead time allows: expedite (the exception's message says by how much). */
  pastDue: boolean;
  warning?: string;
  /** The demands it covers, each with its date (a parent's planned order: the first day of its period). */
  covers: { source: string; date: string; quantity: number }[];
  /** Planned order ids merged into this one. */
  merged?: string[];
  plan: { from: string; bucket: PlanningCalendar["bucket"]; periods: number };
}

/** The AMQP message id of a suggestion. */
export const suggestionMessageId = (s: Pick<PlanningSuggestion, "id">): string => `planning.suggestion:${s.id}`;

/** One suggestion per planned order, in the order given. */
export function suggestionsOf(orders: readonly PeggedOrder[], calendar: PlanningCalendar, exceptions: readonly MrpException[] = []): PlanningSuggestion[] {
  return orders.map((o) => {
    const late = exceptions.find((e) => e.kind === "past-due" && e.item === o.item && e.period === o.receiptPeriod);
    return {
      event: "planning.suggestion",
      id: `${calendar.from}/${calendar.bucket}/${o.id}`,
      kind: o.type,
      item: o.item,
      quantity: o.quantity,
      ...(o.supplier ? { supplier: o.supplier } : {}),
      releaseDate: periodStart(calendar, o.releasePeriod),
      dueDate: periodStart(calendar, o.receiptPeriod),
      releasePeriod: o.releasePeriod,
      receiptPeriod: o.receiptPeriod,
      pastDue: late !== undefined,
      ...(late ? { warning: late.message } : {}),
      covers: o.covers.map((c) => ({ source: c.source, date: c.date ?? periodStart(calendar, c.period), quantity: c.quantity })),
      ...(o.merged ? { merged: o.merged } : {}),
      plan: { from: calendar.from, bucket: calendar.bucket, periods: calendar.periods },
    };
  });
}
