import type { MasterIndex } from "../master/master-index";
import { buyerIdentity, orderKey, type CanonicalOrder } from "./canonical-order";
import { cloneLedger, freeOn, orderOfReservation, post, roundQuantity, stockOf, type Ledger, type Stock } from "./atp-ledger";
import { addDays, dayOf } from "./dates";
import { formatQuantity, lineName, type AtpDecision, type AtpLine, type PushedBack, type RushProposal, type RushServed } from "./decision";
import type { RushRescheduling } from "./evaluate";

/**
 * A rush order (插单) that free supply cannot serve on its requested date may take supply promised to released orders
 * that asked for a later date. The proposal, for a person to approve:
 * - per short line, first what is free on the requested date in any warehouse (a complete-lines customer's ATP leaves
 *   it there), then reserved supply, the latest-requested order first, and from each only as much as the rush order
 *   needs; an order with an earlier or the same requested date is never touched;
 * - each order pushed back gets the earliest date its quantity is covered again in the same warehouse: by a later
 *   receipt, or from the item's lead time after the evaluation date by replenishment;
 * - a rush order that cannot be served in full even so is infeasible: nobody is pushed back, and the reasons say how
 *   much could have been freed.
 * A released order is known here by its reservations (`order` is its key): the reservation's date is the date it was
 * promised for, which stands for its requested date.
 */

export interface RushPlan {
  feasible: boolean;
  takes: PushedBack[];
  reasons: string[];
  /** Feasible: what serves each short line on its requested date, by warehouse. */
  served: RushServed[];
}

interface Candidate {
  order: string;
  /** The reservation's own key, where it is a moved part of the order's promise. */
  reservation?: string;
  warehouse: string;
  date: string;
  remaining: number;
}

/** What the rush order still misses on its requested date, per line: its quantity less what ATP confirmed for that date. */
export function shortfall(line: AtpLine): number {
  const onTime = line.confirmations.filter((c) => c.date === line.requestedDate).reduce((sum, c) => sum + c.quantity, 0);
  return Math.max(0, roundQuantity(line.quantity - onTime));
}

/** The lowest cumulative balance on `day` or any later day with a movement (−∞ never: the balance at `day` counts). */
function lowestFrom(ledger: Ledger, day: string): number {
  let running = 0;
  let i = 0;
  for (; i < ledger.days.length && ledger.days[i] <= day; i += 1) running += ledger.net[i];
  let lowest = running;
  for (; i < ledger.days.length; i += 1) {
    running += ledger.net[i];
    if (running < lowest) lowest = running;
  }
  return roundQuantity(lowest);
}

function ledgerOf(stock: Stock, warehouse: string): Ledger {
  let l = stock.get(warehouse);
  if (!l) stock.set(warehouse, (l = { days: [], net: [] }));
  return l;
}

/** The warehouses in the master's priority order, then those only the stock names. */
function warehousesOf(master: MasterIndex, stock: Stock): string[] {
  const known = master.warehouses.map((w) => w.id);
  return [...known, ...[...stock.keys()].filter((w) => !master.warehouseById.has(w)).sort()];
}

/** The item's stock as the rush order found it: every other order's reservations, and what ATP confirmed it on time. */
function stockForRush(sku: string, lines: AtpLine[], master: MasterIndex, at: string, ownKey: string): Stock {
  const stock = stockOf(sku, master, at, ownKey);
  for (const line of lines.filter((l) => l.sku === sku)) {
    for (const c of line.confirmations) if (c.date === line.requestedDate) post(ledgerOf(stock, c.warehouse), c.date, -c.quantity);
  }
  return stock;
}

/** The released orders' reservations of the item, by order and warehouse; never the rush order's own revisions. */
function candidatesOf(sku: string, master: MasterIndex, ownOrder: string): Candidate[] {
  const candidates: Candidate[] = [];
  for (const [warehouse, reservations] of master.reservations.get(sku) ?? []) {
    for (const r of reservations) {
      if (r.order.startsWith(ownOrder) || !(r.quantity > 0)) continue;
      const order = orderOfReservation(r.order);
      candidates.push({ order, ...(order !== r.order ? { reservation: r.order } : {}), warehouse, date: dayOf(r.date), remaining: r.quantity });
    }
  }
  return candidates;
}

interface LineResult {
  takes: PushedBack[];
  served: RushServed[];
  missing: number;
}

/** Serves one short line on its requested date: free supply first, then released orders with later dates, latest first. */
function serveLine(line: AtpLine, short: number, stock: Stock, candidates: Candidate[], warehouses: string[]): LineResult {
  const day = line.requestedDate;
  let rest = short;
  const served: RushServed[] = [];
  const serve = (warehouse: string, quantity: number) => served.push({ lineNumber: line.lineNumber, sku: line.sku, quantity, date: day, warehouse });
  for (const w of warehouses) {
    if (rest <= 0) break;
    const q = Math.min(rest, freeOn(ledgerOf(stock, w), day));
    if (q > 0) {
      post(ledgerOf(stock, w), day, -q);
      rest = roundQuantity(rest - q);
      serve(w, q);
    }
  }
  const rank = (w: string) => warehouses.indexOf(w);
  const later = candidates
    .filter((c) => c.date > day && c.remaining > 0)
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : rank(a.warehouse) - rank(b.warehouse) || (a.order < b.order ? -1 : 1)));
  const takes: PushedBack[] = [];
  for (const c of later) {
    if (rest <= 0) break;
    const ledger = ledgerOf(stock, c.warehouse);
    const before = freeOn(ledger, day);
    const trial = cloneLedger(ledger);
    post(trial, c.date, c.remaining);
    const want = Math.min(rest, roundQuantity(freeOn(trial, day) - before));
    if (want <= 0) continue;
    // the least taken from the order that frees `want` on the day: more only where its date is overbooked already
    const quantity = Math.min(c.remaining, roundQuantity(before + want - lowestFrom(ledger, c.date)));
    post(ledger, c.date, quantity);
    post(ledger, day, -want);
    c.remaining = roundQuantity(c.remaining - quantity);
    rest = roundQuantity(rest - want);
    serve(c.warehouse, want);
    takes.push({ order: c.order, ...(c.reservation ? { reservation: c.reservation } : {}), sku: line.sku, warehouse: c.warehouse, quantity, from: c.date, to: c.date });
  }
  return { takes, served, missing: rest };
}

/** The earliest day from `from` on when the quantity is free again in the warehouse, or replenishment covers it; taken. */
function newDate(ledger: Ledger, from: string, quantity: number, leadTimeDay: string): string {
  const days = [...new Set([from, ...ledger.days.filter((d) => d > from), ...(leadTimeDay > from ? [leadTimeDay] : [])])].sort();
  const day = days.find((d) => d >= leadTimeDay || freeOn(ledger, d) >= quantity) ?? leadTimeDay;
  post(ledger, day, -quantity);
  return day;
}

/** One take per order, item and warehouse. */
function merged(takes: PushedBack[]): PushedBack[] {
  const byKey = new Map<string, PushedBack>();
  for (const t of takes) {
    const key = `${t.reservation ?? t.order}\u0000${t.sku}\u0000${t.warehouse}`;
    const seen = byKey.get(key);
    if (seen) seen.quantity = roundQuantity(seen.quantity + t.quantity);
    else byKey.set(key, { ...t });
  }
  return [...byKey.values()];
}

function takeReason(t: PushedBack, leadTimeDays: number): string {
  const head = `rush: take ${formatQuantity(t.quantity)} × ${t.sku} from order ${t.order} at ${t.warehouse}`;
  return t.to > t.from
    ? `${head}, its delivery moves from ${t.from} to ${t.to}`
    : `${head}, its delivery stays on ${t.from} (replenishment after the ${leadTimeDays}-day lead time covers it)`;
}

/** The proposal for a rush order on the evaluation date `at`, from ATP's decision on it and the master data ATP read. */
export function rushPlan(order: CanonicalOrder, atp: Pick<AtpDecision, "lines">, master: MasterIndex, at: string): RushPlan {
  const day = dayOf(at);
  const ownKey = orderKey(order);
  const ownOrder = `${buyerIdentity(order.buyer)}/${order.orderNumber}/`;
  const short = atp.lines.map((line) => ({ line, short: master.items.has(line.sku) ? shortfall(line) : 0 })).filter((s) => s.short > 0);
  if (short.length === 0) return { feasible: true, takes: [], reasons: [], served: [] };
  const stocks = new Map<string, Stock>();
  const candidates = new Map<string, Candidate[]>();
  const takes: PushedBack[] = [];
  const served: RushServed[] = [];
  const missing: string[] = [];
  for (const { line, short: quantity } of short) {
    if (!stocks.has(line.sku)) {
      stocks.set(line.sku, stockForRush(line.sku, atp.lines, master, day, ownKey));
      candidates.set(line.sku, candidatesOf(line.sku, master, ownOrder));
    }
    const stock = stocks.get(line.sku)!;
    const result = serveLine(line, quantity, stock, candidates.get(line.sku)!, warehousesOf(master, stock));
    takes.push(...result.takes);
    served.push(...result.served);
    if (result.missing > 0) {
      const freed = roundQuantity(quantity - result.missing);
      missing.push(
        `rush: ${lineName(line)} cannot be served in full on ${line.requestedDate} even by pushing back released orders with later requested dates: ${formatQuantity(freed)} of the ${formatQuantity(quantity)} missing could be freed`,
      );
    }
  }
  if (missing.length > 0) return { feasible: false, takes: [], served: [], reasons: [...missing, "rush: no order is pushed back; approving releases the order on the dates ATP confirmed"] };
  const moved = merged(takes).sort((a, b) => (a.from !== b.from ? (a.from < b.from ? -1 : 1) : a.order < b.order ? -1 : 1));
  for (const t of moved) {
    const leadTimeDay = addDays(day, master.items.get(t.sku)!.leadTimeDays);
    t.to = newDate(ledgerOf(stocks.get(t.sku)!, t.warehouse), t.from, t.quantity, leadTimeDay);
  }
  const orders = new Set(moved.map((t) => t.order)).size;
  const summary = moved.length === 0
    ? "rush: free supply in other warehouses serves the order in full on its requested date; no order is pushed back"
    : `rush: the order can be served in full on its requested date by pushing back ${orders === 1 ? "1 released order" : `${orders} released orders`} with later requested dates`;
  return { feasible: true, takes: moved, served, reasons: [summary, ...moved.map((t) => takeReason(t, master.items.get(t.sku)!.leadTimeDays))] };
}

/** evaluateOrder's extension point (`options.proposeRushRescheduling`): the plan as ATP's `rushProposal`, none when nothing is short. */
export const proposeRushRescheduling: RushRescheduling = (order, atp, master, at): RushProposal | undefined => {
  const plan = rushPlan(order, atp, master, at);
  if (plan.feasible && plan.takes.length === 0 && plan.reasons.length === 0) return undefined;
  return { feasible: plan.feasible, reasons: plan.reasons, pushedBack: plan.takes, ...(plan.feasible ? { served: plan.served } : {}) };
};
