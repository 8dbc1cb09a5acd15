import { describe, expect, it } from "vitest";
import { planMrp, type MrpInput, type MrpItem } from "../../domain/planning/mrp";
import { printRecord } from "../../domain/planning/mrp-record";

// Textbook MRP records, worked by hand period by period (PAB(t) = PAB(t−1) + SR(t) + PR(t) − GR(t)) and written out
// as the record a planner reads. The plan must print exactly these tables.

const item = (id: string, leadTime: number, onHand: number, more: Partial<MrpItem> = {}): MrpItem => ({
  id,
  leadTime,
  onHand,
  source: "buy",
  lotSizing: { rule: "lot-for-lot" },
  ...more,
});

/** The record of `id` as printed, from the plan of `input`. */
function record(input: MrpInput, id: string): string {
  return printRecord(planMrp(input).records[id], input.items.find((i) => i.id === id)!.onHand);
}

describe("a multi-level lot-for-lot plan: the table (top, four legs, bolts used at two levels)", () => {
  // TABLE = 1 TOP + 4 LEG + 4 BOLT; TOP = 2 BOLT. BOLT has low-level code 2 and is netted once, after TABLE and TOP.
  const input: MrpInput = {
    periods: 8,
    items: [
      item("TABLE", 1, 20, { source: "make" }),
      item("TOP", 2, 10, { source: "make" }),
      item("LEG", 1, 50),
      item("BOLT", 1, 100),
    ],
    bom: [
      { parent: "TABLE", child: "TOP", quantity: 1 },
      { parent: "TABLE", child: "LEG", quantity: 4 },
      { parent: "TABLE", child: "BOLT", quantity: 4 },
      { parent: "TOP", child: "BOLT", quantity: 2 },
    ],
    demand: [
      { item: "TABLE", period: 4, quantity: 50 },
      { item: "TABLE", period: 6, quantity: 60 },
      { item: "TABLE", period: 8, quantity: 40 },
    ],
    scheduledReceipts: [{ item: "LEG", period: 2, quantity: 40 }],
  };

  it("nets the end item: 20 on hand cover nothing of 50, so 30 are made", () => {
    expect(record(input, "TABLE")).toBe(
      `
Period                       1   2   3   4   5   6   7   8
Gross requirements                      50      60      40
Scheduled receipts
Projected on hand       20  20  20  20   0   0   0   0   0
Net requirements                        30      60      40
Planned order receipts                  30      60      40
Planned order releases              30      60      40`.slice(1),
    );
  });

  it("passes the table's releases down as the top's gross requirements, two periods of lead time before", () => {
    expect(record(input, "TOP")).toBe(
      `
Period                       1   2   3   4   5   6   7   8
Gross requirements                  30      60      40
Scheduled receipts
Projected on hand       10  10  10   0   0   0   0   0   0
Net requirements                    20      60      40
Planned order receipts              20      60      40
Planned order releases      20      60      40`.slice(1),
    );
  });

  it("counts the scheduled receipt of 40 legs before netting", () => {
    expect(record(input, "LEG")).toBe(
      `
Period                       1   2   3   4   5   6   7   8
Gross requirements                 120     240     160
Scheduled receipts              40
Projected on hand       50  50  90   0   0   0   0   0   0
Net requirements                    30     240     160
Planned order receipts              30     240     160
Planned order releases          30     240     160`.slice(1),
    );
  });

  it("sums the bolts of tables (4 each) and of tops (2 each) into one record", () => {
    // period 1: 2 × 20 tops; period 3: 4 × 30 tables + 2 × 60 tops; period 5: 4 × 60 + 2 × 40; period 7: 4 × 40
    expect(record(input, "BOLT")).toBe(
      `
Period                       1   2   3   4   5   6   7   8
Gross requirements          40     240     320     160
Scheduled receipts
Projected on hand      100  60  60   0   0   0   0   0   0
Net requirements                   180     320     160
Planned order receipts             180     320     160
Planned order releases         180     320     160`.slice(1),
    );
  });

  it("lists the planned orders by low-level code, typed by source, and no exception", () => {
    const plan = planMrp(input);
    expect(Object.keys(plan.records)).toEqual(["TABLE", "LEG", "TOP", "BOLT"]);
    expect(plan.plannedOrders.filter((o) => o.item === "TOP")).toEqual([
      { item: "TOP", releasePeriod: 1, receiptPeriod: 3, quantity: 20, type: "production" },
      { item: "TOP", releasePeriod: 3, receiptPeriod: 5, quantity: 60, type: "production" },
      { item: "TOP", releasePeriod: 5, receiptPeriod: 7, quantity: 40, type: "production" },
    ]);
    expect(plan.plannedOrders.filter((o) => o.item === "BOLT").map((o) => [o.releasePeriod, o.quantity, o.type])).toEqual([
      [2, 180, "purchase"],
      [4, 320, "purchase"],
      [6, 160, "purchase"],
    ]);
    expect(plan.exceptions).toEqual([]);
  });
});

describe("a fixed lot of 50 with a scheduled receipt", () => {
  const input: MrpInput = {
    periods: 8,
    items: [item("A", 2, 30, { lotSizing: { rule: "fixed", quantity: 50 } })],
    bom: [],
    demand: [20, 10, 40, 30, 50, 20, 0, 120].map((quantity, i) => ({ item: "A", period: i + 1, quantity })),
    scheduledReceipts: [{ item: "A", period: 2, quantity: 50 }],
  };

  it("orders 50 whenever on hand would go short, and 150 (three lots) for a net of 110", () => {
    expect(record(input, "A")).toBe(
      `
Period                       1   2   3   4   5   6   7   8
Gross requirements          20  10  40  30  50  20     120
Scheduled receipts              50
Projected on hand       30  10  50  10  30  30  10  10  40
Net requirements                        20  20         110
Planned order receipts                  50  50         150
Planned order releases          50  50         150`.slice(1),
    );
  });
});

describe("safety stock of 15", () => {
  const input: MrpInput = {
    periods: 6,
    items: [item("B", 1, 40, { safetyStock: 15 })],
    bom: [],
    demand: [10, 20, 25, 0, 30, 10].map((quantity, i) => ({ item: "B", period: i + 1, quantity })),
    scheduledReceipts: [{ item: "B", period: 3, quantity: 10 }],
  };

  it("plans so that on hand never falls below 15: the net is what brings it back to 15", () => {
    expect(record(input, "B")).toBe(
      `
Period                       1   2   3   4   5   6
Gross requirements          10  20  25      30  10
Scheduled receipts                  10
Projected on hand       40  30  15  15  15  15  15
Net requirements                 5  15      30  10
Planned order receipts           5  15      30  10
Planned order releases       5  15      30  10`.slice(1),
    );
  });
});
