import { describe, expect, it } from "vitest";
import type { ProductionTask } from "../../domain/planning/production-tasks";
import { analyseShortages, requisitionMessageId, requisitionsFor, shortageEvent, shortageMessageId } from "../../domain/planning/shortage";
import { CART } from "../support/cart-bom"; // CART = 2 WHEEL-ASSY + 1 BODY + 4 SCREW; WHEEL-ASSY = 1 WHEEL + 1 AXLE + 2 SCREW

const task = (id: string, quantity: number, more: Partial<ProductionTask> = {}): ProductionTask => ({
  id, orderKey: "C-NORTH/PO-1/0", orderRef: "C-NORTH/PO-1", line: id.slice(-1), item: "CART", quantity, due: "2026-06-15", status: "open", ...more,
});
const pick = (c: { sku: string; required: number; issued: number; available: number; short: number }) => [c.sku, c.required, c.issued, c.available, c.short];

describe("shortage analysis (足缺料分析) of a task", () => {
  it.each([
    // [what, quantity, on hand, allocated, issued, expected rows [sku, required, issued, available, short]]
    [
      "10 carts, nothing on hand: everything short, the screw counted on both levels (40 + 40)",
      10, {}, {}, {},
      [["BODY", 10, 0, 0, 10], ["WHEEL-ASSY", 20, 0, 0, 20], ["AXLE", 20, 0, 0, 20], ["SCREW", 80, 0, 0, 80], ["WHEEL", 20, 0, 0, 20]],
    ],
    [
      "wheel assemblies on hand are used first: only 5 built, so only their wheels, axles and screws are needed",
      10, { "WHEEL-ASSY": 15, BODY: 10, SCREW: 50, AXLE: 5, WHEEL: 2 }, {}, {},
      [["BODY", 10, 0, 10, 0], ["WHEEL-ASSY", 20, 0, 15, 5], ["AXLE", 5, 0, 5, 0], ["SCREW", 50, 0, 50, 0], ["WHEEL", 5, 0, 2, 3]],
    ],
    [
      "stock promised to others is not available: 50 screws on hand, 30 allocated",
      10, { SCREW: 50 }, { SCREW: 30 }, {},
      [["BODY", 10, 0, 0, 10], ["WHEEL-ASSY", 20, 0, 0, 20], ["AXLE", 20, 0, 0, 20], ["SCREW", 80, 0, 20, 60], ["WHEEL", 20, 0, 0, 20]],
    ],
    [
      "more allocated than on hand: nothing available, never less than 0",
      1, { BODY: 1 }, { BODY: 3 }, {},
      [["BODY", 1, 0, 0, 1], ["WHEEL-ASSY", 2, 0, 0, 2], ["AXLE", 2, 0, 0, 2], ["SCREW", 8, 0, 0, 8], ["WHEEL", 2, 0, 0, 2]],
    ],
    [
      "issued already counts: 8 bodies issued, 2 on hand, nothing short of bodies",
      10, { BODY: 2 }, {}, { BODY: 8 },
      [["BODY", 10, 8, 2, 0], ["WHEEL-ASSY", 20, 0, 0, 20], ["AXLE", 20, 0, 0, 20], ["SCREW", 80, 0, 0, 80], ["WHEEL", 20, 0, 0, 20]],
    ],
    [
      "a task for 0 carts needs nothing",
      0, {}, {}, {},
      [],
    ],
  ] as const)("%s", (_what, quantity, onHand, allocated, issued, expected) => {
    const answer = analyseShortages({ tasks: [task("PT-1", quantity)], bom: CART, onHand, allocated, issued: { "PT-1": issued } });
    expect(answer.components.map(pick)).toEqual(expected);
    expect(answer.complete).toBe(expected.every((r) => r[4] === 0));
  });

  it("two tasks of one order share one stock: a shared component is netted once across them", () => {
    const answer = analyseShortages({ tasks: [task("PT-1", 4), task("PT-2", 6)], bom: CART, onHand: { SCREW: 70 }, allocated: {} });
    expect(pick(answer.components.find((c) => c.sku === "SCREW")!)).toEqual(["SCREW", 80, 0, 70, 10]);
    expect(answer.components.find((c) => c.sku === "SCREW")!.tasks).toEqual(["PT-1", "PT-2"]);
  });

  it("cancelled and done tasks take no part", () => {
    const answer = analyseShortages({ tasks: [task("PT-1", 4, { status: "cancelled" }), task("PT-2", 1, { status: "done" })], bom: CART, onHand: {} });
    expect(answer).toEqual({ tasks: [], components: [], shortages: [], complete: true });
  });

  it("loss rates are required too", () => {
    const answer = analyseShortages({ tasks: [task("PT-1", 10, { item: "ARM" })], bom: [{ parent: "ARM", child: "TUBE", quantity: 0.5, lossRate: 0.1 }], onHand: { TUBE: 5 } });
    expect(answer.components.map(pick)).toEqual([["TUBE", 5.5, 0, 5, 0.5]]);
  });

  it("a task whose item has no BOM is refused, naming it", () => {
    expect(() => analyseShortages({ tasks: [task("PT-9", 1, { item: "SCREW" })], bom: CART, onHand: {} })).toThrow("task PT-9: item SCREW has no BOM, so nothing can be issued to it");
  });
});

describe("requisitions for what is short", () => {
  it("one per bought part, in whole units, needed by the earliest due date; a made part short is built, not bought", () => {
    const tasks = [task("PT-1", 4, { due: "2026-06-20" }), task("PT-2", 1, { due: "2026-06-10", orderRef: "C-SOUTH/PO-7" })];
    const answer = analyseShortages({ tasks, bom: [...CART.slice(0, 3), { parent: "WHEEL-ASSY", child: "AXLE", quantity: 1.5 }], onHand: { BODY: 5, SCREW: 20 } });
    const reqs = requisitionsFor(answer, tasks, "order:C-NORTH/PO-1");
    expect(reqs.map((r) => [r.sku, r.quantity, r.needBy, r.orders])).toEqual([
      ["AXLE", 15, "2026-06-10", ["C-NORTH/PO-1", "C-SOUTH/PO-7"]],
    ]);
    expect(reqs[0]).toMatchObject({ event: "planning.requisition", id: "order:C-NORTH/PO-1/AXLE/15", tasks: ["PT-1", "PT-2"] });
    expect(reqs[0].reason).toBe("AXLE short 15 for PT-1, PT-2: required 15, issued 0, available 0 (on hand 0 − allocated 0)");
    expect(requisitionMessageId(reqs[0])).toBe("planning.requisition:order:C-NORTH/PO-1/AXLE/15");
    expect(answer.shortages.map((s) => [s.sku, s.kind])).toEqual([["WHEEL-ASSY", "made"], ["AXLE", "bought"]]);
  });

  it("a fractional shortage is requisitioned rounded up", () => {
    const tasks = [task("PT-1", 10, { item: "ARM" })];
    const answer = analyseShortages({ tasks, bom: [{ parent: "ARM", child: "TUBE", quantity: 0.5, lossRate: 0.1 }], onHand: { TUBE: 5 } });
    expect(requisitionsFor(answer, tasks, "task:PT-1").map((r) => r.quantity)).toEqual([1]);
  });

  it("nothing short: no requisition and no shortage event", () => {
    const tasks = [task("PT-1", 1)];
    const answer = analyseShortages({ tasks, bom: CART, onHand: { BODY: 1, "WHEEL-ASSY": 2, SCREW: 4 } });
    expect(requisitionsFor(answer, tasks, "task:PT-1")).toEqual([]);
    expect(shortageEvent("C-NORTH/PO-1", "C-NORTH/PO-1/1", answer, "2026-05-01")).toBeUndefined();
  });

  it("a shortage becomes an event whose id follows the order revision and what is short", () => {
    const answer = analyseShortages({ tasks: [task("PT-1", 1)], bom: CART, onHand: { BODY: 1, "WHEEL-ASSY": 2, SCREW: 1 } });
    const event = shortageEvent("C-NORTH/PO-1", "C-NORTH/PO-1/1", answer, "2026-05-01")!;
    expect(event).toMatchObject({ event: "planning.shortage", orderRef: "C-NORTH/PO-1", orderKey: "C-NORTH/PO-1/1", tasks: ["PT-1"], at: "2026-05-01" });
    expect(event.shortages.map(pick)).toEqual([["SCREW", 4, 0, 1, 3]]);
    expect(shortageMessageId(event)).toBe("planning.shortage:C-NORTH/PO-1/1:SCREW=3");
  });
});
