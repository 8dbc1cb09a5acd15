import { describe, expect, it } from "vitest";
import type { MasterData, Reservation, Supply, SupplyType } from "../../domain/master/types";
import type { CanonicalOrder, OrderLine } from "../../domain/order/canonical-order";
import { atpCheck, reservationsFromConfirmations } from "../../domain/order/atp";
import type { AtpDecision } from "../../domain/order/decision";
import { AT, line, master, order } from "./order-desk";

// The evaluation date is 2026-11-20; the order asks for 2026-12-01; a gear housing (GH-100) takes 30 days to make,
// so past all supply it is promised for 2026-12-20. WH-NORTH ships first, WH-EAST is in the customer's region.

type Change = (m: Required<MasterData>) => void;
const supply = (warehouse: string, type: SupplyType, quantity: number, date?: string, sku = "GH-100"): Supply => ({ sku, warehouse, type, quantity, ...(date ? { date } : {}) });
const reserve = (warehouse: string, quantity: number, date: string, order = "C-2002/PO-77/0", sku = "GH-100"): Reservation => ({ sku, warehouse, quantity, date, order });
const stock = (...records: Array<Supply | Reservation>): Change => (m) => {
  for (const r of records) ("type" in r ? m.supply : m.reservations).push(r as never);
};
const and = (...changes: Change[]): Change => (m) => changes.forEach((c) => c(m));
const policy = (partialDelivery: "allowed" | "complete-lines" | "complete-order"): Change => (m) => { m.customers[0].partialDelivery = partialDelivery; };
const strategy = (warehouseStrategy: "priority" | "nearest" | "fewest-splits"): Change => (m) => { m.settings.warehouseStrategy = warehouseStrategy; };
const south: Change = (m) => m.warehouses.push({ id: "WH-SOUTH", priority: 3, region: "south" });
const housings = (quantity = 40, change: Partial<OrderLine> = {}) => order([line("10", "GH-100", quantity, 100, change)]);

/** A line's confirmations as the order desk reads them: "40 on 2026-12-01 from WH-NORTH", "+ lead time" for replenishment. */
function promised(decision: AtpDecision, index = 0): string[] {
  return decision.lines[index].confirmations.map((c) => `${c.quantity} on ${c.date} from ${c.warehouse}${c.source === "lead-time" ? " (lead time)" : ""}`);
}

describe("atp-check promises from each supply type on its date", () => {
  it.each<[string, Change, string[]]>([
    ["stock on hand, now", stock(supply("WH-NORTH", "on-hand", 50)), ["40 on 2026-12-01 from WH-NORTH"]],
    ["stock on hand whatever date it was counted on", stock(supply("WH-NORTH", "on-hand", 50, "2026-12-24")), ["40 on 2026-12-01 from WH-NORTH"]],
    ["a shipment in transit arriving before the requested date", stock(supply("WH-NORTH", "in-transit", 50, "2026-11-28")), ["40 on 2026-12-01 from WH-NORTH"]],
    ["a shipment in transit arriving after it, on its ETA", stock(supply("WH-NORTH", "in-transit", 50, "2026-12-05")), ["40 on 2026-12-05 from WH-NORTH"]],
    ["a shipment in transit without an ETA: not counted", stock(supply("WH-NORTH", "in-transit", 50)), ["40 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["stock in quality inspection, released on its date", stock(supply("WH-NORTH", "quality", 50, "2026-12-03")), ["40 on 2026-12-03 from WH-NORTH"]],
    ["stock in quality inspection without a date: now", stock(supply("WH-NORTH", "quality", 50)), ["40 on 2026-12-01 from WH-NORTH"]],
    ["a purchase order on its due date", stock(supply("WH-NORTH", "purchase-order", 50, "2026-12-10")), ["40 on 2026-12-10 from WH-NORTH"]],
    ["a purchase order overdue from its supplier: from today", stock(supply("WH-NORTH", "purchase-order", 50, "2026-11-01")), ["40 on 2026-12-01 from WH-NORTH"]],
    ["a production order on its finish date", stock(supply("WH-NORTH", "production", 50, "2026-11-30")), ["40 on 2026-12-01 from WH-NORTH"]],
    ["a requisition: not promised from by default", stock(supply("WH-NORTH", "requisition", 50, "2026-12-03")), ["40 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["a requisition when the settings include it", and(stock(supply("WH-NORTH", "requisition", 50, "2026-12-03")), (m) => { m.settings.atpInclude = ["on-hand", "requisition"]; }), ["40 on 2026-12-03 from WH-NORTH"]],
    ["a purchase order when the settings leave purchase orders out", and(stock(supply("WH-NORTH", "purchase-order", 50, "2026-12-03")), (m) => { m.settings.atpInclude = ["on-hand"]; }), ["40 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["another item's stock: not this one's", stock(supply("WH-NORTH", "on-hand", 500, undefined, "SH-200")), ["40 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["receipts adding up over several dates", stock(supply("WH-NORTH", "on-hand", 10), supply("WH-NORTH", "purchase-order", 10, "2026-11-25"), supply("WH-NORTH", "production", 20, "2026-12-01")), ["40 on 2026-12-01 from WH-NORTH"]],
  ])("%s", (_case, change, confirmations) => {
    const decision = atpCheck(housings(), master(change), AT);
    expect(promised(decision)).toEqual(confirmations);
    expect(decision.outcome).toBe("ok");
  });
});

describe("atp-check never takes what a later reservation needs (cumulative ATP with look-ahead)", () => {
  it.each<[string, Change, string[]]>([
    ["50 on hand, 30 reserved for 2026-12-15: 20 free now, the rest at lead time", stock(supply("WH-NORTH", "on-hand", 50), reserve("WH-NORTH", 30, "2026-12-15")),
      ["20 on 2026-12-01 from WH-NORTH", "20 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["a reservation after a receipt that covers it leaves the stock free", stock(supply("WH-NORTH", "on-hand", 40), supply("WH-NORTH", "purchase-order", 30, "2026-12-10"), reserve("WH-NORTH", 30, "2026-12-15")),
      ["40 on 2026-12-01 from WH-NORTH"]],
    ["a reservation before a receipt takes from the stock until it comes", stock(supply("WH-NORTH", "on-hand", 40), reserve("WH-NORTH", 30, "2026-11-25"), supply("WH-NORTH", "purchase-order", 30, "2026-12-10")),
      ["10 on 2026-12-01 from WH-NORTH", "30 on 2026-12-10 from WH-NORTH"]],
    ["a reservation dated in the past still stands", stock(supply("WH-NORTH", "on-hand", 50), reserve("WH-NORTH", 30, "2026-11-01")),
      ["20 on 2026-12-01 from WH-NORTH", "20 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["over-reserved stock promises nothing until the receipt that covers it", stock(supply("WH-NORTH", "on-hand", 20), reserve("WH-NORTH", 30, "2026-12-02"), supply("WH-NORTH", "purchase-order", 60, "2026-12-08")),
      ["40 on 2026-12-08 from WH-NORTH"]],
    ["this order's own reservation, evaluated again, is not counted against it", stock(supply("WH-NORTH", "on-hand", 40), reserve("WH-NORTH", 40, "2026-12-01", "C-1001/PO-4711/0")),
      ["40 on 2026-12-01 from WH-NORTH"]],
  ])("%s", (_case, change, confirmations) => {
    expect(promised(atpCheck(housings(), master(change), AT))).toEqual(confirmations);
  });
});

describe("atp-check chooses warehouses by the strategy", () => {
  it.each<[string, Change, number, string[]]>([
    ["priority: the first warehouse that has the whole line", stock(supply("WH-NORTH", "on-hand", 50), supply("WH-EAST", "on-hand", 50)), 40, ["40 on 2026-12-01 from WH-NORTH"]],
    ["priority: the next one when the first cannot ship it whole", stock(supply("WH-NORTH", "on-hand", 30), supply("WH-EAST", "on-hand", 50)), 40, ["40 on 2026-12-01 from WH-EAST"]],
    ["priority: a split in priority order", and(south, stock(supply("WH-NORTH", "on-hand", 10), supply("WH-EAST", "on-hand", 20), supply("WH-SOUTH", "on-hand", 30))), 50,
      ["10 on 2026-12-01 from WH-NORTH", "20 on 2026-12-01 from WH-EAST", "20 on 2026-12-01 from WH-SOUTH"]],
    ["nearest: the customer's region first", and(strategy("nearest"), stock(supply("WH-NORTH", "on-hand", 50), supply("WH-EAST", "on-hand", 50))), 40, ["40 on 2026-12-01 from WH-EAST"]],
    ["nearest: farther away when the near one cannot ship it whole", and(strategy("nearest"), stock(supply("WH-NORTH", "on-hand", 50), supply("WH-EAST", "on-hand", 30))), 40, ["40 on 2026-12-01 from WH-NORTH"]],
    ["nearest: by priority for a customer without a region", and(strategy("nearest"), (m) => { delete m.customers[0].region; }, stock(supply("WH-NORTH", "on-hand", 50), supply("WH-EAST", "on-hand", 50))), 40, ["40 on 2026-12-01 from WH-NORTH"]],
    ["nearest: replenishment in the customer's region", strategy("nearest"), 40, ["40 on 2026-12-20 from WH-EAST (lead time)"]],
    ["fewest-splits: the one warehouse that covers the line", and(strategy("fewest-splits"), south, stock(supply("WH-NORTH", "on-hand", 10), supply("WH-EAST", "on-hand", 20), supply("WH-SOUTH", "on-hand", 40))), 40, ["40 on 2026-12-01 from WH-SOUTH"]],
    ["fewest-splits: the fullest warehouses first when none covers it", and(strategy("fewest-splits"), south, stock(supply("WH-NORTH", "on-hand", 10), supply("WH-EAST", "on-hand", 20), supply("WH-SOUTH", "on-hand", 30))), 50,
      ["30 on 2026-12-01 from WH-SOUTH", "20 on 2026-12-01 from WH-EAST"]],
    ["a warehouse the master lacks but the stock names comes last", stock(supply("WH-NORTH", "on-hand", 10), supply("WH-OLD", "on-hand", 30)), 40,
      ["10 on 2026-12-01 from WH-NORTH", "30 on 2026-12-01 from WH-OLD"]],
  ])("%s", (_case, change, quantity, confirmations) => {
    expect(promised(atpCheck(housings(quantity), master(change), AT))).toEqual(confirmations);
  });
});

describe("atp-check keeps to the customer's partial-delivery policy", () => {
  const shortNow = stock(supply("WH-NORTH", "on-hand", 25), supply("WH-EAST", "on-hand", 10), supply("WH-NORTH", "purchase-order", 100, "2026-12-10"));
  it.each<[string, Change, string[]]>([
    ["allowed: what is free on the day across warehouses, the rest complete on the earliest later date", shortNow,
      ["25 on 2026-12-01 from WH-NORTH", "10 on 2026-12-01 from WH-EAST", "5 on 2026-12-10 from WH-NORTH"]],
    ["allowed: nothing free on the day, the whole line later", stock(supply("WH-NORTH", "purchase-order", 100, "2026-12-10")), ["40 on 2026-12-10 from WH-NORTH"]],
    ["allowed: the rest waits for the date it is complete, not each trickle", stock(supply("WH-NORTH", "on-hand", 10), supply("WH-NORTH", "purchase-order", 10, "2026-12-05"), supply("WH-NORTH", "purchase-order", 40, "2026-12-12")),
      ["10 on 2026-12-01 from WH-NORTH", "30 on 2026-12-12 from WH-NORTH"]],
    ["complete-lines: the whole line on the earliest date it is complete", and(policy("complete-lines"), shortNow), ["40 on 2026-12-10 from WH-NORTH"]],
    ["complete-lines: from two warehouses on one date when that completes it", and(policy("complete-lines"), stock(supply("WH-NORTH", "on-hand", 25), supply("WH-EAST", "on-hand", 20))),
      ["25 on 2026-12-01 from WH-NORTH", "15 on 2026-12-01 from WH-EAST"]],
    ["complete-lines: stock and replenishment together at lead time", and(policy("complete-lines"), stock(supply("WH-NORTH", "on-hand", 15))),
      ["15 on 2026-12-20 from WH-NORTH", "25 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["a customer the master lacks: complete lines", and((m) => { m.customers = []; }, shortNow), ["40 on 2026-12-10 from WH-NORTH"]],
  ])("%s", (_case, change, confirmations) => {
    const decision = atpCheck(housings(), master(change), AT);
    expect(promised(decision)).toEqual(confirmations);
    expect(decision.outcome).toBe("ok");
  });

  it("complete-order: every line on the earliest date the whole order is complete", () => {
    const o = order([line("10", "GH-100", 40, 100), line("20", "SH-200", 10, 50)]);
    const decision = atpCheck(o, master(and(policy("complete-order"), stock(supply("WH-NORTH", "on-hand", 50), supply("WH-EAST", "purchase-order", 10, "2026-12-03", "SH-200")))), AT);
    expect([promised(decision, 0), promised(decision, 1)]).toEqual([["40 on 2026-12-03 from WH-NORTH"], ["10 on 2026-12-03 from WH-EAST"]]);
    expect(decision.reasons[0]).toBe("atp-check: customer C-1001 takes complete orders only: every line is confirmed for 2026-12-03, when the whole order can be");
  });

  it("complete-order: not before the latest requested date of its lines", () => {
    const o = order([line("10", "GH-100", 40, 100), line("20", "SH-200", 10, 50, { requestedDate: "2026-12-04" })]);
    const decision = atpCheck(o, master(and(policy("complete-order"), stock(supply("WH-NORTH", "on-hand", 50), supply("WH-NORTH", "on-hand", 50, undefined, "SH-200")))), AT);
    expect([promised(decision, 0), promised(decision, 1)]).toEqual([["40 on 2026-12-04 from WH-NORTH"], ["10 on 2026-12-04 from WH-NORTH"]]);
  });

  it("complete-order: at the longest lead time when one line has no supply at all", () => {
    const o = order([line("10", "GH-100", 40, 100), line("20", "SH-200", 10, 50)]);
    const decision = atpCheck(o, master(and(policy("complete-order"), stock(supply("WH-NORTH", "on-hand", 50, undefined, "SH-200")))), AT);
    expect([promised(decision, 0), promised(decision, 1)]).toEqual([["40 on 2026-12-20 from WH-NORTH (lead time)"], ["10 on 2026-12-20 from WH-NORTH"]]);
  });
});

describe("atp-check promises past all supply at the item's lead time", () => {
  it.each<[string, Change, CanonicalOrder, string[]]>([
    ["nothing anywhere: the evaluation date plus 30 days", () => undefined, housings(), ["40 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["what is on hand now, the rest at lead time", stock(supply("WH-NORTH", "on-hand", 15)), housings(), ["15 on 2026-12-01 from WH-NORTH", "25 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["wanted after the lead time: on the requested date", () => undefined, housings(40, { requestedDate: "2027-01-15" }), ["40 on 2027-01-15 from WH-NORTH (lead time)"]],
    ["wanted after the lead time with some stock: the stock first, on the requested date", stock(supply("WH-EAST", "on-hand", 15)), housings(40, { requestedDate: "2027-01-15" }),
      ["15 on 2027-01-15 from WH-EAST", "25 on 2027-01-15 from WH-NORTH (lead time)"]],
    ["a purchase order due after the lead time: the lead time is the earlier promise", stock(supply("WH-NORTH", "purchase-order", 100, "2027-02-01")), housings(), ["40 on 2026-12-20 from WH-NORTH (lead time)"]],
    ["a shorter lead time (14 days for a drive shaft)", () => undefined, order([line("10", "SH-200", 5, 50)]), ["5 on 2026-12-04 from WH-NORTH (lead time)"]],
  ])("%s", (_case, change, o, confirmations) => {
    const decision = atpCheck(o, master(change), AT);
    expect(promised(decision)).toEqual(confirmations);
    expect(decision.outcome).toBe("ok");
  });

  it("tells the order desk what comes late and why", () => {
    const decision = atpCheck(housings(), master(stock(supply("WH-NORTH", "on-hand", 15))), AT);
    expect(decision.reasons).toEqual(["atp-check: line 10 (GH-100): 40 wanted on 2026-12-01 — 15 on 2026-12-01 from WH-NORTH, 25 on 2026-12-20 from WH-NORTH after the 30-day lead time"]);
  });
});

describe("atp-check on awkward orders", () => {
  it("confirms a line of zero quantity with nothing", () => {
    const decision = atpCheck(housings(0), master(stock(supply("WH-NORTH", "on-hand", 50))), AT);
    expect(decision.lines[0].confirmations).toEqual([]);
    expect(decision.outcome).toBe("ok");
    expect(decision.reasons).toContain("atp-check: line 10 (GH-100): 0 ordered, nothing to promise");
  });

  it("lets an earlier line of the same SKU take the stock first", () => {
    const o = order([line("10", "GH-100", 30, 100), line("20", "GH-100", 30, 100)]);
    const decision = atpCheck(o, master(stock(supply("WH-NORTH", "on-hand", 50))), AT);
    expect([promised(decision, 0), promised(decision, 1)]).toEqual([
      ["30 on 2026-12-01 from WH-NORTH"],
      ["20 on 2026-12-01 from WH-NORTH", "10 on 2026-12-20 from WH-NORTH (lead time)"],
    ]);
  });

  it("promises a date already past from the evaluation date", () => {
    const decision = atpCheck(housings(40, { requestedDate: "2026-11-01" }), master(stock(supply("WH-NORTH", "on-hand", 50))), AT);
    expect(decision.lines[0]).toMatchObject({ requestedDate: "2026-11-20", confirmations: [{ quantity: 40, date: "2026-11-20", warehouse: "WH-NORTH", source: "supply" }] });
  });

  it("takes the line's requested date before the order's, and the evaluation date without either", () => {
    const o = order([line("10", "GH-100", 1, 100, { requestedDate: "2026-12-03" }), line("20", "GH-100", 1, 100)], (x) => { delete x.requestedDelivery; });
    expect(atpCheck(o, master(stock(supply("WH-NORTH", "on-hand", 5))), AT).lines.map((l) => l.requestedDate)).toEqual(["2026-12-03", "2026-11-20"]);
  });

  it("adds up fractional quantities without drift (0.1 + 0.2 kg on hand for 0.3 kg)", () => {
    const decision = atpCheck(housings(0.3), master(stock(supply("WH-NORTH", "on-hand", 0.1), supply("WH-NORTH", "on-hand", 0.2))), AT);
    expect(promised(decision)).toEqual(["0.3 on 2026-12-01 from WH-NORTH"]);
  });

  it("rejects a line of an item the master lacks", () => {
    const decision = atpCheck(order([line("10", "XX-404", 1, 10)]), master(), AT);
    expect(decision.outcome).toBe("reject");
    expect(decision.reasons).toEqual(["atp-check: line 10 (XX-404): the item is not in the item master, nothing can be promised"]);
  });

  it("holds a line when there is no warehouse at all to promise from", () => {
    const decision = atpCheck(housings(), master((m) => { m.warehouses = []; }), AT);
    expect(decision.outcome).toBe("hold");
    expect(decision.reasons).toEqual(["atp-check: line 10 (GH-100): no warehouse in the master data to promise from"]);
  });

  it("says so when every line is confirmed on time", () => {
    const o = order([line("10", "GH-100", 40, 100), line("20", "SH-200", 5, 50)]);
    const decision = atpCheck(o, master(stock(supply("WH-NORTH", "on-hand", 50), supply("WH-EAST", "on-hand", 5, undefined, "SH-200"))), AT);
    expect(decision).toMatchObject({ outcome: "ok", reasons: ["atp-check: both lines are confirmed in full on the requested date from WH-NORTH and WH-EAST"] });
  });
});

describe("atp-check on a rush order", () => {
  const rush = (o: CanonicalOrder) => { o.orderType = "rush"; };
  it("passes a rush order it serves on the requested date", () => {
    const decision = atpCheck(order([line("10", "GH-100", 40, 100)], rush), master(stock(supply("WH-NORTH", "on-hand", 50))), AT);
    expect(decision.outcome).toBe("ok");
  });

  it("routes a rush order it cannot serve on the requested date to approval", () => {
    const decision = atpCheck(order([line("10", "GH-100", 40, 100)], rush), master(stock(supply("WH-NORTH", "on-hand", 15))), AT);
    expect(decision.outcome).toBe("approval");
    expect(decision.reasons[0]).toBe("atp-check: rush order: line 10 (GH-100) cannot be served in full on 2026-12-01 (15 of 40 then; the rest from 2026-12-20)");
  });
});

describe("releasing an order writes its confirmations as reservations", () => {
  it("one reservation per confirmation, under the order's key", () => {
    const o = housings();
    const decision = atpCheck(o, master(stock(supply("WH-NORTH", "on-hand", 15))), AT);
    expect(reservationsFromConfirmations(o, decision)).toEqual<Reservation[]>([
      { sku: "GH-100", warehouse: "WH-NORTH", quantity: 15, date: "2026-12-01", order: "C-1001/PO-4711/0" },
      { sku: "GH-100", warehouse: "WH-NORTH", quantity: 25, date: "2026-12-20", order: "C-1001/PO-4711/0" },
    ]);
  });

  it("leaves nothing free for the next order once written", () => {
    const o = housings();
    const change = stock(supply("WH-NORTH", "on-hand", 40));
    const first = atpCheck(o, master(change), AT);
    const next = order([line("10", "GH-100", 1, 100)], (x) => { x.orderNumber = "PO-4712"; });
    const decision = atpCheck(next, master(and(change, (m) => m.reservations.push(...reservationsFromConfirmations(o, first)))), AT);
    expect(promised(decision)).toEqual(["1 on 2026-12-20 from WH-NORTH (lead time)"]);
  });
});

describe("atp-check on a consignment issue: what the customer used at its site, from our goods there", () => {
  const issue = (lines: OrderLine[]): CanonicalOrder => ({ ...order(lines), orderType: "consignment-issue", shipTo: { id: "P1" } });
  it.each<[string, OrderLine[], Change, string, string[][], number]>([
    ["no stock in any warehouse: confirmed in full, today, from the site", [line("10", "GH-100", 40, 100)], and(), "ok", [["40 on 2026-11-20 from P1"]], 0],
    ["stock in a warehouse: not touched, nothing reserved", [line("10", "GH-100", 40, 100)], stock(supply("WH-NORTH", "on-hand", 50)), "ok", [["40 on 2026-11-20 from P1"]], 0],
    ["a requested date in the past: the use was reported today", [line("10", "GH-100", 5, 100, { requestedDate: "2026-10-01" })], and(), "ok", [["5 on 2026-11-20 from P1"]], 0],
    ["two items used", [line("10", "GH-100", 4, 100), line("20", "SH-200", 2, 20)], and(), "ok", [["4 on 2026-11-20 from P1"], ["2 on 2026-11-20 from P1"]], 0],
    ["an item not in the item master", [line("10", "XX-404", 3, 100)], and(), "reject", [[]], 0],
  ])("%s", (_case, lines, change, outcome, confirmations, reserved) => {
    const o = issue(lines);
    const decision = atpCheck(o, master(change), AT);
    expect(decision.outcome).toBe(outcome);
    expect(decision.lines.map((_, i) => promised(decision, i))).toEqual(confirmations);
    expect(reservationsFromConfirmations(o, decision)).toHaveLength(reserved);
  });

  it("says where the goods were used", () => {
    expect(atpCheck(issue([line("10", "GH-100", 40, 100)]), master(), AT).reasons).toEqual(["atp-check: consignment issue: the line is used at site P1, confirmed in full from our goods there"]);
  });
});
