import { PlanningInputError } from "./errors";
import type { MrpInput, MrpPlan, PlannedOrder } from "./mrp";
import { add, mul, roundUp, sub, tidy } from "./quantity";

/**
 * Which demands each planned order covers (pegging), and planned orders of one item and supplier merged into one.
 *
 * Pegging: per item, the demands (customer orders, forecasts, and the components the parents' planned orders need)
 * are served in period order, first from stock above safety stock and the scheduled receipts, then from the planned
 * orders in receipt order; a demand may be split over several orders. Stock below safety stock and the part of a
 * planned order that refills it cover no demand.
 */

export interface Covered {
  /** Where the demand comes from: `order C-NORTH/PO-1001/0`, `forecast`, `planned BIKE/3` (a parent's planned order). */
  source: string;
  period: number;
  /** ISO date when the demand gave one (a parent's planned order: none; its release period says when). */
  date?: string;
  quantity: number;
}

export interface PeggedOrder extends PlannedOrder {
  /** `<item>/<receipt period>`, `/2`, `/3` … for further orders of the item in the same period. */
  id: string;
  supplier?: string;
  covers: Covered[];
  /** The ids of the planned orders merged into this one (itself first), when several were. */
  merged?: string[];
}

export type PeggingInput = Pick<MrpInput, "items" | "bom" | "scheduledReceipts"> & {
  demand: { item: string; period: number; quantity: number; source?: string; date?: string }[];
};

interface Supply {
  left: number;
  order?: PeggedOrder;
}

/** The planned orders of `plan` with their ids, suppliers and the demands each covers. */
export function pegOrders(plan: Pick<MrpPlan, "plannedOrders">, input: PeggingInput, suppliers: Readonly<Record<string, string>> = {}): PeggedOrder[] {
  const items = new Map(input.items.map((i) => [i.id, i]));
  const count = new Map<string, number>();
  const orders: PeggedOrder[] = plan.plannedOrders.map((o) => {
    const base = `${o.item}/${o.receiptPeriod}`;
    const n = (count.get(base) ?? 0) + 1;
    count.set(base, n);
    return { ...o, id: n === 1 ? base : `${base}/${n}`, ...(suppliers[o.item] ? { supplier: suppliers[o.item] } : {}), covers: [] };
  });
  const demands = new Map<string, Covered[]>();
  const demand = (item: string, d: Covered) => (demands.get(item) ?? demands.set(item, []).get(item)!).push(d);
  for (const d of input.demand) if (d.quantity > 0) demand(d.item, { source: d.source ?? "demand", period: d.period, ...(d.date ? { date: d.date } : {}), quantity: d.quantity });
  for (const o of orders) {
    for (const line of input.bom.filter((l) => l.parent === o.item)) {
      const decimals = items.get(line.child)?.decimals ?? 0;
      demand(line.child, { source: `planned ${o.id}`, period: o.releasePeriod, quantity: roundUp(mul(o.quantity, line.quantity, 1 + (line.lossRate ?? 0)), decimals) });
    }
  }
  for (const [id, list] of demands) {
    const item = items.get(id);
    if (!item) continue;
    const safety = item.safetyStock ?? 0;
    let deficit = Math.max(0, sub(safety, item.onHand));
    const supplies: Supply[] = [{ left: Math.max(0, sub(item.onHand, safety)) }];
    const receipts = (input.scheduledReceipts ?? []).filter((r) => r.item === id).sort((a, b) => a.period - b.period);
    for (const r of receipts) supplies.push({ left: r.quantity });
    for (const order of orders.filter((o) => o.item === id).sort((a, b) => a.receiptPeriod - b.receiptPeriod)) {
      const good = tidy(order.quantity / (1 + (item.scrapRate ?? 0)));
      const refill = Math.min(deficit, good);
      deficit = sub(deficit, refill);
      supplies.push({ left: sub(good, refill), order });
    }
    let s = 0;
    for (const d of [...list].sort((a, b) => a.period - b.period || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
      let open = d.quantity;
      while (open > 0 && s < supplies.length) {
        const supply = supplies[s];
        const taken = Math.min(open, supply.left);
        if (taken > 0) {
          supply.left = sub(supply.left, taken);
          open = sub(open, taken);
          supply.order?.covers.push({ ...d, quantity: taken });
        }
        if (supply.left <= 0) s++;
      }
    }
  }
  return orders;
}

/**
 * Planned orders of the same item, type and supplier whose release periods lie within `window` periods of the first
 * of them (release − first release < window) become one: released at the earliest release, received at the earliest
 * receipt, for the sum of the quantities, covering all their demands. A window of 1 merges the orders released in the same
 * period; 0 merges nothing. The components of a merged production order are not planned again: they are
 * needed from the earlier release on.
 */
export function mergeOrders(orders: readonly PeggedOrder[], window: number): PeggedOrder[] {
  if (!Number.isInteger(window) || window < 0) throw new PlanningInputError(`mergeWindow: must be a whole number of periods from 0 (is ${JSON.stringify(window)})`);
  if (window === 0) return orders.map((o) => ({ ...o, covers: [...o.covers] }));
  const groups = new Map<string, PeggedOrder[]>();
  for (const o of orders) {
    const key = `${o.item}\u0000${o.type}\u0000${o.supplier ?? ""}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(o);
  }
  const merged = new Map<PeggedOrder, PeggedOrder>();
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => a.releasePeriod - b.releasePeriod || a.receiptPeriod - b.receiptPeriod);
    let head: PeggedOrder | undefined;
    let first: PeggedOrder | undefined;
    for (const o of sorted) {
      if (head && first && o.releasePeriod - first.releasePeriod < window) {
        head.quantity = add(head.quantity, o.quantity);
        head.receiptPeriod = Math.min(head.receiptPeriod, o.receiptPeriod);
        head.covers.push(...o.covers);
        head.merged = [...(head.merged ?? [first.id]), o.id];
        continue;
      }
      first = o;
      head = { ...o, covers: [...o.covers] };
      merged.set(o, head);
    }
  }
  return orders.filter((o) => merged.has(o)).map((o) => merged.get(o)!);
}
