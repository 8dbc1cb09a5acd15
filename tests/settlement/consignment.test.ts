import { describe, expect, it } from "vitest";
import { applyMovement, ledgerOf, reconcileCount, type Movement, type MovementDocument, type MovementKind } from "../../domain/settlement/consignment";

/** The consignment manager's books for customer C-NORTH's plant site P1: bearings (BR-6204) and seals (SL-40). */
const doc = (kind: MovementKind, document: string, at: string, ...lines: Array<[string, number]>): MovementDocument => ({
  customer: "C-NORTH", site: "P1", kind, document, at, lines: lines.map(([sku, quantity]) => ({ sku, quantity })),
});

function run(...docs: MovementDocument[]): { movements: Movement[]; refusals: string[] } {
  let movements: Movement[] = [];
  const refusals: string[] = [];
  for (const d of docs) {
    const r = applyMovement(movements, d);
    if (r.outcome === "applied") movements = [...movements, ...r.movements];
    if (r.outcome === "refused") refusals.push(...r.reasons);
  }
  return { movements, refusals };
}

describe("the consignment ledger of a customer site", () => {
  it.each<[string, MovementDocument[], Record<string, { balance: number; issued: number }>, string[]]>([
    ["a fill-up is ours at the site, nothing sold", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 100])], { "BR-6204": { balance: 100, issued: 0 } }, []],
    ["a full cycle (fill-up, use, pick-up of the rest) balances to zero", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 100]), doc("issue", "CR-1", "2026-03-10", ["BR-6204", 40]), doc("pickup", "PU-1", "2026-03-20", ["BR-6204", 60])], { "BR-6204": { balance: 0, issued: 40 } }, []],
    ["a return takes back what was issued, not stock at the site", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 100]), doc("issue", "CR-1", "2026-03-10", ["BR-6204", 40]), doc("return", "RT-1", "2026-03-12", ["BR-6204", 10])], { "BR-6204": { balance: 60, issued: 30 } }, []],
    ["a consumption larger than the site holds is refused whole, naming the figure", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 40], ["SL-40", 10]), doc("issue", "CR-1", "2026-03-10", ["SL-40", 5], ["BR-6204", 55])], { "BR-6204": { balance: 40, issued: 0 }, "SL-40": { balance: 10, issued: 0 } },
      ["site P1 holds 40 of BR-6204; the report uses 55 (issue CR-1, customer C-NORTH)"]],
    ["a consumption of an item never filled up is refused", [doc("issue", "CR-1", "2026-03-10", ["SL-40", 1])], {}, ["site P1 holds 0 of SL-40; the report uses 1 (issue CR-1, customer C-NORTH)"]],
    ["a pick-up beyond the balance is refused", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 10]), doc("pickup", "PU-1", "2026-03-20", ["BR-6204", 11])], { "BR-6204": { balance: 10, issued: 0 } }, ["site P1 holds 10 of BR-6204; the pick-up uses 11 (pickup PU-1, customer C-NORTH)"]],
    ["a return of more than was issued is refused", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 10]), doc("issue", "CR-1", "2026-03-10", ["BR-6204", 2]), doc("return", "RT-1", "2026-03-12", ["BR-6204", 3])], { "BR-6204": { balance: 8, issued: 2 } },
      ["site P1 has 2 of BR-6204 issued and not returned; the return sends back 3 (return RT-1, customer C-NORTH)"]],
    ["the same report twice counts once", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 100]), doc("issue", "CR-1", "2026-03-10", ["BR-6204", 40]), doc("issue", "CR-1", "2026-03-10", ["BR-6204", 40])], { "BR-6204": { balance: 60, issued: 40 } }, []],
    ["two lines of one item in one report are summed before the check", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 50]), doc("issue", "CR-1", "2026-03-10", ["BR-6204", 30], ["BR-6204", 30])], { "BR-6204": { balance: 50, issued: 0 } }, ["site P1 holds 50 of BR-6204; the report uses 60 (issue CR-1, customer C-NORTH)"]],
    ["using exactly what is there empties the site", [doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 12.5]), doc("issue", "CR-1", "2026-03-10", ["BR-6204", 12.5])], { "BR-6204": { balance: 0, issued: 12.5 } }, []],
  ])("%s", (_name, docs, ledger, refusals) => {
    const result = run(...docs);
    expect(Object.fromEntries(ledgerOf(result.movements).map((i) => [i.sku, { balance: i.balance, issued: i.issued }]))).toEqual(ledger);
    expect(result.refusals).toEqual(refusals);
  });

  it.each<[string, Partial<MovementDocument>, RegExp]>([
    ["a quantity of zero", { lines: [{ sku: "BR-6204", quantity: 0 }] }, /lines\[0\]\.quantity: must be a number above 0, is 0/],
    ["a negative quantity", { lines: [{ sku: "BR-6204", quantity: -3 }] }, /lines\[0\]\.quantity: must be a number above 0, is -3/],
    ["no lines", { lines: [] }, /lines: at least one line/],
    ["an unknown kind", { kind: "consume" as MovementKind }, /kind: must be one of fill-up, issue, pickup, return, is "consume"/],
    ["no document", { document: "" }, /document: is required/],
  ])("refuses a movement with %s", (_name, change, message) => {
    expect(() => applyMovement([], { ...doc("fill-up", "DN-9", "2026-03-01", ["BR-6204", 1]), ...change })).toThrow(message);
  });
});

describe("the customer's stock count against the ledger", () => {
  const { movements } = run(
    doc("fill-up", "DN-1", "2026-03-01", ["BR-6204", 100], ["SL-40", 20]),
    doc("issue", "CR-1", "2026-03-10", ["BR-6204", 30]),
    doc("fill-up", "DN-2", "2026-03-28", ["BR-6204", 25]),
    doc("issue", "CR-2", "2026-03-29", ["SL-40", 4]),
  );

  it("agrees where the count is the ledger", () => {
    const r = reconcileCount(movements, { document: "CNT-1", at: "2026-03-31", lines: [{ sku: "BR-6204", quantity: 95 }, { sku: "SL-40", quantity: 16 }] });
    expect(r.matched).toEqual(["BR-6204", "SL-40"]);
    expect(r.differences).toEqual([]);
  });

  it("explains a gap by a fill-up the customer has not booked in yet, and flags one nothing explains", () => {
    const r = reconcileCount(movements, { document: "CNT-1", at: "2026-03-31", lines: [{ sku: "BR-6204", quantity: 70 }, { sku: "SL-40", quantity: 13 }] }, "2026-03-15");
    expect(r.differences.map((d) => [d.sku, d.ledger, d.counted, d.difference, d.explainedBy])).toEqual([
      ["BR-6204", 95, 70, -25, ["DN-2"]],
      ["SL-40", 16, 13, -3, []],
    ]);
    expect(r.differences[0].explanation).toBe("BR-6204: counted 70, 25 fewer than the ledger's 95: explained by fill-up DN-2 of 2026-03-28 (25), which the count does not reflect");
    expect(r.differences[1].explanation).toBe("SL-40: counted 13, 3 fewer than the ledger's 16: not explained by any movement since the count of 2026-03-15 (1 movement)");
    expect(r.differences[1].movements.map((m) => m.document)).toEqual(["CR-2"]);
  });

  it("lists an item counted at the site that the ledger never had", () => {
    const r = reconcileCount(movements, { document: "CNT-2", at: "2026-03-31", lines: [{ sku: "BR-6204", quantity: 95 }, { sku: "SL-40", quantity: 16 }, { sku: "XX-1", quantity: 2 }] });
    expect(r.differences.map((d) => [d.sku, d.difference, d.explainedBy])).toEqual([["XX-1", 2, []]]);
  });

  it("counts only movements up to the count's day: a later fill-up is no difference", () => {
    const r = reconcileCount(movements, { document: "CNT-0", at: "2026-03-20", lines: [{ sku: "BR-6204", quantity: 70 }, { sku: "SL-40", quantity: 20 }] });
    expect(r.differences).toEqual([]);
  });
});
