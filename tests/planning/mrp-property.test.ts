import { describe, expect, it } from "vitest";
import { buildBom } from "../../domain/planning/bom";
import { BomCycleError } from "../../domain/planning/errors";
import type { LotSizing } from "../../domain/planning/lot-sizing";
import { planMrp, type MrpInput, type MrpItem } from "../../domain/planning/mrp";
import { add, mul, roundUp } from "../../domain/planning/quantity";

// MRP on random BOM DAGs (up to 6 levels, shared components, losses, scrap, every lot-sizing rule, safety stock,
// scheduled receipts, decimals): after planning no projected on hand is below safety stock, every demand and every
// parent's planned release is covered, and a BOM with a loop is refused naming a real loop.

const CASES = 300;

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

function lotSizing(r: ReturnType<typeof prng>): LotSizing {
  switch (r.int(0, 3)) {
    case 0:
      return { rule: "lot-for-lot" };
    case 1:
      return { rule: "fixed", quantity: r.int(1, 60) };
    case 2:
      return { rule: "period", periods: r.int(1, 4) };
    default: {
      const multiple = r.chance(0.7) ? r.int(1, 12) : undefined;
      const min = r.chance(0.5) ? r.int(0, 30) : undefined;
      return { rule: "min-max-multiple", min, max: r.chance(0.5) ? r.int(Math.max(min ?? 1, multiple ?? 1), 80) : undefined, multiple };
    }
  }
}

function scenario(seed: number): MrpInput {
  const r = prng(seed);
  const periods = r.int(1, 12);
  const levels = r.int(1, 6);
  const items: MrpItem[] = [];
  const level: number[] = [];
  for (let l = 0; l < levels; l++) {
    for (let k = r.int(1, 4); k > 0; k--) {
      level.push(l);
      items.push({
        id: `L${l}-${items.length}`,
        leadTime: r.int(0, 3),
        onHand: r.int(0, 40),
        safetyStock: r.chance(0.4) ? r.int(0, 15) : undefined,
        scrapRate: r.chance(0.3) ? r.pick([0.05, 0.1, 0.015]) : undefined,
        decimals: r.chance(0.2) ? r.int(1, 3) : undefined,
        source: r.pick(["make", "buy", "outsource"] as const),
        lotSizing: lotSizing(r),
      });
    }
  }
  const bom: MrpInput["bom"] = [];
  items.forEach((parent, i) =>
    items.forEach((child, j) => {
      if (level[j] > level[i] && r.chance(0.35)) bom.push({ parent: parent.id, child: child.id, quantity: r.pick([1, 2, 3, 0.5, 0.25]), lossRate: r.chance(0.3) ? r.pick([0.02, 0.1, 0.013]) : undefined });
    }),
  );
  const demand: MrpInput["demand"] = [];
  for (let k = r.int(0, 10); k > 0; k--) demand.push({ item: r.pick(items).id, period: r.int(1, periods), quantity: r.pick([1, 5, 12, 0.3, 40, 0]) });
  const scheduledReceipts: MrpInput["scheduledReceipts"] = [];
  for (let k = r.int(0, 4); k > 0; k--) scheduledReceipts.push({ item: r.pick(items).id, period: r.int(1, periods), quantity: r.int(1, 30) });
  return { periods, items, bom, demand, scheduledReceipts };
}

describe("MRP on random BOM DAGs", () => {
  it(`keeps every item at or above safety stock and covers all demand (${CASES} seeded cases)`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const input = scenario(seed);
      const plan = planMrp(input);
      const where = `seed ${seed}`;
      // Dependent demand computed here from the planned orders, not taken from the records.
      const gross = new Map(input.items.map((i) => [i.id, new Array<number>(input.periods).fill(0)]));
      const decimals = (id: string) => input.items.find((i) => i.id === id)!.decimals ?? 0;
      for (const d of input.demand) gross.get(d.item)![d.period - 1] = add(gross.get(d.item)![d.period - 1], roundUp(d.quantity, decimals(d.item)));
      for (const o of plan.plannedOrders) {
        for (const line of input.bom.filter((l) => l.parent === o.item)) {
          const row = gross.get(line.child)!;
          row[o.releasePeriod - 1] = add(row[o.releasePeriod - 1], roundUp(mul(o.quantity, line.quantity, 1 + (line.lossRate ?? 0)), decimals(line.child)));
        }
      }
      for (const item of input.items) {
        const rec = plan.records[item.id];
        expect(rec.grossRequirements, `${where} ${item.id} gross`).toEqual(gross.get(item.id));
        let pab = item.onHand;
        for (let t = 0; t < input.periods; t++) {
          pab = add(pab, rec.scheduledReceipts[t], rec.plannedReceipts[t], -rec.grossRequirements[t]);
          expect(rec.projectedAvailable[t], `${where} ${item.id} PAB(${t + 1})`).toBe(pab);
          expect(pab, `${where} ${item.id} PAB(${t + 1}) below safety stock`).toBeGreaterThanOrEqual(item.safetyStock ?? 0);
        }
        const orders = plan.plannedOrders.filter((o) => o.item === item.id);
        for (const o of orders) {
          expect(o.quantity, `${where} ${item.id}: an order orders something`).toBeGreaterThan(0);
          expect(rec.plannedReceipts[o.receiptPeriod - 1], `${where} ${item.id}: its receipt is in the record`).toBeGreaterThan(0);
          const due = o.receiptPeriod - item.leadTime;
          expect(o.releasePeriod).toBe(Math.max(1, due));
          if (due < 1) expect(plan.exceptions.some((e) => e.item === item.id && e.kind === "past-due" && e.period === o.receiptPeriod)).toBe(true);
        }
      }
    }
  });

  it(`refuses a loop closed anywhere in the DAG, naming a real loop (${CASES} seeded cases)`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const input = scenario(seed);
      const r = prng(seed * 7919);
      const line = input.bom.length ? r.pick(input.bom) : undefined;
      if (!line) continue;
      // Close a loop: from the child (or something below it) back up to the parent.
      const below = input.bom.filter((l) => l.parent === line.child);
      const from = below.length && r.chance(0.5) ? r.pick(below).child : line.child;
      const bom = [...input.bom, { parent: from, child: line.parent, quantity: 1 }];
      let error: unknown;
      try {
        buildBom(bom);
      } catch (err) {
        error = err;
      }
      expect(error, `seed ${seed}`).toBeInstanceOf(BomCycleError);
      const loop = (error as BomCycleError).loop;
      expect(loop[0]).toBe(loop[loop.length - 1]);
      for (let k = 0; k + 1 < loop.length; k++) expect(bom.some((l) => l.parent === loop[k] && l.child === loop[k + 1]), `seed ${seed}: ${loop.join(" → ")}`).toBe(true);
      expect(() => planMrp({ ...input, bom })).toThrow(/^BOM cycle: /);
    }
  });
});
