import { freeOn, movementDays, post, roundQuantity, type Stock } from "./atp-ledger";
import { addDays } from "./dates";
import type { Confirmation } from "./decision";

/**
 * Promising one line of an item from its stock: whole from one warehouse, split across warehouses, or complete on the
 * earliest day it can be. The item's lead time is the promise past all supply: from the evaluation date plus the lead
 * time on, whatever free supply does not cover is confirmed as replenishment from the first warehouse. Every promise
 * is taken from the stock at once, so the next line sees what is left.
 */

export interface Promising {
  /** The item's ledgers by warehouse; taking a promise posts it there. */
  stock: Stock;
  /** The warehouses in the strategy's order (priority, or the customer's region first). */
  warehouses: readonly string[];
  /** `fewest-splits`: a split takes from the warehouses with most free first. */
  fewestSplits: boolean;
  /** The evaluation date plus the item's lead time. */
  leadTimeDay: string;
  /** Where replenishment is confirmed: the first warehouse in strategy order; none when there is no warehouse at all. */
  leadTimeWarehouse?: string;
}

function take(p: Promising, warehouse: string, day: string, quantity: number, source: Confirmation["source"]): Confirmation {
  let ledger = p.stock.get(warehouse);
  if (!ledger) p.stock.set(warehouse, (ledger = { days: [], net: [] }));
  post(ledger, day, -quantity);
  return { quantity, date: day, warehouse, source };
}

const freeIn = (p: Promising, warehouse: string, day: string) => {
  const ledger = p.stock.get(warehouse);
  return ledger ? freeOn(ledger, day) : 0;
};

/** The warehouses in the order a split takes from them on the day. */
function splitOrder(p: Promising, day: string): string[] {
  if (!p.fewestSplits) return [...p.warehouses];
  const free = new Map(p.warehouses.map((w) => [w, freeIn(p, w, day)]));
  return [...p.warehouses].sort((a, b) => free.get(b)! - free.get(a)!);
}

/** The whole quantity from the first warehouse that has it free on the day. */
export function wholeOn(p: Promising, day: string, quantity: number): Confirmation[] | undefined {
  const warehouse = p.warehouses.find((w) => freeIn(p, w, day) >= quantity);
  return warehouse === undefined ? undefined : [take(p, warehouse, day, quantity, "supply")];
}

/** What is free on the day, warehouse by warehouse, up to the quantity. */
export function partOn(p: Promising, day: string, quantity: number): Confirmation[] {
  const parts: Confirmation[] = [];
  let rest = quantity;
  for (const warehouse of splitOrder(p, day)) {
    if (rest <= 0) break;
    const q = Math.min(rest, freeIn(p, warehouse, day));
    if (q <= 0) continue;
    parts.push(take(p, warehouse, day, q, "supply"));
    rest = roundQuantity(rest - q);
  }
  return parts;
}

const freeTotal = (p: Promising, day: string) => roundQuantity(p.warehouses.reduce((sum, w) => sum + freeIn(p, w, day), 0));

/** Whether the quantity can be complete on the day (without taking it). */
export function canCompleteOn(p: Promising, day: string, quantity: number): boolean {
  return freeTotal(p, day) >= quantity || (day >= p.leadTimeDay && p.leadTimeWarehouse !== undefined);
}

/**
 * The quantity complete on the day: from one warehouse, else from several, else — from the lead time on — what is
 * free and the rest as replenishment. Undefined, and nothing taken, when it cannot be complete then.
 */
export function completeOn(p: Promising, day: string, quantity: number): Confirmation[] | undefined {
  if (!canCompleteOn(p, day, quantity)) return undefined;
  const whole = wholeOn(p, day, quantity);
  if (whole) return whole;
  const parts = partOn(p, day, quantity);
  const rest = roundQuantity(quantity - parts.reduce((sum, c) => sum + c.quantity, 0));
  return rest > 0 ? [...parts, take(p, p.leadTimeWarehouse!, day, rest, "lead-time")] : parts;
}

/** The days on which a promise could change, from `from` on (or after it): stock movements and the lead time. */
export function candidateDays(p: Promising, from: string, inclusive: boolean): string[] {
  const days = new Set(movementDays(p.stock, from));
  if (inclusive) days.add(from);
  if (p.leadTimeDay > from || (inclusive && p.leadTimeDay === from)) days.add(p.leadTimeDay);
  else if (!inclusive) days.add(addDays(from, 1));
  return [...days].sort();
}

/** The quantity complete on the earliest day it can be, from `from` on (or after it); undefined only without any warehouse. */
export function earliestComplete(p: Promising, from: string, quantity: number, inclusive: boolean): Confirmation[] | undefined {
  for (const day of candidateDays(p, from, inclusive)) {
    const confirmed = completeOn(p, day, quantity);
    if (confirmed) return confirmed;
  }
  return undefined;
}
