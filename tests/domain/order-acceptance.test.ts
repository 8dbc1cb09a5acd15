import { describe, expect, it } from "vitest";
import { checkOrder, describeProblems } from "../../domain/order/acceptance";
import type { CanonicalOrder, OrderLine } from "../../domain/order/canonical-order";

/** An order as the order desk sees it: two lines of gear housings, EUR, ordered 2026-11-20. */
function order(change: (o: CanonicalOrder) => void = () => undefined): CanonicalOrder {
  const lines: OrderLine[] = [
    { lineNumber: "10", sku: "GH-100", quantity: 4, unit: "H87", unitPrice: 25, lineAmount: 100, requestedDate: "2026-12-01" },
    { lineNumber: "20", sku: "GH-200", quantity: 2, unit: "H87", unitPrice: 50, lineAmount: 100 },
  ];
  const o: CanonicalOrder = {
    orderNumber: "4711",
    revision: 0,
    orderType: "standard",
    source: { system: "CRM", format: "json" },
    issueDate: "2026-11-20",
    currency: "EUR",
    buyer: { id: "C-1001", name: "Schmidt Antriebstechnik" },
    lines,
    allowances: [],
    charges: [],
    totals: { lineTotal: 200, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 200 },
  };
  change(o);
  return o;
}

describe("the order desk accepts an order that makes sense", () => {
  it.each([
    ["a plain two-line order", order()],
    ["a discount and freight that add up", order((o) => Object.assign(o.totals, { allowanceTotal: 20, chargeTotal: 15, payable: 195 }))],
    ["payable stated with tax", order((o) => Object.assign(o.totals, { taxTotal: 38, payable: 238 }))],
    ["payable stated before tax (buyers do both)", order((o) => Object.assign(o.totals, { taxTotal: 38, payable: 200 }))],
    ["a cent of rounding on a line", order((o) => Object.assign(o.totals, { lineTotal: 200.01, payable: 200.01 }))],
    ["lines without amounts (prices to follow from the price list)", order((o) => o.lines.forEach((l) => { delete l.lineAmount; delete l.unitPrice; }))],
    ["a free-of-charge line at price zero", order((o) => { o.lines[1].unitPrice = 0; o.lines[1].lineAmount = 0; Object.assign(o.totals, { lineTotal: 100, payable: 100 }); })],
    ["delivery wanted on the order date itself", order((o) => { o.requestedDelivery = { date: "2026-11-20" }; })],
  ])("accepts %s", (_case, o) => {
    expect(checkOrder(o)).toEqual({ accepted: true, problems: [] });
  });
});

describe("the order desk rejects an order it would question, saying why", () => {
  it.each([
    ["no lines at all", order((o) => { o.lines = []; }), "lines", "order 4711 has no lines"],
    ["a line ordering zero", order((o) => { o.lines[0].quantity = 0; }), "lines[0].quantity", "line 10 (GH-100): quantity 0 — a line must order a positive quantity"],
    ["a negative quantity (a return sent as an order)", order((o) => { o.lines[1].quantity = -2; }), "lines[1].quantity", "line 20 (GH-200): quantity -2 — a line must order a positive quantity"],
    ["a negative price", order((o) => { o.lines[1].unitPrice = -50; }), "lines[1].unitPrice", "line 20 (GH-200): unit price -50.00 EUR is negative"],
    ["the same line number twice", order((o) => { o.lines[1].lineNumber = "10"; }), "lines[1].lineNumber", "line number 10 appears more than once"],
    ["a line total that is not the sum of the lines", order((o) => Object.assign(o.totals, { lineTotal: 250, payable: 250 })), "totals.lineTotal", "line total 250.00 EUR does not match the sum of the lines 200.00 EUR"],
    ["a payable amount that matches nothing", order((o) => { o.totals.payable = 180; }), "totals.payable", "payable 180.00 EUR does not match lines 200.00 − allowances 0.00 + charges 0.00 + tax 0.00 = 200.00 (or 200.00 before tax)"],
    ["delivery wanted before the order was placed (late before it starts)", order((o) => { o.requestedDelivery = { date: "2026-11-01" }; }), "requestedDelivery.date", "requested delivery 2026-11-01 is before the order date 2026-11-20"],
    ["a line wanted before the order date", order((o) => { o.lines[0].requestedDate = "2026-11-19"; }), "lines[0].requestedDate", "line 10 (GH-100): requested date 2026-11-19 is before the order date 2026-11-20"],
  ])("rejects %s", (_case, o, path, message) => {
    const decision = checkOrder(o);
    expect(decision.accepted).toBe(false);
    expect(decision.problems).toContainEqual({ path, message });
  });

  it("names every problem in one sentence for the rejection event", () => {
    const o = order((x) => { x.lines[0].quantity = 0; x.lines[1].unitPrice = -1; x.lines[1].lineAmount = -2; });
    const { problems } = checkOrder(o);
    expect(describeProblems(o, problems)).toMatch(/^order 4711 rev 0 from buyer C-1001: line 10 \(GH-100\): quantity 0 .*; line 20 \(GH-200\): unit price -1.00 EUR is negative/);
  });
});
