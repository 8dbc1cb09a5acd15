import { describe, expect, it } from "vitest";
import { indexMasterData } from "../../domain/master/master-index";
import { SUPPLY_TYPES, type MasterData, type Reservation, type Supply } from "../../domain/master/types";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { atpCheck } from "../../domain/order/atp";
import type { AtpDecision } from "../../domain/order/decision";
import { customer, item, line, order } from "./order-desk";

// ATP on random stock: whatever the supply, reservations, settings, policy and order, it never promises from supply
// more than is free on any date, counting every later reservation (checked here from the raw records, not with the
// implementation's ledger), and it promises each line exactly what was ordered.

const AT = "2026-11-20";
const CASES = 400;

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

const day = (offset: number) => new Date(Date.parse(`${AT}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

interface Scenario {
  data: MasterData;
  order: CanonicalOrder;
}

function scenario(seed: number): Scenario {
  const r = prng(seed);
  const warehouses = ["W1", "W2", "W3"].slice(0, r.int(1, 3)).map((id) => ({ id, priority: r.int(1, 5), region: r.pick(["east", "west"]) }));
  const places = [...warehouses.map((w) => w.id), "W-UNLISTED"];
  const skus = ["A", "B", "C"];
  const quantity = () => (r.chance(0.2) ? r.int(1, 60) / 2 : r.int(1, 30));
  const supply: Supply[] = Array.from({ length: r.int(0, 10) }, () => ({
    sku: r.pick(skus),
    warehouse: r.chance(0.1) ? "W-UNLISTED" : r.pick(places.slice(0, -1)),
    type: r.pick(SUPPLY_TYPES),
    quantity: quantity(),
    ...(r.chance(0.8) ? { date: day(r.int(-5, 40)) } : {}),
  }));
  const reservations: Reservation[] = Array.from({ length: r.int(0, 6) }, (_, n) => ({
    sku: r.pick(skus),
    warehouse: r.pick(places),
    quantity: quantity(),
    date: day(r.int(-5, 40)),
    order: `C-OTHER/PO-${n}/0`,
  }));
  const data: MasterData = {
    customers: [customer({ partialDelivery: r.pick(["allowed", "complete-lines", "complete-order"] as const), region: r.pick(["east", "west", undefined]) })],
    items: skus.map((sku) => item(sku, { leadTimeDays: r.int(0, 25) })),
    warehouses,
    supply,
    reservations,
    settings: {
      atpInclude: SUPPLY_TYPES.filter(() => r.chance(0.7)),
      warehouseStrategy: r.pick(["priority", "nearest", "fewest-splits"] as const),
    },
  };
  const lines = Array.from({ length: r.int(1, 4) }, (_, i) =>
    line(String((i + 1) * 10), r.pick(skus), r.chance(0.05) ? 0 : quantity(), 1, r.chance(0.5) ? { requestedDate: day(r.int(-3, 30)) } : {}),
  );
  const o = order(lines, (x) => {
    x.orderType = r.chance(0.2) ? "rush" : "standard";
    if (r.chance(0.3)) delete x.requestedDelivery;
    else x.requestedDelivery = { date: day(r.int(-3, 30)) };
  });
  return { data, order: o };
}

/** The day a supply record counts from, read from the rules as written: on-hand now, receipts on their date but not before today. */
function countsFrom(s: Supply, include: readonly string[]): string | undefined {
  if (!include.includes(s.type)) return undefined;
  if (s.type === "on-hand") return AT;
  if (!s.date) return s.type === "quality" ? AT : undefined;
  return s.date < AT ? AT : s.date;
}

/** Every (sku, warehouse, date) where promises from supply, with the reservations, exceed the supply by then. */
function overPromised({ data }: Scenario, decision: AtpDecision): string[] {
  const include = data.settings?.atpInclude ?? [];
  type Event = { sku: string; warehouse: string; date: string; supply: number; reserved: number; confirmed: number };
  const events: Event[] = [
    ...data.supply!.flatMap((s) => {
      const date = countsFrom(s, include);
      return date ? [{ sku: s.sku, warehouse: s.warehouse, date, supply: s.quantity, reserved: 0, confirmed: 0 }] : [];
    }),
    ...data.reservations!.map((x) => ({ sku: x.sku, warehouse: x.warehouse, date: x.date < AT ? AT : x.date, supply: 0, reserved: x.quantity, confirmed: 0 })),
    ...decision.lines.flatMap((l) =>
      l.confirmations.filter((c) => c.source === "supply").map((c) => ({ sku: l.sku, warehouse: c.warehouse, date: c.date, supply: 0, reserved: 0, confirmed: c.quantity })),
    ),
  ];
  const problems: string[] = [];
  const places = new Set(events.map((e) => `${e.sku}@${e.warehouse}`));
  for (const place of places) {
    const here = events.filter((e) => `${e.sku}@${e.warehouse}` === place);
    for (const date of new Set(here.map((e) => e.date))) {
      const by = here.filter((e) => e.date <= date);
      const sum = (f: (e: Event) => number) => by.reduce((s, e) => s + f(e), 0);
      const [supply, reserved, confirmed] = [sum((e) => e.supply), sum((e) => e.reserved), sum((e) => e.confirmed)];
      if (confirmed > 1e-6 && confirmed + reserved > supply + 1e-6) problems.push(`${place} by ${date}: confirmed ${confirmed} + reserved ${reserved} > supply ${supply}`);
    }
  }
  return problems;
}

describe("ATP on random supply and reservations", () => {
  const scenarios = Array.from({ length: CASES }, (_, i) => ({ seed: 1000 + i, ...scenario(1000 + i) }));

  it(`never promises from supply more than is free on any date, with look-ahead (${CASES} cases)`, () => {
    for (const s of scenarios) {
      const decision = atpCheck(s.order, indexMasterData(s.data), AT);
      expect(overPromised(s, decision), `seed ${s.seed}`).toEqual([]);
    }
  });

  it(`promises each line exactly what it orders, never before it is wanted, replenishment not before the lead time (${CASES} cases)`, () => {
    for (const s of scenarios) {
      const decision = atpCheck(s.order, indexMasterData(s.data), AT);
      s.order.lines.forEach((l, i) => {
        const promised = decision.lines[i].confirmations;
        const total = promised.reduce((sum, c) => sum + c.quantity, 0);
        expect(Math.abs(total - Math.max(0, l.quantity)), `seed ${s.seed} line ${l.lineNumber}`).toBeLessThan(1e-6);
        const wanted = l.requestedDate ?? s.order.requestedDelivery?.date ?? AT;
        const lead = day(s.data.items!.find((x) => x.sku === l.sku)!.leadTimeDays);
        for (const c of promised) {
          expect(c.date >= wanted && c.date >= AT, `seed ${s.seed}: ${c.date} before ${wanted}`).toBe(true);
          if (c.source === "lead-time") expect(c.date >= lead, `seed ${s.seed}: replenishment ${c.date} before ${lead}`).toBe(true);
        }
      });
    }
  });

  it(`keeps to the partial-delivery policy: complete lines on one date, complete orders on one date, partial at most twice (${CASES} cases)`, () => {
    for (const s of scenarios) {
      const decision = atpCheck(s.order, indexMasterData(s.data), AT);
      const policy = s.data.customers![0].partialDelivery;
      const datesOf = (i: number) => new Set(decision.lines[i].confirmations.map((c) => c.date));
      const all = new Set(decision.lines.flatMap((l) => l.confirmations.map((c) => c.date)));
      if (policy === "complete-order") expect(all.size, `seed ${s.seed}`).toBeLessThanOrEqual(1);
      decision.lines.forEach((l, i) => {
        const dates = [...datesOf(i)].sort();
        if (policy === "complete-lines") expect(dates.length, `seed ${s.seed}`).toBeLessThanOrEqual(1);
        if (policy === "allowed") {
          expect(dates.length, `seed ${s.seed}`).toBeLessThanOrEqual(2);
          if (dates.length === 2) expect(dates[0], `seed ${s.seed}`).toBe(l.requestedDate);
        }
      });
    }
  });
});
