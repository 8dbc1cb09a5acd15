import { describe, expect, it } from "vitest";
import { PlanningInputError } from "../../domain/planning/errors";
import { lotSizes } from "../../domain/planning/lot-sizing";
import { planMrp, type MrpInput, type MrpItem } from "../../domain/planning/mrp";

const item = (id: string, more: Partial<MrpItem> = {}): MrpItem => ({ id, leadTime: 0, onHand: 0, source: "buy", lotSizing: { rule: "lot-for-lot" }, ...more });
const demand = (id: string, quantities: number[]) => quantities.map((quantity, i) => ({ item: id, period: i + 1, quantity })).filter((d) => d.quantity > 0);
const one = (it: MrpItem, quantities: number[], extra: Partial<MrpInput> = {}): MrpInput => ({ periods: quantities.length, items: [it], bom: [], demand: demand(it.id, quantities), ...extra });

describe("lot-for-lot orders exactly the net requirement", () => {
  it("one order per period short, nothing left over", () => {
    const r = planMrp(one(item("X"), [5, 0, 7])).records.X;
    expect(r.plannedReceipts).toEqual([5, 0, 7]);
    expect(r.projectedAvailable).toEqual([0, 0, 0]);
  });
});

describe("fixed lot: the smallest multiple of the lot covering the net", () => {
  it("a net of 1 takes a lot of 40; a net of 81 three lots", () => {
    const r = planMrp(one(item("X", { lotSizing: { rule: "fixed", quantity: 40 } }), [1, 39, 81])).records.X;
    expect(r.netRequirements).toEqual([1, 0, 81]);
    expect(r.plannedReceipts).toEqual([40, 0, 120]);
    expect(r.projectedAvailable).toEqual([39, 0, 39]);
  });
});

describe("period order quantity: the nets lot-for-lot would have for P periods, in one order", () => {
  it("P = 2 joins periods 1–2, 3–4 and 5–6", () => {
    const r = planMrp(one(item("X", { lotSizing: { rule: "period", periods: 2 } }), [10, 20, 30, 0, 40, 50])).records.X;
    expect(r.plannedReceipts).toEqual([30, 0, 30, 0, 90, 0]);
    expect(r.projectedAvailable).toEqual([20, 0, 0, 0, 50, 0]);
  });

  it("counts scheduled receipts and safety stock in the nets it sums", () => {
    const input = one(item("X", { safetyStock: 5, onHand: 5, lotSizing: { rule: "period", periods: 3 } }), [10, 10, 10, 10]);
    input.scheduledReceipts = [{ item: "X", period: 2, quantity: 4 }];
    const r = planMrp(input).records.X;
    // lot-for-lot nets: 10, 6, 10 → 26 in period 1; period 4 is a new order of 10
    expect(r.plannedReceipts).toEqual([26, 0, 0, 10]);
    expect(r.projectedAvailable).toEqual([21, 15, 5, 5]);
  });

  it("stops at the planning horizon", () => {
    expect(planMrp(one(item("X", { lotSizing: { rule: "period", periods: 4 } }), [0, 3, 3])).records.X.plannedReceipts).toEqual([0, 6, 0]);
  });
});

describe("min-max-multiple: max(net, min) up to the multiple, capped at max, more orders when one is not enough", () => {
  const sizing = { rule: "min-max-multiple", min: 30, max: 100, multiple: 25 } as const;

  it("a net of 10 is raised to the minimum 30, then to the multiple: 50", () => {
    expect(lotSizes(sizing, 10, [10])).toEqual([50]);
  });

  it("a net of 210 takes 100 + 100 + 50 (the rest 10, raised to 30, up to 50)", () => {
    expect(lotSizes(sizing, 210, [210])).toEqual([100, 100, 50]);
    const plan = planMrp(one(item("X", { lotSizing: sizing }), [10, 250]));
    expect(plan.records.X.plannedReceipts).toEqual([50, 250]);
    expect(plan.records.X.projectedAvailable).toEqual([40, 40]);
    expect(plan.plannedOrders.map((o) => [o.receiptPeriod, o.quantity])).toEqual([[1, 50], [2, 100], [2, 100], [2, 50]]);
  });

  it("caps at the largest multiple within max", () => {
    expect(lotSizes({ rule: "min-max-multiple", max: 90, multiple: 25 }, 100, [100])).toEqual([75, 25]);
  });

  it("without min, max or multiple it is lot-for-lot", () => {
    expect(lotSizes({ rule: "min-max-multiple" }, 17, [17])).toEqual([17]);
  });
});

describe("scrap: the order is the good quantity plus its scrap, the projected on hand grows by the good quantity", () => {
  it("100 good with 10 % scrap is an order of 110, not 111 (100 × 1.1 = 110.00000000000001 in binary)", () => {
    const plan = planMrp(one(item("X", { scrapRate: 0.1, source: "make" }), [100]));
    expect(plan.plannedOrders).toEqual([{ item: "X", releasePeriod: 1, receiptPeriod: 1, quantity: 110, type: "production" }]);
    expect(plan.records.X.plannedReceipts).toEqual([100]);
    expect(plan.records.X.plannedReleases).toEqual([110]);
    expect(plan.records.X.projectedAvailable).toEqual([0]);
  });

  it("rounds the order up to whole units: 7 good with 10 % scrap is 8", () => {
    expect(planMrp(one(item("X", { scrapRate: 0.1 }), [7])).plannedOrders[0].quantity).toBe(8);
  });
});

describe("BOM loss rate: the component's gross requirement is the parent order × quantity × (1 + loss)", () => {
  const input = (lossRate: number): MrpInput => ({
    periods: 3,
    items: [item("P", { leadTime: 1, scrapRate: 0.1, source: "make" }), item("C", { leadTime: 1 })],
    bom: [{ parent: "P", child: "C", quantity: 2, lossRate }],
    demand: [{ item: "P", period: 3, quantity: 100 }],
  });

  it("the parent order of 110 (100 good, 10 % scrap) needs 110 × 2 × 1.05 = 231 of the component, released a period before", () => {
    const plan = planMrp(input(0.05));
    expect(plan.records.C.grossRequirements).toEqual([0, 231, 0]);
    expect(plan.plannedOrders.find((o) => o.item === "C")).toEqual({ item: "C", releasePeriod: 1, receiptPeriod: 2, quantity: 231, type: "purchase" });
  });

  it("rounds up to whole units: 110 × 2 × 1.013 = 222.86 → 223", () => {
    expect(planMrp(input(0.013)).records.C.grossRequirements[1]).toBe(223);
  });
});

describe("decimals: quantities in the item's decimals, without binary drift", () => {
  it("0.1 + 0.2 of demand is exactly 0.3 on hand: nothing to order", () => {
    const plan = planMrp({ periods: 1, items: [item("OIL", { onHand: 0.3, decimals: 1 })], bom: [], demand: [{ item: "OIL", period: 1, quantity: 0.1 }, { item: "OIL", period: 1, quantity: 0.2 }] });
    expect(plan.records.OIL.grossRequirements).toEqual([0.3]);
    expect(plan.records.OIL.projectedAvailable).toEqual([0]);
    expect(plan.plannedOrders).toEqual([]);
  });

  it("a component in 2 decimals gets 3 × 0.35 × 1.1 = 1.155 → 1.16; one in whole units gets 2", () => {
    const plan = planMrp({
      periods: 1,
      items: [item("P", { source: "make" }), item("GLUE", { decimals: 2 }), item("PIN")],
      bom: [{ parent: "P", child: "GLUE", quantity: 0.35, lossRate: 0.1 }, { parent: "P", child: "PIN", quantity: 0.35, lossRate: 0.1 }],
      demand: [{ item: "P", period: 1, quantity: 3 }],
    });
    expect(plan.records.GLUE.plannedReceipts).toEqual([1.16]);
    expect(plan.records.PIN.plannedReceipts).toEqual([2]);
  });

  it("without decimals a fractional demand is rounded up to a whole unit", () => {
    expect(planMrp(one(item("X"), [2.2])).records.X.grossRequirements).toEqual([3]);
  });
});

describe("release = receipt − lead time; earlier than period 1 is released in period 1 as past due", () => {
  it("a need in period 2 with lead time 3 is released in period 1, two periods late, and says so", () => {
    const plan = planMrp(one(item("X", { leadTime: 3, source: "outsource" }), [0, 10, 0, 10]));
    expect(plan.plannedOrders).toEqual([
      { item: "X", releasePeriod: 1, receiptPeriod: 2, quantity: 10, type: "outsourcing" },
      { item: "X", releasePeriod: 1, receiptPeriod: 4, quantity: 10, type: "outsourcing" },
    ]);
    expect(plan.records.X.plannedReleases).toEqual([20, 0, 0, 0]);
    expect(plan.exceptions).toEqual([
      {
        item: "X",
        kind: "past-due",
        period: 2,
        message: "item X: the planned order of 10 for period 2 should have been released in period -1 (lead time 3); released in period 1, 2 periods late: expedite it or move the demand",
      },
    ]);
  });

  it("on hand below safety stock is a net requirement in period 1", () => {
    const plan = planMrp(one(item("X", { onHand: 2, safetyStock: 5, leadTime: 1 }), [0, 0]));
    expect(plan.records.X.netRequirements).toEqual([3, 0]);
    expect(plan.exceptions.map((e) => e.kind)).toEqual(["past-due"]);
  });
});

describe("refuses input a planner must correct, naming the field", () => {
  const good = (): MrpInput => ({ periods: 2, items: [item("P", { source: "make" }), item("C")], bom: [{ parent: "P", child: "C", quantity: 1 }], demand: [{ item: "P", period: 1, quantity: 1 }] });
  it.each<[string, (i: MrpInput) => void, string]>([
    ["a demand beyond the horizon", (i) => (i.demand[0].period = 3), "demand[0].period: must be a whole number from 1 up to 2 (is 3)"],
    ["an unknown item", (i) => (i.bom[0].child = "Z"), "bom[0].child: item Z is not in items"],
    ["a BOM cycle", (i) => i.bom.push({ parent: "C", child: "P", quantity: 1 }), "BOM cycle: C → P → C"],
    ["a bad lot size", (i) => (i.items[0].lotSizing = { rule: "fixed", quantity: 0 }), "item P: fixed lot size needs a positive quantity (is 0)"],
    ["an unknown rule", (i) => ((i.items[0].lotSizing as { rule: string }).rule = "eoq"), 'items[0].lotSizing.rule: must be one of lot-for-lot, fixed, period, min-max-multiple (is "eoq")'],
    ["a negative lead time", (i) => (i.items[1].leadTime = -1), "items[1].leadTime: must be a whole number from 0 (is -1)"],
    ["an item twice", (i) => i.items.push(item("C")), "items[2].id: item C is listed twice"],
  ])("%s", (_case, spoil, message) => {
    const input = good();
    spoil(input);
    expect(() => planMrp(input)).toThrow(PlanningInputError);
    expect(() => planMrp(input)).toThrow(message);
  });
});
