import { buildBom } from "./bom";
import { PlanningInputError } from "./errors";
import { array, checkBomLines, number, object, oneOf, optional, text } from "./input-checks";
import { checkLotSizing, lotSizes, type LotSizing } from "./lot-sizing";
import { emptyRecord, type MrpRecord } from "./mrp-record";
import { add, mul, roundUp, sub } from "./quantity";

/**
 * Material requirements planning, item by item in low-level-code order, each item's gross-to-net written as the
 * textbook record (mrp-record.ts). Conventions: domain/planning/README.md.
 */

export type ItemSource = "make" | "buy" | "outsource";
export type PlannedOrderType = "production" | "purchase" | "outsourcing";

export interface MrpItem {
  id: string;
  leadTime: number;
  onHand: number;
  safetyStock?: number;
  scrapRate?: number;
  decimals?: number;
  source: ItemSource;
  lotSizing: LotSizing;
}

export interface MrpInput {
  periods: number;
  items: MrpItem[];
  bom: { parent: string; child: string; quantity: number; lossRate?: number }[];
  demand: { item: string; period: number; quantity: number; source?: string }[];
  scheduledReceipts?: { item: string; period: number; quantity: number }[];
}

export interface PlannedOrder {
  item: string;
  releasePeriod: number;
  receiptPeriod: number;
  /** The quantity to order or start: the good quantity plus the scrap expected on it. */
  quantity: number;
  type: PlannedOrderType;
}

export interface MrpException {
  item: string;
  kind: "past-due";
  /** The receipt period of the planned order concerned. */
  period: number;
  message: string;
}

export interface MrpPlan {
  plannedOrders: PlannedOrder[];
  records: Record<string, MrpRecord>;
  exceptions: MrpException[];
}

export const ORDER_TYPES: Record<ItemSource, PlannedOrderType> = { make: "production", buy: "purchase", outsource: "outsourcing" };
const SOURCES = Object.keys(ORDER_TYPES) as ItemSource[];
const RULES = ["lot-for-lot", "fixed", "period", "min-max-multiple"] as const;

/** Throws a PlanningInputError naming the first field a planner must correct. */
export function checkMrpInput(value: unknown): asserts value is MrpInput {
  const input = object(value, "input");
  const periods = number(input.periods, "periods", { min: 1, whole: true });
  const ids = new Set<string>();
  array(input.items, "items").forEach((raw, i) => {
    const at = `items[${i}]`;
    const item = object(raw, at);
    const id = text(item.id, `${at}.id`);
    if (ids.has(id)) throw new PlanningInputError(`${at}.id: item ${id} is listed twice`);
    ids.add(id);
    number(item.leadTime, `${at}.leadTime`, { min: 0, whole: true });
    number(item.onHand, `${at}.onHand`, { min: 0 });
    optional(item.safetyStock, (v) => number(v, `${at}.safetyStock`, { min: 0 }));
    optional(item.scrapRate, (v) => number(v, `${at}.scrapRate`, { min: 0 }));
    optional(item.decimals, (v) => number(v, `${at}.decimals`, { min: 0, max: 6, whole: true }));
    oneOf(item.source, `${at}.source`, SOURCES);
    oneOf(object(item.lotSizing, `${at}.lotSizing`).rule, `${at}.lotSizing.rule`, RULES);
    checkLotSizing(id, item.lotSizing as LotSizing);
  });
  const knownItem = (v: unknown, path: string) => {
    if (!ids.has(text(v, path))) throw new PlanningInputError(`${path}: item ${String(v)} is not in items`);
  };
  checkBomLines(input.bom);
  (input.bom as { parent: string; child: string }[]).forEach((l, i) => {
    knownItem(l.parent, `bom[${i}].parent`);
    knownItem(l.child, `bom[${i}].child`);
  });
  for (const kind of ["demand", "scheduledReceipts"] as const) {
    if (kind === "scheduledReceipts" && input[kind] === undefined) continue;
    array(input[kind], kind).forEach((raw, i) => {
      const at = `${kind}[${i}]`;
      const row = object(raw, at);
      knownItem(row.item, `${at}.item`);
      number(row.period, `${at}.period`, { min: 1, max: periods, whole: true });
      number(row.quantity, `${at}.quantity`, { min: 0 });
    });
  }
}

/** Adds `q` into `row` at period `period` (1-based). */
const book = (row: number[], period: number, q: number) => {
  row[period - 1] = add(row[period - 1], q);
};

/** The net requirements lot-for-lot would plan from period t (index) on, for P periods, starting with `net`. */
function lotForLotNets(record: MrpRecord, t: number, periods: number, net: number, safety: number, decimals: number): number[] {
  const nets = [net];
  let pab = add(safety, roundUp(net, decimals) - net);
  for (let k = t + 1; k < Math.min(record.grossRequirements.length, t + periods); k++) {
    const avail = sub(add(pab, record.scheduledReceipts[k]), record.grossRequirements[k]);
    const n = avail < safety ? sub(safety, avail) : 0;
    nets.push(n);
    pab = add(avail, roundUp(n, decimals));
  }
  return nets;
}

/** Gross-to-net of one item whose gross requirements and scheduled receipts are booked: its orders by receipt period. */
function netItem(item: MrpItem, record: MrpRecord): { receiptPeriod: number; good: number }[] {
  const safety = item.safetyStock ?? 0;
  const decimals = item.decimals ?? 0;
  const orders: { receiptPeriod: number; good: number }[] = [];
  let pab = item.onHand;
  for (let t = 0; t < record.grossRequirements.length; t++) {
    const avail = sub(add(pab, record.scheduledReceipts[t]), record.grossRequirements[t]);
    if (avail < safety) {
      const net = sub(safety, avail);
      record.netRequirements[t] = net;
      const nets = item.lotSizing.rule === "period" ? lotForLotNets(record, t, item.lotSizing.periods, net, safety, decimals) : [net];
      for (const good of lotSizes(item.lotSizing, net, nets, decimals)) {
        orders.push({ receiptPeriod: t + 1, good });
        record.plannedReceipts[t] = add(record.plannedReceipts[t], good);
      }
    }
    pab = add(avail, record.plannedReceipts[t]);
    record.projectedAvailable[t] = pab;
  }
  return orders;
}

function pastDue(item: MrpItem, receiptPeriod: number, quantity: number, due: number): MrpException {
  const late = 1 - due;
  return {
    item: item.id,
    kind: "past-due",
    period: receiptPeriod,
    message: `item ${item.id}: the planned order of ${quantity} for period ${receiptPeriod} should have been released in period ${due} (lead time ${item.leadTime}); released in period 1, ${late} period${late === 1 ? "" : "s"} late: expedite it or move the demand`,
  };
}

/** The plan: planned orders, each item's record, and the exceptions a planner must act on. Throws PlanningInputError for bad input. */
export function planMrp(input: MrpInput): MrpPlan {
  checkMrpInput(input);
  const items = new Map(input.items.map((i) => [i.id, i]));
  const structure = buildBom(input.bom, { items: items.keys() });
  const records = new Map(input.items.map((i) => [i.id, emptyRecord(input.periods)]));
  for (const d of input.demand) book(records.get(d.item)!.grossRequirements, d.period, roundUp(d.quantity, items.get(d.item)!.decimals ?? 0));
  for (const r of input.scheduledReceipts ?? []) book(records.get(r.item)!.scheduledReceipts, r.period, r.quantity);

  const plannedOrders: PlannedOrder[] = [];
  const exceptions: MrpException[] = [];
  const planned: Record<string, MrpRecord> = {};
  for (const id of structure.planningOrder) {
    const item = items.get(id)!;
    const record = records.get(id)!;
    planned[id] = record;
    for (const { receiptPeriod, good } of netItem(item, record)) {
      const quantity = roundUp(mul(good, 1 + (item.scrapRate ?? 0)), item.decimals ?? 0);
      const due = receiptPeriod - item.leadTime;
      if (due < 1) exceptions.push(pastDue(item, receiptPeriod, quantity, due));
      const releasePeriod = Math.max(1, due);
      book(record.plannedReleases, releasePeriod, quantity);
      plannedOrders.push({ item: id, releasePeriod, receiptPeriod, quantity, type: ORDER_TYPES[item.source] });
      for (const line of structure.components.get(id) ?? []) {
        const child = items.get(line.child)!;
        book(records.get(line.child)!.grossRequirements, releasePeriod, roundUp(mul(quantity, line.quantity, 1 + (line.lossRate ?? 0)), child.decimals ?? 0));
      }
    }
  }
  return { plannedOrders, records: planned, exceptions };
}
