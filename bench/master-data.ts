import type { Customer, Item, MasterData, OpenItem, PartialDelivery, PriceBreak, PriceList, Promotion, Reservation, Supply, SupplyType, Warehouse } from "../domain/master/types";
import { indexMasterData, type MasterIndex } from "../domain/master/master-index";
import type { AllowanceCharge, CanonicalOrder, OrderLine } from "../domain/order/canonical-order";
import { addDays } from "../domain/order/dates";
import { listPrice } from "../domain/order/list-price";
import { prng } from "../runtime/seeded-random";

/**
 * The order desk of `npm run bench:decisions`, generated from a seed (the same seed, the same data, on any machine):
 * 10,000 customers, 50,000 items, 5 warehouses, price lists (general, per customer class, per customer, with quantity
 * breaks, an expired and a promotional one), supply and reservations for the items, the customers' open items, a few
 * promotions, and 10-line canonical orders against them. Every date is relative to the evaluation date `at`, so that
 * the hub deciding on its own date ("now") decides as the bench planned.
 *
 * The orders are planned to come out as an order desk sees them: most released; some held (an invoice overdue past
 * the grace days, a cash-in-advance customer); some to approve (a discount beyond what the item allows, longer payment
 * terms); a few rejected (a blocked customer, an SKU not in the item master). `evaluateOrder` decides; the plan is
 * only how each order was drawn.
 */

export const CUSTOMERS = 10_000;
export const ITEMS = 50_000;
/** The items most lines order (80 % of them): where stock, reservations and price lists are contended. */
export const FAST_MOVERS = 5_000;
export const LINES_PER_ORDER = 10;
export const DEFAULT_SEED = 20_261_205;

type Random = () => number;
const int = (r: Random, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)];
/** A copy in random order (Fisher–Yates). */
function shuffled<T>(r: Random, list: readonly T[]): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
const money = (n: number) => Math.round(n * 100) / 100;
const pad = (n: number, width: number) => String(n).padStart(width, "0");

export const customerId = (i: number) => `C-${pad(i + 1, 5)}`;
export const sku = (i: number) => `SKU-${pad(i + 1, 6)}`;

const REGIONS = ["north", "south", "east", "west", "central"];
const CLASSES: Array<[string, number]> = [["A", 0.1], ["B", 0.35], ["C", 0.45], ["DIST", 0.1]];
const UNITS = ["H87", "H87", "H87", "H87", "C62", "KGM", "MTR", "SET"];
const NOUNS = ["gear housing", "bearing", "shaft", "flange", "pump casing", "valve body", "coupling", "sprocket", "seal kit", "motor mount", "bracket", "impeller"];

/** What each customer is, beyond its record: how the order plan chooses buyers. */
export type Standing = "good" | "overdue" | "cash-in-advance" | "blocked";

export interface BenchMaster {
  master: MasterData;
  /** Each customer's standing, by index. */
  standing: Standing[];
  /** Customers (indexes) of each standing. */
  byStanding: Record<Standing, number[]>;
}

function drawClass(r: Random): string {
  let x = r();
  for (const [name, share] of CLASSES) if ((x -= share) < 0) return name;
  return "C";
}

/** The master data for evaluation date `at` (YYYY-MM-DD). */
export function benchMasterData(at: string, seed = DEFAULT_SEED): BenchMaster {
  const r = prng(seed);
  const warehouses: Warehouse[] = REGIONS.map((region, i) => ({ id: `WH-${i + 1}`, priority: i + 1, region }));

  // customers: 1 % blocked, 1.5 % cash in advance, 4 % with an invoice past due date + grace, the rest in good standing
  const customers: Customer[] = [];
  const standing: Standing[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const x = r();
    const s: Standing = x < 0.01 ? "blocked" : x < 0.025 ? "cash-in-advance" : x < 0.065 ? "overdue" : "good";
    standing.push(s);
    const partial: PartialDelivery = r() < 0.7 ? "allowed" : r() < 0.67 ? "complete-lines" : "complete-order";
    customers.push({
      id: customerId(i),
      name: `${pick(r, ["Schmidt", "Müller", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Klein"])} ${pick(r, ["Antriebstechnik", "Maschinenbau", "Hydraulik", "Fördertechnik", "Anlagenbau", "Industrieservice"])} ${pick(r, ["GmbH", "AG", "KG", "GmbH & Co. KG"])} ${i + 1}`,
      class: drawClass(r),
      currency: "EUR",
      // limits set below, from the open items; the no-limit customers keep none
      paymentTermsDays: pick(r, [14, 30, 30, 30, 45, 60]),
      graceDays: pick(r, [0, 5, 5, 10, 14]),
      blocked: s === "blocked",
      salesReps: Array.from({ length: int(r, 1, 2) }, (_, k) => `SR-${pad(int(r, 1, 120) + k * 120, 3)}`),
      partialDelivery: partial,
      region: pick(r, REGIONS),
    });
  }

  // items: list price 2–800 EUR (log-uniform); a finance floor on 60 %, a discount allowance on half
  const items: Item[] = [];
  const listPrices: number[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const price = money(Math.exp(Math.log(2) + r() * (Math.log(800) - Math.log(2))));
    listPrices.push(price);
    const mode = r() < 0.7 ? "MTS" : pick(r, ["MTO", "MTO", "ATO", "CTO", "ETO"] as const);
    items.push({
      sku: sku(i),
      name: `${pick(r, NOUNS)} ${pick(r, ["DN", "M", "Type", "Series"])} ${int(r, 10, 999)}`,
      unit: pick(r, UNITS),
      productionMode: mode,
      leadTimeDays: mode === "MTS" ? int(r, 5, 30) : int(r, 20, 90),
      ...(r() < 0.6 ? { basePrice: money(price * (0.55 + r() * 0.15)) } : {}),
      ...(r() < 0.5 ? { maxDiscountPercent: pick(r, [3, 5, 5, 10, 15]) } : {}),
    });
  }

  // price lists: the general list (every item; 40 % with breaks from 50 and 200), last year's (expired), one per class
  // but C, a promotional class list valid a few weeks, and 500 customers' own lists
  const general: PriceBreak[] = [];
  const lastYear: PriceBreak[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const p = listPrices[i];
    general.push({ sku: sku(i), minQuantity: 1, unitPrice: p });
    if (r() < 0.4) general.push({ sku: sku(i), minQuantity: 50, unitPrice: money(p * 0.96) }, { sku: sku(i), minQuantity: 200, unitPrice: money(p * 0.92) });
    lastYear.push({ sku: sku(i), minQuantity: 1, unitPrice: money(p * 0.97) });
  }
  const classList = (cls: string, count: number, off: number): PriceList => {
    const prices: PriceBreak[] = [];
    const seen = new Set<number>();
    while (seen.size < count) {
      const i = r() < 0.6 ? int(r, 0, FAST_MOVERS - 1) : int(r, 0, ITEMS - 1);
      if (seen.has(i)) continue;
      seen.add(i);
      prices.push({ sku: sku(i), minQuantity: 1, unitPrice: money(listPrices[i] * (1 - off)) });
      if (r() < 0.3) prices.push({ sku: sku(i), minQuantity: 100, unitPrice: money(listPrices[i] * (1 - off - 0.03)) });
    }
    return { id: `CLS-${cls}`, customerClass: cls, currency: "EUR", validFrom: addDays(at, -150), prices };
  };
  const priceLists: PriceList[] = [
    { id: "GEN-CURRENT", currency: "EUR", validFrom: addDays(at, -200), prices: general },
    { id: "GEN-PREVIOUS", currency: "EUR", validFrom: addDays(at, -565), validTo: addDays(at, -201), prices: lastYear },
    classList("A", 10_000, 0.06),
    classList("B", 5_000, 0.03),
    classList("DIST", 15_000, 0.1),
    { ...classList("B", 2_000, 0.05), id: "CLS-B-SEASON", validFrom: addDays(at, -10), validTo: addDays(at, 20) },
  ];
  for (let n = 0; n < 500; n++) {
    const c = int(r, 0, CUSTOMERS - 1);
    const prices: PriceBreak[] = [];
    const seen = new Set<number>();
    const count = int(r, 10, 40);
    while (seen.size < count) {
      const i = int(r, 0, FAST_MOVERS - 1);
      if (seen.has(i)) continue;
      seen.add(i);
      prices.push({ sku: sku(i), minQuantity: 1, unitPrice: money(listPrices[i] * (0.88 + r() * 0.04)) });
    }
    priceLists.push({ id: `CUS-${customerId(c)}-${n}`, customer: customerId(c), currency: "EUR", validFrom: addDays(at, -int(r, 30, 300)), ...(r() < 0.3 ? { validTo: addDays(at, int(r, 30, 200)) } : {}), prices });
  }

  // promotions: 20 gifts (buy n of a fast mover, get one of another free), 20 coupons (an amount or a percent)
  const promotions: Promotion[] = [];
  for (let n = 0; n < 20; n++) {
    promotions.push({
      id: `PROMO-GIFT-${n + 1}`,
      validFrom: addDays(at, -int(r, 5, 60)),
      validTo: addDays(at, int(r, 5, 60)),
      gift: { sku: sku(FAST_MOVERS + n), quantity: 1, per: { sku: sku(n), quantity: 10 } },
    });
    promotions.push({
      id: `PROMO-COUPON-${n + 1}`,
      validFrom: addDays(at, -int(r, 5, 60)),
      validTo: addDays(at, int(r, 5, 60)),
      coupon: n % 2 ? { code: `SAVE${n + 1}`, amount: 50 * int(r, 1, 10) } : { code: `SAVE${n + 1}`, percent: pick(r, [2, 3, 5]) },
    });
  }

  // supply: on hand in one to three warehouses; purchase orders, in transit, quality, production, requisitions
  const supply: Supply[] = [];
  const stocked: string[][] = [];
  for (let i = 0; i < ITEMS; i++) {
    const fast = i < FAST_MOVERS;
    const where = shuffled(r, warehouses).slice(0, int(r, 1, 3)).map((w) => w.id);
    stocked.push(where);
    for (const w of where) {
      if (r() < 0.9) supply.push({ sku: sku(i), warehouse: w, type: "on-hand", quantity: fast ? int(r, 200, 3000) : int(r, 0, 400) });
    }
    const add = (type: SupplyType, share: number, from: number, to: number | undefined, quantity: () => number) => {
      if (r() < share) supply.push({ sku: sku(i), warehouse: pick(r, where), type, quantity: quantity(), ...(to === undefined ? {} : { date: addDays(at, int(r, from, to)) }) });
    };
    add("purchase-order", fast ? 0.7 : 0.3, 3, 60, () => int(r, 100, 2000));
    add("in-transit", 0.15, 1, 14, () => int(r, 50, 800));
    add("quality", 0.05, 0, 0, () => int(r, 10, 200));
    add("quality", 0.03, 1, 5, () => int(r, 10, 200));
    add("production", items[i].productionMode === "MTS" ? 0.05 : 0.4, 7, 45, () => int(r, 20, 500));
    add("requisition", 0.05, 10, 80, () => int(r, 100, 1000));
  }

  // reservations: 20,000 order lines released before, on the fast movers
  const reservations: Reservation[] = [];
  for (let n = 0; n < 20_000; n++) {
    const i = int(r, 0, FAST_MOVERS - 1);
    reservations.push({ sku: sku(i), warehouse: pick(r, stocked[i]), quantity: int(r, 5, 80), date: addDays(at, int(r, 1, 30)), order: `ERP-SO-${pad(n + 1, 6)}` });
  }

  // open items: invoices (some credits), open orders, deliveries not invoiced; overdue customers have one invoice past
  // due date + grace; the limit leaves room for the bench's orders, cash in advance has 0, 10 % have none
  const openItems: OpenItem[] = [];
  let document = 0;
  for (let c = 0; c < CUSTOMERS; c++) {
    const customer = customers[c];
    let exposure = 0;
    const item = (type: OpenItem["type"], amount: number, dueDate?: string) => {
      openItems.push({ customer: customer.id, type, document: `${type === "invoice" ? "INV" : type === "open-order" ? "SO" : "DN"}-${pad(++document, 7)}`, amount, ...(dueDate ? { dueDate } : {}) });
      exposure += amount;
    };
    if (standing[c] !== "cash-in-advance") {
      for (let k = int(r, 0, 4); k > 0; k--) item("invoice", money(r() < 0.03 ? -int(r, 50, 2000) : 500 + r() * 29_500), addDays(at, int(r, -customer.graceDays, 60)));
      for (let k = int(r, 0, 2); k > 0; k--) item("open-order", money(1000 + r() * 40_000));
      if (r() < 0.3) item("delivered-not-invoiced", money(500 + r() * 10_000));
    }
    if (standing[c] === "overdue") item("invoice", money(1000 + r() * 20_000), addDays(at, -customer.graceDays - int(r, 1, 60)));
    if (standing[c] === "cash-in-advance") customer.creditLimit = 0;
    else if (r() >= 0.1) customer.creditLimit = Math.ceil((exposure + 300_000 + r() * 2_000_000) / 1000) * 1000;
  }

  const byStanding: Record<Standing, number[]> = { good: [], overdue: [], "cash-in-advance": [], blocked: [] };
  standing.forEach((s, i) => byStanding[s].push(i));
  return { master: { customers, items, priceLists, promotions, warehouses, supply, reservations, openItems, settings: {} }, standing, byStanding };
}

/** How an order was drawn: the outcome the bench expects of it when decided alone. */
export type Plan = "release" | "coupon" | "gift" | "overdue" | "cash-in-advance" | "discount" | "terms" | "blocked" | "unknown-sku";

const PLANS: Array<[Plan, number]> = [
  ["coupon", 0.02],
  ["gift", 0.01],
  ["overdue", 0.045],
  ["cash-in-advance", 0.015],
  ["discount", 0.035],
  ["terms", 0.015],
  ["blocked", 0.01],
  ["unknown-sku", 0.01],
];

function drawPlan(r: Random): Plan {
  let x = r();
  for (const [plan, share] of PLANS) if ((x -= share) < 0) return plan;
  return "release";
}

export interface BenchOrders {
  orders: CanonicalOrder[];
  plans: Plan[];
}

/**
 * `count` canonical orders of 10 lines from the master data's customers and items, numbered `prefix-000000` on, issued
 * on `at`, priced at the list price each customer gets (so that the planned ones are released), requested one to six
 * weeks out. 80 % of the lines order a fast mover. A customer in good standing orders more often the lower its number
 * (a few large customers, many small ones).
 */
export function benchDecisionOrders(bench: BenchMaster, count: number, at: string, options: { seed?: number; prefix?: string; index?: MasterIndex } = {}): BenchOrders {
  const r = prng((options.seed ?? DEFAULT_SEED) ^ 0x5eed);
  const index = options.index ?? indexMasterData(bench.master);
  const customers = bench.master.customers!;
  const items = bench.master.items!;
  const { good } = bench.byStanding;
  const orders: CanonicalOrder[] = [];
  const plans: Plan[] = [];
  for (let n = 0; n < count; n++) {
    const plan = drawPlan(r);
    const from = plan === "overdue" ? bench.byStanding.overdue : plan === "cash-in-advance" ? bench.byStanding["cash-in-advance"] : plan === "blocked" ? bench.byStanding.blocked : good;
    const customer = customers[from === good ? good[Math.floor(good.length * r() ** 2)] : pick(r, from)];
    const skus = new Set<number>();
    while (skus.size < LINES_PER_ORDER) skus.add(r() < 0.8 ? int(r, 0, FAST_MOVERS - 1) : int(r, 0, ITEMS - 1));
    const chosen = [...skus];
    // a gift: nine lines bought, among them 10 of the promotion's SKU, and its gift free on the last line
    let giftOf: Promotion | undefined;
    if (plan === "gift") {
      giftOf = pick(r, bench.master.promotions!.filter((p) => p.gift && p.validFrom <= at && at <= p.validTo));
      const per = Number(giftOf.gift!.per.sku.slice(4)) - 1;
      const gift = Number(giftOf.gift!.sku.slice(4)) - 1;
      const rest = chosen.filter((i) => i !== per && i !== gift).slice(0, LINES_PER_ORDER - 2);
      chosen.splice(0, chosen.length, per, ...rest, gift);
    }
    const lines: OrderLine[] = chosen.map((i, k) => {
      const item = items[i];
      const quantity = r() < 0.15 ? int(r, 50, 250) : int(r, 1, 40);
      return { lineNumber: String((k + 1) * 10), sku: item.sku, description: item.name, quantity, unit: item.unit, requestedDate: addDays(at, int(r, 7, 42)) };
    });
    if (giftOf) {
      lines[0].quantity = giftOf.gift!.per.quantity * int(r, 1, 3);
      lines[LINES_PER_ORDER - 1].quantity = 1;
    }
    for (const [k, line] of lines.entries()) {
      const expected = listPrice({ sku: line.sku, quantity: line.quantity, currency: "EUR", day: at, customer }, index)?.unitPrice ?? 10;
      line.unitPrice = giftOf && k === LINES_PER_ORDER - 1 ? 0 : expected;
    }
    if (plan === "discount") {
      // a price 15 % off the list on an item whose discount allowance is smaller (or none)
      const k = lines.findIndex((l) => (index.items.get(l.sku)!.maxDiscountPercent ?? 0) < 15);
      lines[Math.max(0, k)].unitPrice = money(lines[Math.max(0, k)].unitPrice! * 0.85);
    }
    if (plan === "unknown-sku") lines[int(r, 0, LINES_PER_ORDER - 1)].sku = `SKU-X${pad(int(r, 1, 99_999), 5)}`;
    for (const line of lines) line.lineAmount = money(line.quantity * line.unitPrice!);
    const lineTotal = money(lines.reduce((s, l) => s + l.lineAmount!, 0));
    const allowances: AllowanceCharge[] = [];
    if (plan === "coupon") {
      const promotion = pick(r, bench.master.promotions!.filter((p) => p.coupon && p.validFrom <= at && at <= p.validTo));
      const { code, amount, percent } = promotion.coupon!;
      allowances.push({ reason: "coupon", code, amount: Math.min(amount ?? Infinity, money((lineTotal * (percent ?? 100)) / 100 - 0.01)) });
    }
    const allowanceTotal = money(allowances.reduce((s, a) => s + a.amount, 0));
    const orderNumber = `${options.prefix ?? "PO"}-${pad(n, 6)}`;
    orders.push({
      orderNumber,
      revision: 0,
      orderType: "standard",
      source: { system: "ERP", format: "json", documentId: `ERP-${orderNumber}` },
      issueDate: at,
      currency: "EUR",
      buyer: { id: customer.id, name: customer.name },
      ...(plan === "terms" ? { paymentTerms: { netDays: customer.paymentTermsDays + 30 } } : {}),
      lines,
      allowances,
      charges: [],
      totals: { lineTotal, allowanceTotal, chargeTotal: 0, taxTotal: 0, payable: money(lineTotal - allowanceTotal) },
    });
    plans.push(plan);
  }
  return { orders, plans };
}

/** Record counts of the master data, for the bench's header. */
export function describeMaster(master: MasterData): string {
  const breaks = master.priceLists!.reduce((s, l) => s + l.prices.length, 0);
  return [
    `${master.customers!.length} customers`,
    `${master.items!.length} items`,
    `${master.warehouses!.length} warehouses`,
    `${master.priceLists!.length} price lists (${breaks} prices)`,
    `${master.supply!.length} supply records`,
    `${master.reservations!.length} reservations`,
    `${master.openItems!.length} open items`,
    `${master.promotions!.length} promotions`,
  ].join(", ");
}
