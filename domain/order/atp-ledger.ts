import type { MasterIndex } from "../master/master-index";
import type { Supply } from "../master/types";
import { dayOf, laterDay } from "./dates";

/**
 * The supply of one item in one warehouse over time, as ATP sees it: receipts add on their day, reservations and
 * confirmations take on theirs. What may be promised on day d is the cumulative ATP with look-ahead,
 *   free(d) = min over d' ≥ d of (cumulative supply − cumulative demand)(d'),
 * so a promise made for d never takes what a later reservation needs. Nothing is promised before the evaluation
 * date: stock and receipts due earlier count from it, as do reservations dated earlier that still stand.
 */

export interface Ledger {
  /** Days with a movement, ascending. */
  days: string[];
  /** The net movement on each of those days: supply positive, demand negative. */
  net: number[];
}

/** Quantities are summed to a millionth, so that 0.1 + 0.2 of a kilogram promises 0.3. */
export const roundQuantity = (q: number) => Math.round(q * 1e6) / 1e6;

export function post(ledger: Ledger, day: string, quantity: number): void {
  const d = dayOf(day);
  let i = ledger.days.length;
  while (i > 0 && ledger.days[i - 1] > d) i -= 1;
  if (i > 0 && ledger.days[i - 1] === d) ledger.net[i - 1] = roundQuantity(ledger.net[i - 1] + quantity);
  else {
    ledger.days.splice(i, 0, d);
    ledger.net.splice(i, 0, quantity);
  }
}

/** What may be promised on `day` without taking anything a later demand needs; never below 0. */
export function freeOn(ledger: Ledger, day: string): number {
  const d = dayOf(day);
  let running = 0;
  let i = 0;
  for (; i < ledger.days.length && ledger.days[i] <= d; i += 1) running += ledger.net[i];
  let lowest = running;
  for (; i < ledger.days.length; i += 1) {
    running += ledger.net[i];
    if (running < lowest) lowest = running;
  }
  return Math.max(0, roundQuantity(lowest));
}

export function cloneLedger(ledger: Ledger): Ledger {
  return { days: [...ledger.days], net: [...ledger.net] };
}

/** An item's ledgers by warehouse. */
export type Stock = Map<string, Ledger>;

export function cloneStock(stock: Stock): Stock {
  return new Map([...stock].map(([w, l]) => [w, cloneLedger(l)]));
}

/**
 * The day a supply counts from, or undefined when it does not count: on-hand stock now; a receipt on its date, or
 * now when that date has passed; stock in quality inspection without a date now; any other receipt without a date
 * not at all, since nobody can say when it comes.
 */
export function supplyDay(supply: Supply, at: string): string | undefined {
  if (supply.type === "on-hand") return dayOf(at);
  if (supply.date === undefined) return supply.type === "quality" ? dayOf(at) : undefined;
  return laterDay(supply.date, at);
}

/**
 * The reservation of the part of an order's promise that an approved rush order moved to a later date: a reservation
 * is keyed by order, SKU and warehouse, so the part that moves is kept under the order's key with its new date
 * (`C-NORTH/PO-77/0@2027-01-08`), beside the part that stays. `orderOfReservation` gives the order's key back.
 */
export const reservationKeyOf = (orderKey: string, movedTo: string) => `${orderKey}@${dayOf(movedTo)}`;

const MOVED_PART = /@\d{4}-\d{2}-\d{2}$/;

export const orderOfReservation = (reservationOrder: string) => reservationOrder.replace(MOVED_PART, "");

/** Whether a reservation is the order's own, or a moved part of it (cheap: ATP asks for every reservation of an item). */
export function isOwnReservation(reservationOrder: string, orderKey: string): boolean {
  if (reservationOrder === orderKey) return true;
  return reservationOrder.length === orderKey.length + 11 && reservationOrder.charCodeAt(orderKey.length) === 64 && reservationOrder.startsWith(orderKey) && MOVED_PART.test(reservationOrder);
}

/**
 * An item's stock per warehouse from the master data, on the evaluation date: the included supply types, less every
 * reservation except those of the order being evaluated (`ownOrder`, with its moved parts), which it would replace.
 */
export function stockOf(sku: string, master: MasterIndex, at: string, ownOrder: string): Stock {
  const include = new Set(master.settings.atpInclude);
  const stock: Stock = new Map();
  const ledger = (warehouse: string) => {
    let l = stock.get(warehouse);
    if (!l) stock.set(warehouse, (l = { days: [], net: [] }));
    return l;
  };
  for (const [warehouse, supplies] of master.supply.get(sku) ?? []) {
    for (const s of supplies) {
      const day = include.has(s.type) && s.quantity > 0 ? supplyDay(s, at) : undefined;
      if (day !== undefined) post(ledger(warehouse), day, s.quantity);
    }
  }
  for (const [warehouse, reservations] of master.reservations.get(sku) ?? []) {
    for (const r of reservations) if (!isOwnReservation(r.order, ownOrder) && r.quantity > 0) post(ledger(warehouse), laterDay(r.date, at), -r.quantity);
  }
  return stock;
}

/** Every day after `after` on which something moves in the item's stock, ascending. */
export function movementDays(stock: Stock, after: string): string[] {
  const days = new Set<string>();
  for (const l of stock.values()) for (const d of l.days) if (d > after) days.add(d);
  return [...days].sort();
}
