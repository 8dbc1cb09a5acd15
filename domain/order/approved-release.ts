import type { MasterIndex } from "../master/master-index";
import type { Reservation } from "../master/types";
import { confirmationsOf, rushConfirmations, type ConfirmedQuantity } from "./approval";
import { atpCheck } from "./atp";
import { freeOn, post, reservationKeyOf, roundQuantity, stockOf, type Ledger, type Stock } from "./atp-ledger";
import { laterDay } from "./dates";
import { orderKey, type CanonicalOrder } from "./canonical-order";
import { formatQuantity, type AtpDecision, type Decision, type PushedBack } from "./decision";

/**
 * What an approved order promises, decided when the approval is recorded, on the master data as it is then (the
 * approval may come days after the evaluation, and other orders have been released meanwhile):
 * - a rush order whose feasible proposal still holds takes the supply it was approved to take: the pushed-back orders'
 *   reservations move to their new dates, and it is promised its requested dates;
 * - an order whose confirmations are still free keeps them, whoever else was released meanwhile;
 * - otherwise ATP promises it again, on the approval's day, from what is free then (later, or from the lead time):
 *   stock promised to another order in between is never promised twice.
 * Pure: the master data (with the orders released a moment ago counted) and the day are arguments.
 */

/** A pushed-back order's reservation as it is, and as the move leaves it. */
export interface ReservationMove extends PushedBack {
  /** The reservation taken from, as the master data holds it now. */
  before: Reservation;
}

export interface ApprovedRelease {
  /** The order's promise, as `order.released` carries it and its reservations are written. */
  confirmations: ConfirmedQuantity[];
  /** The reservations of pushed-back orders that move (none unless a feasible rush proposal still holds). */
  moves: ReservationMove[];
  /** What the approval changed in the promise, for the order's history (none when the evaluation's promise stands). */
  reasons: string[];
}

const atpOf = (decisions: readonly Decision[]) => decisions.find((d): d is AtpDecision => d.rule === "atp");

function ledgerIn(stock: Stock, warehouse: string): Ledger {
  let l = stock.get(warehouse);
  if (!l) stock.set(warehouse, (l = { days: [], net: [] }));
  return l;
}

/**
 * Why the confirmations cannot be promised on the master data (undefined: they can). Only what is promised from supply
 * is checked, item by item, earliest first: a lead-time confirmation is replenishment still to come, and an item the
 * master data does not know has nothing to check against.
 */
export function promiseConflict(order: CanonicalOrder, confirmations: readonly ConfirmedQuantity[], master: MasterIndex, at: string): string | undefined {
  const own = orderKey(order);
  const stocks = new Map<string, Stock>();
  const supply = confirmations.filter((c) => c.source === "supply" && c.quantity > 0 && master.items.has(c.sku)).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const c of supply) {
    let stock = stocks.get(c.sku);
    if (!stock) stocks.set(c.sku, (stock = stockOf(c.sku, master, at, own)));
    const ledger = ledgerIn(stock, c.warehouse);
    const day = laterDay(c.date, at);
    const free = freeOn(ledger, day);
    if (free < c.quantity) return `line ${c.lineNumber} (${c.sku}): ${formatQuantity(c.quantity)} on ${c.date} at ${c.warehouse}, but only ${formatQuantity(free)} is free then`;
    post(ledger, day, -c.quantity);
  }
  return undefined;
}

const slot = (order: string, sku: string, warehouse: string) => `${order}\u0000${sku}\u0000${warehouse}`;

/** The moves a proposal makes on the reservations as they are now, or why one no longer fits the reservation it takes from. */
function movesOf(master: MasterIndex, pushedBack: readonly PushedBack[]): ReservationMove[] | { conflict: string } {
  const moves: ReservationMove[] = [];
  for (const p of pushedBack) {
    if (p.to === p.from) continue;
    const key = p.reservation ?? p.order;
    const before = (master.reservations.get(p.sku)?.get(p.warehouse) ?? []).find((r) => r.order === key);
    if (!before || before.date.slice(0, 10) !== p.from || before.quantity < p.quantity) {
      const now = before ? `${formatQuantity(before.quantity)} on ${before.date.slice(0, 10)}` : "nothing";
      return { conflict: `order ${p.order} holds ${now} of ${p.sku} at ${p.warehouse} now, not the ${formatQuantity(p.quantity)} on ${p.from} the proposal takes` };
    }
    moves.push({ ...p, before });
  }
  return moves;
}

/**
 * The reservations the moves write, on the reservations as the master data holds them: a whole reservation gets its
 * new date; of a part, the rest stays on the old date and the part that moves becomes the order's reservation on the
 * new date (`reservationKeyOf`), added to what was moved there before. Quantity 0: the reservation goes.
 */
export function movedReservations(master: MasterIndex, moves: readonly ReservationMove[]): Reservation[] {
  const out = new Map<string, Reservation>();
  const current = (order: string, sku: string, warehouse: string) =>
    out.get(slot(order, sku, warehouse)) ?? (master.reservations.get(sku)?.get(warehouse) ?? []).find((r) => r.order === order);
  const put = (r: Reservation) => out.set(slot(r.order, r.sku, r.warehouse), r);
  for (const m of moves) {
    const before = current(m.before.order, m.sku, m.warehouse) ?? m.before;
    const quantity = Math.min(m.quantity, before.quantity);
    if (quantity >= before.quantity && m.reservation === undefined) {
      put({ ...before, date: m.to });
      continue;
    }
    put({ ...before, quantity: roundQuantity(before.quantity - quantity) });
    const key = reservationKeyOf(m.order, m.to);
    const there = current(key, m.sku, m.warehouse);
    put({ sku: m.sku, warehouse: m.warehouse, order: key, date: m.to, quantity: roundQuantity((there?.quantity ?? 0) + quantity) });
  }
  return [...out.values()];
}

/** The master data with these reservations in place of those of the same key (quantity 0: gone). */
function withReservations(master: MasterIndex, records: readonly Reservation[]): MasterIndex {
  const reservations = new Map(master.reservations);
  for (const r of records) {
    const byWarehouse = new Map(reservations.get(r.sku) ?? []);
    const list = (byWarehouse.get(r.warehouse) ?? []).filter((x) => x.order !== r.order);
    byWarehouse.set(r.warehouse, r.quantity > 0 ? [...list, r].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)) : list);
    reservations.set(r.sku, byWarehouse);
  }
  return { ...master, reservations };
}

/** The order promised again by ATP on `at`, from what is free then; `why` first among the reasons. */
function promisedAgain(order: CanonicalOrder, master: MasterIndex, at: string, why: string): ApprovedRelease {
  const again = atpCheck(order, master, at);
  return { confirmations: confirmationsOf([again]), moves: [], reasons: [why, ...again.reasons] };
}

/** The promise of an approved order on `at`, on the master data as it is then (see the top of this file). */
export function approvedRelease(order: CanonicalOrder, decisions: readonly Decision[], master: MasterIndex, at: string): ApprovedRelease {
  const proposal = atpOf(decisions)?.rushProposal;
  if (proposal?.feasible && proposal.served) {
    const moves = movesOf(master, proposal.pushedBack);
    const confirmations = rushConfirmations(decisions, proposal);
    const conflict = "conflict" in moves ? moves.conflict : promiseConflict(order, confirmations, withReservations(master, movedReservations(master, moves)), at);
    if (!conflict && !("conflict" in moves)) return { confirmations, moves, reasons: [] };
    return promisedAgain(order, master, at, `rush: the proposal no longer holds (${conflict}): nobody is pushed back, and ATP promised the order again on ${at}`);
  }
  const confirmations = confirmationsOf(decisions);
  const conflict = promiseConflict(order, confirmations, master, at);
  if (!conflict) return { confirmations, moves: [], reasons: [] };
  return promisedAgain(order, master, at, `atp-check: promised again on ${at}: the stock confirmed before went to other orders meanwhile (${conflict})`);
}
