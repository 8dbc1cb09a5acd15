import { describe, expect, it } from "vitest";
import type { MasterData } from "../../domain/master/types";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import type { RuleOutcome } from "../../domain/order/decision";
import { evaluateOrder, orderOutcome, type RushRescheduling } from "../../domain/order/evaluate";
import { AT, line, master, order } from "./order-desk";

type Change = (m: Required<MasterData>) => void;
const inStock: Change = (m) => m.supply.push({ sku: "GH-100", warehouse: "WH-NORTH", type: "on-hand", quantity: 100 }, { sku: "SH-200", warehouse: "WH-NORTH", type: "on-hand", quantity: 100 });
const and = (...changes: Change[]): Change => (m) => changes.forEach((c) => c(m));
const owing = (amount: number): Change => (m) => m.openItems.push({ customer: "C-1001", type: "invoice", document: "INV-1", amount, dueDate: "2026-12-31" });
/** 20 gear housings at 100.00 and 10 drive shafts at 50.00: 2,500.00 CNY. */
const gearOrder = (change?: (o: CanonicalOrder) => void) => order([line("10", "GH-100", 20, 100), line("20", "SH-200", 10, 50)], change);

describe("the order's outcome: any reject → rejected, else any hold → held, else any approval → needs-approval, else released", () => {
  it.each<[RuleOutcome[], string]>([
    [["ok", "ok", "ok", "ok"], "released"],
    [["approval", "ok", "ok", "ok"], "needs-approval"],
    [["ok", "ok", "ok", "approval"], "needs-approval"],
    [["approval", "approval", "hold", "ok"], "held"],
    [["ok", "ok", "hold", "approval"], "held"],
    [["reject", "ok", "ok", "ok"], "rejected"],
    [["ok", "approval", "hold", "reject"], "rejected"],
  ])("%j → %s", (outcomes, outcome) => {
    expect(orderOutcome(outcomes.map((o) => ({ outcome: o })))).toBe(outcome);
  });
});

describe("evaluateOrder runs audit → price → credit → ATP on one order", () => {
  it.each<[string, CanonicalOrder, Change, string, Record<string, RuleOutcome>]>([
    ["an order in good standing, in stock, at list price", gearOrder(), inStock, "released", { audit: "ok", price: "ok", credit: "ok", atp: "ok" }],
    ["a discount beyond the cap", gearOrder((o) => { o.lines[0].unitPrice = 85; o.lines[0].lineAmount = 1700; }), inStock, "needs-approval", { audit: "ok", price: "approval", credit: "ok", atp: "ok" }],
    ["a late promise is still a promise", gearOrder(), () => undefined, "released", { audit: "ok", price: "ok", credit: "ok", atp: "ok" }],
    ["over the credit line and a discount to approve", gearOrder((o) => { o.lines[0].unitPrice = 85; o.lines[0].lineAmount = 1700; }), and(inStock, owing(99_000)), "held", { audit: "ok", price: "approval", credit: "hold", atp: "ok" }],
    ["an unknown item on an order over the credit line", order([line("10", "XX-404", 1, 10), line("20", "GH-100", 20, 100)]), and(inStock, owing(99_000)), "rejected", { audit: "reject", price: "approval", credit: "hold", atp: "reject" }],
    ["a blocked customer", gearOrder(), and(inStock, (m) => { m.customers[0].blocked = true; }), "rejected", { audit: "ok", price: "ok", credit: "reject", atp: "ok" }],
    ["an unknown customer", gearOrder((o) => { o.buyer = { id: "C-9999" }; }), inStock, "rejected", { audit: "reject", price: "ok", credit: "reject", atp: "ok" }],
    ["a rush order the stock cannot serve", gearOrder((o) => { o.orderType = "rush"; }), () => undefined, "needs-approval", { audit: "ok", price: "ok", credit: "ok", atp: "approval" }],
  ])("%s", (_case, o, change, outcome, rules) => {
    const evaluation = evaluateOrder(o, master(change), AT);
    expect(Object.fromEntries(evaluation.decisions.map((d) => [d.rule, d.outcome]))).toEqual(rules);
    expect(evaluation.outcome).toBe(outcome);
  });

  it("answers with the order's names, the date and every decision with its reasons", () => {
    const evaluation = evaluateOrder(gearOrder(), master(and(inStock, owing(60_000))), AT);
    expect(evaluation).toMatchObject({ orderNumber: "PO-4711", buyer: "C-1001", orderKey: "C-1001/PO-4711/0", at: AT, outcome: "released" });
    expect(evaluation.decisions.map((d) => d.rule)).toEqual(["audit", "price", "credit", "atp"]);
    expect(evaluation.decisions[2]).toMatchObject({
      reasons: ["credit-check: customer C-1001 exposure 62,500.00 CNY is within limit 100,000.00 CNY (open AR 60,000.00 + this order 2,500.00)"],
      exposure: { openInvoices: 60_000, thisOrder: 2_500, total: 62_500, limit: 100_000 },
    });
    expect(evaluation.decisions[3]).toMatchObject({ lines: [{ lineNumber: "10", sku: "GH-100", confirmations: [{ quantity: 20, date: "2026-12-01", warehouse: "WH-NORTH" }] }, { lineNumber: "20" }] });
  });

  it("gives the same answer for the same order, master data and date, and changes neither", () => {
    const o = gearOrder();
    const index = master(inStock);
    const before = structuredClone(o);
    const supplyBefore = structuredClone(index.supply);
    expect(evaluateOrder(o, index, AT)).toEqual(evaluateOrder(o, index, AT));
    expect(o).toEqual(before);
    expect(index.supply).toEqual(supplyBefore);
  });

  it("refuses an evaluation date that is not a date", () => {
    expect(() => evaluateOrder(gearOrder(), master(), "next tuesday")).toThrow('evaluation date "next tuesday" is not an ISO 8601 date (YYYY-MM-DD)');
    expect(() => evaluateOrder(gearOrder(), master(), "2026-02-30")).toThrow(RangeError);
  });

  it("takes an evaluation date-time as its day", () => {
    expect(evaluateOrder(gearOrder(), master(inStock), "2026-11-20T23:59:00+08:00").outcome).toBe("released");
  });
});

describe("a rush order ATP cannot serve, with a rescheduling proposer plugged in", () => {
  const rush = gearOrder((o) => { o.orderType = "rush"; });
  const proposer: RushRescheduling = (o, atp) => ({
    feasible: true,
    reasons: [`rush order ${o.orderNumber}: PO-9 of C-2002 would move from 2026-12-01 to 2026-12-20 (${atp.lines.length} lines)`],
    pushedBack: [{ order: "C-2002/PO-9/0", sku: "GH-100", warehouse: "WH-NORTH", quantity: 20, from: "2026-12-01", to: "2026-12-20" }],
  });

  it("adds the proposal to ATP's decision; the order still needs approval", () => {
    const evaluation = evaluateOrder(rush, master(), AT, { proposeRushRescheduling: proposer });
    expect(evaluation.outcome).toBe("needs-approval");
    const atp = evaluation.decisions[3];
    expect(atp.reasons.at(-1)).toBe("atp-check: rush order PO-4711: PO-9 of C-2002 would move from 2026-12-01 to 2026-12-20 (2 lines)");
    expect(atp).toMatchObject({ rushProposal: { pushedBack: [{ order: "C-2002/PO-9/0", to: "2026-12-20" }] } });
  });

  it("does not ask for a proposal when ATP serves the rush order", () => {
    let asked = false;
    evaluateOrder(rush, master(inStock), AT, { proposeRushRescheduling: () => { asked = true; return undefined; } });
    expect(asked).toBe(false);
  });
});
