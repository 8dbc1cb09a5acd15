import { buildBom } from "./bom";
import { indexLines } from "./bom-index";
import { PlanningInputError } from "./errors";
import { array, checkBomLines, number, object, oneOf, optional, text } from "./input-checks";
import { checkLotSizing, lotSizes, singleLot, type LotSizing } from "./lot-sizing";
import { emptyRecord, type MrpRecord } from "./mrp-record";
import { add, roundUp, roundUpBy, sub, tidy } from "./quantity";

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

const from0 = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;

/**
 * The common item, plainly valid but for its lot-sizing parameters and a repeated id (checked apart): no path names
 * are built for it. Anything else goes through the checks that name the field.
 */
function plainItem(raw: unknown): raw is MrpItem {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  const item = raw as Record<string, unknown>;
  const sizing = item.lotSizing as Record<string, unknown> | null;
  return (
    typeof item.id === "string" &&
    item.id.trim() !== "" &&
    from0(item.leadTime) &&
    Number.isInteger(item.leadTime) &&
    from0(item.onHand) &&
    (item.safetyStock === undefined || from0(item.safetyStock)) &&
    (item.scrapRate === undefined || from0(item.scrapRate)) &&
    item.decimals === undefined &&
    SOURCES.includes(item.source as ItemSource) &&
    typeof sizing === "object" &&
    sizing !== null &&
    !Array.isArray(sizing) &&
    RULES.includes(sizing.rule as (typeof RULES)[number])
  );
}

/** Throws a PlanningInputError naming the first field a planner must correct. */
export function checkMrpInput(value: unknown): asserts value is MrpInput {
  const input = object(value, "input");
  const periods = number(input.periods, "periods", { min: 1, whole: true });
  const ids = new Set<string>();
  array(input.items, "items").forEach((raw, i) => {
    if (plainItem(raw)) {
      if (ids.has(raw.id)) throw new PlanningInputError(`items[${i}].id: item ${raw.id} is listed twice`);
      ids.add(raw.id);
      checkLotSizing(raw.id, raw.lotSizing);
      return;
    }
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
  // the names are built only for a line that fails (ids holds non-empty strings only)
  const listed = (v: unknown) => typeof v === "string" && ids.has(v);
  (input.bom as { parent: string; child: string }[]).forEach((l, i) => {
    if (!listed(l.parent)) knownItem(l.parent, `bom[${i}].parent`);
    if (!listed(l.child)) knownItem(l.child, `bom[${i}].child`);
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

function pastDue(item: MrpItem, receiptPeriod: number, quantity: number, due: number): MrpException {
  const late = 1 - due;
  return {
    item: item.id,
    kind: "past-due",
    period: receiptPeriod,
    message: `item ${item.id}: the planned order of ${quantity} for period ${receiptPeriod} should have been released in period ${due} (lead time ${item.leadTime}); released in period 1, ${late} period${late === 1 ? "" : "s"} late: expedite it or move the demand`,
  };
}

/** Whole numbers below this (and × 10^decimals) pass `tidy` and `roundUp` unchanged: x × 10^9 is exact below 2^53. */
const SMALL = 4_000_000;

/**
 * The plan: planned orders, each item's record, and the exceptions a planner must act on. Throws PlanningInputError for
 * bad input. Items are numbered and the BOM held as typed arrays (bom-index.ts); each item is netted period by period
 * over its record, and each planned order books its components' gross requirements at once. The arithmetic is that of
 * quantity.ts, step for step (`tidy(a + b)` is `add(a, b)`, `tidy(a * b * c)` is `mul(a, b, c)`).
 */
export function planMrp(input: MrpInput): MrpPlan {
  checkMrpInput(input);
  const items = input.items;
  const ids = items.map((i) => i.id);
  const ix = indexLines(ids, input.bom);
  if (!ix) {
    buildBom(input.bom, { items: ids }); // throws the BomCycleError naming the loop
    throw new PlanningInputError("the BOM holds a cycle");
  }
  const records = items.map(() => emptyRecord(input.periods));
  const gross = records.map((r) => r.grossRequirements);
  const scale = Float64Array.from(items, (i) => 10 ** (i.decimals ?? 0));
  for (const d of input.demand) {
    const n = ix.numbers.get(d.item)!;
    book(gross[n], d.period, roundUpBy(d.quantity, scale[n]));
  }
  for (const r of input.scheduledReceipts ?? []) book(records[ix.numbers.get(r.item)!].scheduledReceipts, r.period, r.quantity);

  const plannedOrders: PlannedOrder[] = [];
  const exceptions: MrpException[] = [];
  const planned: Record<string, MrpRecord> = {};
  const { first, child, quantity: per, lossFactor } = ix;

  /** A planned receipt of `good` for item i in period index t: the order, its release, its components' requirements. */
  const place = (i: number, t: number, good: number) => {
    const item = items[i];
    const record = records[i];
    record.plannedReceipts[t] = tidy(record.plannedReceipts[t] + good);
    const receiptPeriod = t + 1;
    const quantity = roundUpBy(tidy(good * (1 + (item.scrapRate ?? 0))), scale[i]);
    const due = receiptPeriod - item.leadTime;
    if (due < 1) exceptions.push(pastDue(item, receiptPeriod, quantity, due));
    const releasePeriod = due < 1 ? 1 : due;
    const r = releasePeriod - 1;
    record.plannedReleases[r] = tidy(record.plannedReleases[r] + quantity);
    plannedOrders.push({ item: item.id, releasePeriod, receiptPeriod, quantity, type: ORDER_TYPES[item.source] });
    for (let k = first[i], end = first[i + 1]; k < end; k++) {
      const c = child[k];
      const row = gross[c];
      const x = quantity * per[k] * lossFactor[k];
      const before = row[r];
      // whole numbers well inside 2^53 / 10^9 pass every tidy and rounding step unchanged: add them as they are
      if (x === Math.floor(x) && x >= 0 && x * scale[c] < SMALL && before === Math.floor(before) && before < SMALL) row[r] = before + x;
      else row[r] = tidy(before + roundUpBy(tidy(x), scale[c]));
    }
  };

  for (const i of ix.order) {
    const item = items[i];
    const record = records[i];
    planned[item.id] = record;
    const sizing = item.lotSizing;
    const safety = item.safetyStock ?? 0;
    const decimals = item.decimals ?? 0;
    const { grossRequirements: gr, scheduledReceipts: sr, projectedAvailable: pa, netRequirements: nr, plannedReceipts: receipts } = record;
    let pab = item.onHand;
    for (let t = 0; t < gr.length; t++) {
      const avail = tidy(tidy(pab + sr[t]) - gr[t]);
      if (avail < safety) {
        const net = tidy(safety - avail);
        nr[t] = net;
        if (sizing.rule === "lot-for-lot" || sizing.rule === "fixed") {
          if (net > 0) place(i, t, singleLot(sizing, net, decimals));
        } else {
          const nets = sizing.rule === "period" ? lotForLotNets(record, t, sizing.periods, net, safety, decimals) : [net];
          for (const good of lotSizes(sizing, net, nets, decimals)) place(i, t, good);
        }
      }
      pab = tidy(avail + receipts[t]);
      pa[t] = pab;
    }
  }
  return { plannedOrders, records: planned, exceptions };
}
