import { describe, expect, it } from "vitest";
import type { MasterData, Reservation } from "../../domain/master/types";
import { atpCheck } from "../../domain/order/atp";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import type { PushedBack } from "../../domain/order/decision";
import { evaluateOrder } from "../../domain/order/evaluate";
import { proposeRushRescheduling, rushPlan } from "../../domain/order/rush";
import { AT, line, master, order } from "./order-desk";

/**
 * The plant on 2026-11-20: 100 gear housings (GH-100, 30 days' lead time: replenishment from 2026-12-20) on hand in
 * WH-NORTH, all of them promised to released orders — PO-7 on 2026-11-25, PO-8 on 2026-12-01, PO-9 on 2026-12-10,
 * PO-10 on 2026-12-15 — and a purchase order of 10 due on 2026-12-18. C-1001's rush order wants them on 2026-12-01.
 */
const reserved = (order: string, quantity: number, date: string, warehouse = "WH-NORTH"): Reservation => ({ sku: "GH-100", warehouse, quantity, date, order });
type Change = (m: Required<MasterData>) => void;
const plant: Change = (m) => {
  m.supply.push({ sku: "GH-100", warehouse: "WH-NORTH", type: "on-hand", quantity: 100 }, { sku: "GH-100", warehouse: "WH-NORTH", type: "purchase-order", quantity: 10, date: "2026-12-18" });
  m.reservations.push(
    reserved("C-2002/PO-7/0", 40, "2026-11-25"),
    reserved("C-2002/PO-8/0", 30, "2026-12-01"),
    reserved("C-3003/PO-9/0", 20, "2026-12-10"),
    reserved("C-3003/PO-10/0", 10, "2026-12-15"),
  );
};
const and = (...changes: Change[]): Change => (m) => changes.forEach((c) => c(m));
const rushOrder = (quantity: number, change: (o: CanonicalOrder) => void = () => undefined) =>
  order([line("10", "GH-100", quantity, 100)], (o) => {
    o.orderType = "rush";
    change(o);
  });

function planFor(o: CanonicalOrder, change: Change) {
  const index = master(change);
  return rushPlan(o, atpCheck(o, index, AT), index, AT);
}

const take = (order: string, quantity: number, from: string, to: string, warehouse = "WH-NORTH"): PushedBack => ({ order, sku: "GH-100", warehouse, quantity, from, to });

describe("rush: a rush order takes supply from released orders with later requested dates", () => {
  it.each<[string, CanonicalOrder, Change, boolean, PushedBack[]]>([
    ["10 short: all from the latest-requested order, which gets the receipt of 2026-12-18 the rush order no longer needs", rushOrder(10), plant, true, [take("C-3003/PO-10/0", 10, "2026-12-15", "2026-12-18")]],
    [
      "20 short: the latest order whole, then only what is still needed of the next; the earlier of them gets the receipt first",
      rushOrder(20),
      plant,
      true,
      [take("C-3003/PO-9/0", 10, "2026-12-10", "2026-12-18"), take("C-3003/PO-10/0", 10, "2026-12-15", "2026-12-20")],
    ],
    [
      "30 short: both later orders whole, never PO-8 (same date) nor PO-7 (earlier); the receipt covers neither whole: both wait for replenishment",
      rushOrder(30),
      plant,
      true,
      [take("C-3003/PO-9/0", 20, "2026-12-10", "2026-12-20"), take("C-3003/PO-10/0", 10, "2026-12-15", "2026-12-20")],
    ],
    ["31 short: more than the later orders hold: infeasible, nobody is pushed back", rushOrder(31), plant, false, []],
    [
      "a rush order asking for 2026-12-12: only PO-10 has a later date",
      rushOrder(10, (o) => { o.requestedDelivery = { date: "2026-12-12" }; }),
      plant,
      true,
      [take("C-3003/PO-10/0", 10, "2026-12-15", "2026-12-18")],
    ],
    [
      "20 short on 2026-12-12: PO-9's earlier date is never touched, so it cannot be served",
      rushOrder(20, (o) => { o.requestedDelivery = { date: "2026-12-12" }; }),
      plant,
      false,
      [],
    ],
    [
      "an order past the lead time keeps its date when taken: replenishment covers it",
      rushOrder(10),
      (m) => {
        m.supply.push({ sku: "GH-100", warehouse: "WH-NORTH", type: "on-hand", quantity: 50 });
        m.reservations.push(reserved("C-2002/PO-8/0", 40, "2026-12-01"), reserved("C-4004/PO-11/0", 10, "2027-01-05"));
      },
      true,
      [take("C-4004/PO-11/0", 10, "2027-01-05", "2027-01-05")],
    ],
    [
      "a complete-lines customer: what is free elsewhere on the day first, then the latest order for the rest",
      rushOrder(15),
      and(plant, (m) => {
        m.customers[0].partialDelivery = "complete-lines";
        m.supply.push({ sku: "GH-100", warehouse: "WH-EAST", type: "on-hand", quantity: 5 });
      }),
      true,
      [take("C-3003/PO-10/0", 10, "2026-12-15", "2026-12-18")],
    ],
    [
      "an order in another warehouse with a later date is pushed back there",
      rushOrder(10),
      and(plant, (m) => {
        m.supply.push({ sku: "GH-100", warehouse: "WH-EAST", type: "on-hand", quantity: 10 });
        m.reservations.push(reserved("C-5005/PO-12/0", 10, "2026-12-16", "WH-EAST"));
      }),
      true,
      [take("C-5005/PO-12/0", 10, "2026-12-16", "2026-12-20", "WH-EAST")],
    ],
  ])("%s", (_case, o, change, feasible, takes) => {
    const plan = planFor(o, change);
    expect(plan.feasible).toBe(feasible);
    expect(plan.takes).toEqual(takes);
  });

  it("names each order pushed back and its new date", () => {
    expect(planFor(rushOrder(20), plant).reasons).toEqual([
      "rush: the order can be served in full on its requested date by pushing back 2 released orders with later requested dates",
      "rush: take 10 × GH-100 from order C-3003/PO-9/0 at WH-NORTH, its delivery moves from 2026-12-10 to 2026-12-18",
      "rush: take 10 × GH-100 from order C-3003/PO-10/0 at WH-NORTH, its delivery moves from 2026-12-15 to 2026-12-20",
    ]);
  });

  it("says how much could be freed when even that does not serve it", () => {
    expect(planFor(rushOrder(50), plant).reasons).toEqual([
      "rush: line 10 (GH-100) cannot be served in full on 2026-12-01 even by pushing back released orders with later requested dates: 30 of the 50 missing could be freed",
      "rush: no order is pushed back; approving releases the order on the dates ATP confirmed",
    ]);
  });

  it("proposes nothing when free supply serves the rush order", () => {
    const o = rushOrder(20);
    const index = master(and(plant, (m) => m.supply.push({ sku: "GH-100", warehouse: "WH-EAST", type: "on-hand", quantity: 20 })));
    const atp = atpCheck(o, index, AT);
    expect(rushPlan(o, atp, index, AT)).toEqual({ feasible: true, takes: [], reasons: [], served: [] });
    expect(proposeRushRescheduling(o, atp, index, AT)).toBeUndefined();
  });

  it("never takes from the rush order's own earlier revision", () => {
    const o = rushOrder(10, (x) => { x.revision = 1; });
    const plan = planFor(o, and(plant, (m) => { m.reservations.find((r) => r.order === "C-3003/PO-10/0")!.order = "C-1001/PO-4711/0"; }));
    expect(plan.takes.map((t) => t.order)).toEqual(["C-3003/PO-9/0"]);
  });

  it("takes more than the rush order gains only where the order's date is overbooked already", () => {
    // PO-10's 15 on 2026-12-15 is short by 5 already: taking 5 for the rush order moves 10 of it
    const plan = planFor(rushOrder(5), and(plant, (m) => { m.reservations.find((r) => r.order === "C-3003/PO-10/0")!.quantity = 15; }));
    expect(plan.takes).toEqual([take("C-3003/PO-10/0", 10, "2026-12-15", "2026-12-18")]);
  });
});

describe("evaluateOrder with the rush proposal plugged in", () => {
  it("a rush order the proposal serves needs approval, its reasons naming each order pushed back", () => {
    const evaluation = evaluateOrder(rushOrder(20), master(plant), AT, { proposeRushRescheduling });
    expect(evaluation.outcome).toBe("needs-approval");
    const atp = evaluation.decisions[3];
    expect(atp.outcome).toBe("approval");
    expect(atp.reasons).toContain("atp-check: rush: take 10 × GH-100 from order C-3003/PO-9/0 at WH-NORTH, its delivery moves from 2026-12-10 to 2026-12-18");
    expect(atp.reasons).toContain("atp-check: rush: take 10 × GH-100 from order C-3003/PO-10/0 at WH-NORTH, its delivery moves from 2026-12-15 to 2026-12-20");
    expect(atp).toMatchObject({ rushProposal: { feasible: true, pushedBack: [{ order: "C-3003/PO-9/0", to: "2026-12-18" }, { order: "C-3003/PO-10/0", to: "2026-12-20" }] } });
  });

  it("a rush order it cannot serve even so needs approval saying so", () => {
    const evaluation = evaluateOrder(rushOrder(50), master(plant), AT, { proposeRushRescheduling });
    expect(evaluation.outcome).toBe("needs-approval");
    expect(evaluation.decisions[3].reasons).toContain(
      "atp-check: rush: line 10 (GH-100) cannot be served in full on 2026-12-01 even by pushing back released orders with later requested dates: 30 of the 50 missing could be freed",
    );
    expect(evaluation.decisions[3]).toMatchObject({ rushProposal: { feasible: false, pushedBack: [] } });
  });

  it("a standard order is never given a proposal", () => {
    const evaluation = evaluateOrder(rushOrder(20, (o) => { o.orderType = "standard"; }), master(plant), AT, { proposeRushRescheduling });
    expect(evaluation.decisions[3]).not.toHaveProperty("rushProposal");
  });
});
