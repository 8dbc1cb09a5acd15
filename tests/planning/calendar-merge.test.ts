import { describe, expect, it } from "vitest";
import { calendarOf, isoWeek, leadTimePeriods, periodOf, periodStart, periodsOf } from "../../domain/planning/calendar";
import { mergeOrders, pegOrders, type PeggedOrder } from "../../domain/planning/merge";
import { planMrp, type MrpInput } from "../../domain/planning/mrp";
import { suggestionMessageId, suggestionsOf } from "../../domain/planning/suggestions";

describe("a planner's calendar: dates ↔ periods", () => {
  const days = calendarOf("2026-06-03", 5, "day");
  const weeks = calendarOf("2026-06-03", 4, "week"); // a Wednesday: week 1 is the ISO week 2026-W23 (Mon 1 June)
  const cases: { cal: typeof days; date: string; period: number | undefined; pastDue?: boolean }[] = [
    { cal: days, date: "2026-06-03", period: 1 },
    { cal: days, date: "2026-06-07", period: 5 },
    { cal: days, date: "2026-06-08", period: undefined }, // after the horizon
    { cal: days, date: "2026-05-20", period: 1, pastDue: true }, // an order late already
    { cal: weeks, date: "2026-06-07", period: 1 }, // Sunday of week 1
    { cal: weeks, date: "2026-06-08", period: 2 }, // Monday of week 2
    { cal: weeks, date: "2026-06-28", period: 4 },
    { cal: weeks, date: "2026-06-29", period: undefined },
    { cal: weeks, date: "2026-06-01", period: 1, pastDue: true }, // Monday of week 1, but before the plan's first day
  ];
  for (const c of cases) {
    it(`${c.cal.bucket} ${c.date} → ${c.period ?? "beyond the horizon"}${c.pastDue ? " (past due)" : ""}`, () => {
      const at = periodOf(c.cal, c.date);
      expect(at?.period).toBe(c.period);
      if (at) expect(at.pastDue).toBe(c.pastDue ?? false);
    });
  }

  it("each period starts on its first day: period 1 on the plan's first day, weeks on Monday", () => {
    expect([1, 2, 3].map((p) => periodStart(weeks, p))).toEqual(["2026-06-03", "2026-06-08", "2026-06-15"]);
    expect(periodsOf(weeks).map((p) => p.label)).toEqual(["2026-W23", "2026-W24", "2026-W25", "2026-W26"]);
    expect(isoWeek("2027-01-01")).toBe("2026-W53");
  });

  it("lead times in days become whole periods, rounded up", () => {
    expect([0, 1, 7, 8, 14].map((d) => leadTimePeriods({ bucket: "week" }, d))).toEqual([0, 1, 1, 2, 2]);
    expect(leadTimePeriods({ bucket: "day" }, 3)).toBe(3);
  });

  it("refuses a calendar a planner cannot mean, naming the field", () => {
    expect(() => calendarOf("2026-06-03", 0, "day")).toThrow("periods: must be a whole number from 1 up to 1000 (is 0)");
    expect(() => calendarOf("2026-06-03", 4, "month")).toThrow('bucket: must be one of day, week (is "month")');
    expect(() => calendarOf("next monday", 4, "day")).toThrow("from: must be a date, YYYY-MM-DD");
  });
});

// Screws bought from FASTCO: demand of three customers in periods 2, 3 and 5; 10 on hand, safety stock 5.
const SCREWS: MrpInput = {
  periods: 6,
  items: [{ id: "SCREW", leadTime: 1, onHand: 10, safetyStock: 5, source: "buy", lotSizing: { rule: "lot-for-lot" } }],
  bom: [],
  demand: [
    { item: "SCREW", period: 2, quantity: 8, source: "order A" },
    { item: "SCREW", period: 3, quantity: 4, source: "order B" },
    { item: "SCREW", period: 5, quantity: 6, source: "order C" },
  ],
};

describe("pegging: which demands a planned order covers", () => {
  it("stock above safety stock serves the earliest demand first; each planned order covers what is left, in receipt order", () => {
    const orders = pegOrders(planMrp(SCREWS), SCREWS, { SCREW: "FASTCO" });
    expect(orders.map((o) => [o.id, o.quantity, o.supplier, o.covers.map((c) => `${c.source}:${c.quantity}`)])).toEqual([
      ["SCREW/2", 3, "FASTCO", ["order A:3"]],
      ["SCREW/3", 4, "FASTCO", ["order B:4"]],
      ["SCREW/5", 6, "FASTCO", ["order C:6"]],
    ]);
  });

  it("the part of an order that refills safety stock covers no demand; zero demand is none", () => {
    const input: MrpInput = { ...SCREWS, items: [{ ...SCREWS.items[0], onHand: 2 }], demand: [{ item: "SCREW", period: 2, quantity: 4, source: "order A" }, { item: "SCREW", period: 3, quantity: 0, source: "order Z" }] };
    const [first] = pegOrders(planMrp(input), input);
    expect(first).toMatchObject({ id: "SCREW/1", quantity: 3, covers: [] }); // up to safety stock in period 1
    expect(pegOrders(planMrp(input), input)[1]).toMatchObject({ id: "SCREW/2", quantity: 4, covers: [{ source: "order A", quantity: 4, period: 2 }] });
  });

  it("a component's demand comes from its parents' planned orders", () => {
    const input: MrpInput = {
      periods: 3,
      items: [
        { id: "BOX", leadTime: 1, onHand: 0, source: "make", lotSizing: { rule: "lot-for-lot" } },
        { id: "LID", leadTime: 0, onHand: 0, source: "outsource", lotSizing: { rule: "lot-for-lot" } },
      ],
      bom: [{ parent: "BOX", child: "LID", quantity: 1 }],
      demand: [{ item: "BOX", period: 3, quantity: 2, source: "order X" }],
    };
    const orders = pegOrders(planMrp(input), input);
    expect(orders[1]).toMatchObject({ id: "LID/2", type: "outsourcing", covers: [{ source: "planned BOX/3", period: 2, quantity: 2 }] });
  });
});

describe("merging planned orders of an item and supplier inside a window", () => {
  const order = (id: string, release: number, receipt: number, quantity: number, supplier?: string): PeggedOrder => ({
    id,
    item: id.split("/")[0],
    releasePeriod: release,
    receiptPeriod: receipt,
    quantity,
    type: "purchase",
    ...(supplier ? { supplier } : {}),
    covers: [{ source: `d-${id}`, period: receipt, quantity }],
  });
  const orders = [order("S/2", 1, 2, 3, "F"), order("S/3", 2, 3, 4, "F"), order("S/5", 4, 5, 6, "F"), order("T/3", 2, 3, 1, "G")];
  const cases: { window: number; expected: string[] }[] = [
    { window: 0, expected: ["S/2:3", "S/3:4", "S/5:6", "T/3:1"] },
    { window: 1, expected: ["S/2:3", "S/3:4", "S/5:6", "T/3:1"] }, // only orders released in the same period
    { window: 2, expected: ["S/2:7[S/2,S/3]", "S/5:6", "T/3:1"] },
    { window: 4, expected: ["S/2:13[S/2,S/3,S/5]", "T/3:1"] },
  ];
  for (const c of cases) {
    it(`window ${c.window}`, () => {
      expect(mergeOrders(orders, c.window).map((o) => `${o.id}:${o.quantity}${o.merged ? `[${o.merged.join(",")}]` : ""}`)).toEqual(c.expected);
    });
  }

  it("the merged order is released and due at the earliest, and keeps every demand it covers", () => {
    const [merged] = mergeOrders(orders, 2);
    expect(merged).toMatchObject({ releasePeriod: 1, receiptPeriod: 2, covers: [{ source: "d-S/2", quantity: 3 }, { source: "d-S/3", quantity: 4 }] });
    expect(orders[0].quantity).toBe(3); // the input is left as it was
  });

  it("another supplier's orders of the same item stay apart", () => {
    expect(mergeOrders([order("S/2", 1, 2, 3, "F"), order("S/3", 1, 3, 4, "H")], 5)).toHaveLength(2);
  });

  it("a window that is no whole number is refused", () => {
    expect(() => mergeOrders(orders, -1)).toThrow("mergeWindow: must be a whole number of periods from 0 (is -1)");
  });
});

describe("planning.suggestion events", () => {
  it("purchase, production and outsourcing suggestions with dates on the calendar, past due flagged, stable ids", () => {
    const input: MrpInput = {
      periods: 3,
      items: [
        { id: "BOX", leadTime: 1, onHand: 0, source: "make", lotSizing: { rule: "lot-for-lot" } },
        { id: "LID", leadTime: 2, onHand: 0, source: "outsource", lotSizing: { rule: "lot-for-lot" } },
        { id: "NAIL", leadTime: 0, onHand: 0, source: "buy", lotSizing: { rule: "fixed", quantity: 100 } },
      ],
      bom: [{ parent: "BOX", child: "LID", quantity: 1 }, { parent: "BOX", child: "NAIL", quantity: 8 }],
      demand: [{ item: "BOX", period: 2, quantity: 2, source: "order X" }],
    };
    const plan = planMrp(input);
    const cal = calendarOf("2026-06-01", 3, "week");
    const events = suggestionsOf(pegOrders(plan, input, { NAIL: "FASTCO" }), cal, plan.exceptions);
    expect(events.map((e) => [e.kind, e.item, e.quantity, e.releaseDate, e.dueDate, e.pastDue, e.supplier ?? null])).toEqual([
      ["production", "BOX", 2, "2026-06-01", "2026-06-08", false, null],
      ["outsourcing", "LID", 2, "2026-06-01", "2026-06-01", true, null],
      ["purchase", "NAIL", 100, "2026-06-01", "2026-06-01", false, "FASTCO"],
    ]);
    expect(events[1].warning).toMatch(/released in period 1, 2 periods late/);
    expect(events[2].covers).toEqual([{ source: "planned BOX/2", date: "2026-06-01", quantity: 16 }]);
    expect(suggestionMessageId(events[0])).toBe("planning.suggestion:2026-06-01/week/BOX/2");
  });
});
