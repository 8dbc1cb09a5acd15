import type { BrokerConnection } from "../connectors/amqp";
import { EVENTS_EXCHANGE } from "../connectors/amqp/topology";
import type { Item, Reservation, Supply } from "../domain/master/types";
import { effectiveLines, type BomLine } from "../domain/planning/bom";
import { calendarOf, leadTimePeriods, periodOf, periodsOf, type PlanningCalendar } from "../domain/planning/calendar";
import { PlanningInputError } from "../domain/planning/errors";
import { array, isoDate, number, object, optional, text } from "../domain/planning/input-checks";
import { kitting, type KittingAnswer } from "../domain/planning/kitting";
import { mergeOrders, pegOrders } from "../domain/planning/merge";
import { planMrp, type MrpException, type MrpInput, type MrpItem } from "../domain/planning/mrp";
import type { MrpRecord } from "../domain/planning/mrp-record";
import { add } from "../domain/planning/quantity";
import { suggestionMessageId, suggestionsOf, type PlanningSuggestion } from "../domain/planning/suggestions";
import { getPlanningBook, type PlanningBook } from "../store/planning-book";
import { getMasterData, type MasterDataService } from "./master-data";
import { today } from "./today";

/**
 * Kitting and MRP on the hub's own data: the stored BOMs, the master data's items (their planning fields), stock and
 * supply, and the released orders' reservations as demand. The REST routes (runtime/api/planning.ts) and the nodes
 * (kitting, mrp-plan) call these; the rules are domain/planning's. Conventions: docs/PLANNING.md.
 */

export interface PlanningSources {
  book: PlanningBook;
  master: MasterDataService;
  /** The hub's date (YYYY-MM-DD): the default of `date` and `from`. */
  today: string;
}

export const hubPlanningSources = (): PlanningSources => ({ book: getPlanningBook(), master: getMasterData(), today: today() });

/** Supply the MRP counts as scheduled receipts (requisitions are not ordered yet: not counted, as in ATP). */
const RECEIPT_TYPES = new Set(["in-transit", "purchase-order", "production", "quality"]);

/** On-hand stock per SKU over every warehouse (quality stock without a date counts as on hand). */
function stockOf(supply: readonly Supply[]): Map<string, number> {
  const stock = new Map<string, number>();
  for (const s of supply) if (s.type === "on-hand" || (s.type === "quality" && !s.date)) stock.set(s.sku, add(stock.get(s.sku) ?? 0, s.quantity));
  return stock;
}

export interface KittingRequest {
  item: string;
  quantity?: number;
  multiLevel?: boolean;
  useSubstitutes?: boolean;
  date?: string;
}

export function checkKittingRequest(value: unknown): KittingRequest {
  const body = object(value, "body");
  const item = text(body.item, "item");
  const quantity = optional(body.quantity, (v) => number(v, "quantity", { min: 0, whole: true }));
  for (const flag of ["multiLevel", "useSubstitutes"] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== "boolean") throw new PlanningInputError(`${flag}: must be true or false (is ${JSON.stringify(body[flag])})`);
  }
  const date = optional(body.date, (v) => isoDate(v, "date").slice(0, 10));
  return { item, quantity, multiLevel: body.multiLevel as boolean | undefined, useSubstitutes: body.useSubstitutes as boolean | undefined, date };
}

/** Kitting of `item` from the BOM lines valid on the date (default today) and the on-hand stock of every warehouse. */
export async function kittingFromStore(value: unknown, src: PlanningSources = hubPlanningSources()): Promise<KittingAnswer & { item: string; date: string; multiLevel: boolean; requestedQuantity?: number }> {
  const req = checkKittingRequest(value);
  const date = req.date ?? src.today;
  const [snap] = await Promise.all([src.book.snapshot(), src.master.ready()]);
  const stock = Object.fromEntries(stockOf(src.master.records("supply") as Supply[]));
  const multiLevel = req.multiLevel ?? true;
  const answer = kitting({ item: req.item, multiLevel, bom: effectiveLines(snap.lines, date), stock, requestedQuantity: req.quantity, useSubstitutes: req.useSubstitutes });
  return { item: req.item, date, multiLevel, ...(req.quantity !== undefined ? { requestedQuantity: req.quantity } : {}), ...answer };
}

export interface MrpRequest {
  calendar: PlanningCalendar;
  items?: string[];
  forecasts: { item: string; date: string; quantity: number; source?: string }[];
  mergeWindow?: number;
}

export function checkMrpRequest(value: unknown, todayIs: string, mergeWindow?: unknown): MrpRequest {
  const body = object(value ?? {}, "body");
  const calendar = calendarOf(body.from ?? todayIs, body.periods, body.bucket ?? "day");
  const items = optional(body.items, (v) => array(v, "items").map((x, i) => text(x, `items[${i}]`)));
  const forecasts = (optional(body.forecasts, (v) => array(v, "forecasts")) ?? []).map((raw, i) => {
    const f = object(raw, `forecasts[${i}]`);
    return {
      item: text(f.item, `forecasts[${i}].item`),
      date: isoDate(f.date, `forecasts[${i}].date`).slice(0, 10),
      quantity: number(f.quantity, `forecasts[${i}].quantity`, { min: 0 }),
      ...(f.source === undefined ? {} : { source: text(f.source, `forecasts[${i}].source`) }),
    };
  });
  const window = mergeWindow ?? body.mergeWindow;
  const merge = window === undefined || window === "" ? undefined : number(typeof window === "string" ? Number(window) : window, "mergeWindow", { min: 0, whole: true });
  return { calendar, items, forecasts, ...(merge !== undefined ? { mergeWindow: merge } : {}) };
}

export interface MrpAnswer {
  plan: { from: string; bucket: PlanningCalendar["bucket"]; periods: number; mergeWindow?: number };
  calendar: { period: number; start: string; label: string }[];
  /** The planned orders as suggestions: dates, supplier, the demands each covers. */
  plannedOrders: PlanningSuggestion[];
  exceptions: MrpException[];
  records: Record<string, MrpRecord>;
  /** Demands after the horizon, left out. */
  beyondHorizon: number;
}

/** The MRP's input from the store and the master data, for the request's calendar. */
export async function mrpInputFromStore(req: MrpRequest, src: PlanningSources): Promise<{ input: MrpInput & { demand: { item: string; period: number; quantity: number; source: string; date: string }[] }; suppliers: Record<string, string>; beyondHorizon: number }> {
  const cal = req.calendar;
  const [snap] = await Promise.all([src.book.snapshot(), src.master.ready()]);
  const lines: BomLine[] = effectiveLines(snap.lines, cal.from);
  const masterItems = new Map((src.master.records("items") as Item[]).map((i) => [i.sku, i]));
  const reservations = src.master.records("reservations") as Reservation[];
  const supply = src.master.records("supply") as Supply[];
  const children = new Map<string, string[]>();
  for (const l of lines) (children.get(l.parent) ?? children.set(l.parent, []).get(l.parent)!).push(l.child);

  // the items planned: those asked (or every item with demand, a BOM or planning data) and all their components
  const roots = req.items ?? [...new Set([...lines.map((l) => l.parent), ...reservations.map((r) => r.sku), ...req.forecasts.map((f) => f.item), ...[...masterItems.values()].filter((i) => i.source).map((i) => i.sku)])];
  const scope = new Set<string>();
  const walk = (sku: string) => {
    if (scope.has(sku)) return;
    scope.add(sku);
    for (const c of children.get(sku) ?? []) walk(c);
  };
  roots.forEach(walk);

  const stock = stockOf(supply);
  const suppliers: Record<string, string> = {};
  const items: MrpItem[] = [...scope].sort().map((sku) => {
    const m = masterItems.get(sku);
    if (m?.supplier) suppliers[sku] = m.supplier;
    return {
      id: sku,
      leadTime: leadTimePeriods(cal, m?.leadTimeDays ?? 0),
      onHand: stock.get(sku) ?? 0,
      ...(m?.safetyStock !== undefined ? { safetyStock: m.safetyStock } : {}),
      ...(m?.scrapRate !== undefined ? { scrapRate: m.scrapRate } : {}),
      source: m?.source ?? (children.has(sku) ? "make" : "buy"),
      lotSizing: (m?.lotSizing ?? { rule: "lot-for-lot" }) as MrpItem["lotSizing"],
    };
  });
  let beyondHorizon = 0;
  const demand: { item: string; period: number; quantity: number; source: string; date: string }[] = [];
  const addDemand = (item: string, date: string, quantity: number, source: string) => {
    if (!scope.has(item) || !(quantity > 0)) return;
    const at = periodOf(cal, date);
    if (!at) beyondHorizon++;
    else demand.push({ item, period: at.period, quantity, source, date });
  };
  for (const r of reservations) addDemand(r.sku, r.date, r.quantity, `order ${r.order}`);
  for (const f of req.forecasts) addDemand(f.item, f.date, f.quantity, f.source ?? "forecast");
  const scheduledReceipts: { item: string; period: number; quantity: number }[] = [];
  for (const s of supply) {
    if (!scope.has(s.sku) || !RECEIPT_TYPES.has(s.type) || !s.date) continue;
    const at = periodOf(cal, s.date);
    if (at) scheduledReceipts.push({ item: s.sku, period: at.period, quantity: s.quantity });
  }
  const bom = lines.filter((l) => scope.has(l.parent)).map((l) => ({ parent: l.parent, child: l.child, quantity: l.quantity, ...(l.lossRate !== undefined ? { lossRate: l.lossRate } : {}) }));
  return { input: { periods: cal.periods, items, bom, demand, scheduledReceipts }, suppliers, beyondHorizon };
}

/** The MRP on the hub's data: planned orders with dates and covered demands, merged when asked. Publishes nothing. */
export async function mrpFromStore(req: MrpRequest, src: PlanningSources = hubPlanningSources()): Promise<MrpAnswer> {
  const { input, suppliers, beyondHorizon } = await mrpInputFromStore(req, src);
  const plan = planMrp(input);
  const pegged = pegOrders(plan, input, suppliers);
  const orders = req.mergeWindow !== undefined ? mergeOrders(pegged, req.mergeWindow) : pegged;
  const cal = req.calendar;
  return {
    plan: { from: cal.from, bucket: cal.bucket, periods: cal.periods, ...(req.mergeWindow !== undefined ? { mergeWindow: req.mergeWindow } : {}) },
    calendar: periodsOf(cal),
    plannedOrders: suggestionsOf(orders, cal, plan.exceptions),
    exceptions: plan.exceptions,
    records: plan.records,
    beyondHorizon,
  };
}

/** Each suggestion as `planning.suggestion` on orderhub.events, confirmed; resolves with how many were published. */
export async function publishSuggestions(broker: BrokerConnection, suggestions: readonly PlanningSuggestion[]): Promise<number> {
  for (const s of suggestions) {
    await broker.publish(EVENTS_EXCHANGE, "planning.suggestion", Buffer.from(JSON.stringify(s), "utf8"), {
      messageId: suggestionMessageId(s),
      contentType: "application/json",
      timestamp: Math.floor(Date.now() / 1000),
      appId: "orderhub",
      type: "planning.suggestion",
    });
  }
  return suggestions.length;
}
