import { describe, expect, it } from "vitest";
import type { BomLine } from "../../domain/planning/bom";
import { bomCost } from "../../domain/planning/bom-cost";
import { BomCycleError, PlanningInputError } from "../../domain/planning/errors";

// A desk lamp: LAMP = 1 HEAD + 1 ARM + 4 SCREW; HEAD = 1 SHADE + 1 BULB + 2 SCREW (SCREW is shared); ARM = 0.5 m TUBE
// with 10 % lost in cutting. Labour and overhead added per unit made: LAMP 3.00, HEAD 1.50.
const LAMP: BomLine[] = [
  { parent: "LAMP", child: "HEAD", quantity: 1 },
  { parent: "LAMP", child: "ARM", quantity: 1 },
  { parent: "LAMP", child: "SCREW", quantity: 4 },
  { parent: "HEAD", child: "SHADE", quantity: 1 },
  { parent: "HEAD", child: "BULB", quantity: 1 },
  { parent: "HEAD", child: "SCREW", quantity: 2 },
  { parent: "ARM", child: "TUBE", quantity: 0.5, lossRate: 0.1 },
];
const COSTS = { SHADE: 4, BULB: 2.5, SCREW: 0.05, TUBE: 6 };
const ADDED = { LAMP: 3, HEAD: 1.5 };

describe("rolled-up standard cost, level by level", () => {
  it("a lamp: head 4 + 2.5 + 0.10 + 1.50 = 8.10, arm 0.55 m × 6 = 3.30, screws 0.20, plus 3.00 to assemble", () => {
    const c = bomCost(LAMP, "LAMP", { standardCost: COSTS, addedCost: ADDED });
    expect(c.unitCost).toBe(14.6);
    expect(c.materialCost).toBe(11.6);
    expect(c.addedCost).toBe(3);
    expect(c.lines).toEqual([
      { level: 1, parent: "LAMP", sku: "HEAD", quantityPer: 1, lossRate: 0, quantity: 1, kind: "made", unitCost: 8.1, extendedCost: 8.1 },
      { level: 2, parent: "HEAD", sku: "SHADE", quantityPer: 1, lossRate: 0, quantity: 1, kind: "bought", unitCost: 4, extendedCost: 4 },
      { level: 2, parent: "HEAD", sku: "BULB", quantityPer: 1, lossRate: 0, quantity: 1, kind: "bought", unitCost: 2.5, extendedCost: 2.5 },
      { level: 2, parent: "HEAD", sku: "SCREW", quantityPer: 2, lossRate: 0, quantity: 2, kind: "bought", unitCost: 0.05, extendedCost: 0.1 },
      { level: 1, parent: "LAMP", sku: "ARM", quantityPer: 1, lossRate: 0, quantity: 1, kind: "made", unitCost: 3.3, extendedCost: 3.3 },
      { level: 2, parent: "ARM", sku: "TUBE", quantityPer: 0.5, lossRate: 0.1, quantity: 0.55, kind: "bought", unitCost: 6, extendedCost: 3.3 },
      { level: 1, parent: "LAMP", sku: "SCREW", quantityPer: 4, lossRate: 0, quantity: 4, kind: "bought", unitCost: 0.05, extendedCost: 0.2 },
    ]);
    // level 1: screws 0.20 bought, head's 1.50 added; level 2: 4 + 2.5 + 0.1 + 3.3 bought
    expect(c.levels).toEqual([
      { level: 1, boughtCost: 0.2, addedCost: 1.5 },
      { level: 2, boughtCost: 9.9, addedCost: 0 },
    ]);
  });

  it("a subassembly is costed on its own too", () => {
    expect(bomCost(LAMP, "HEAD", { standardCost: COSTS, addedCost: ADDED }).unitCost).toBe(8.1);
  });

  it("without added costs the cost is the bought parts alone: 4 + 2.5 + 0.1 + 3.3 + 0.2", () => {
    expect(bomCost(LAMP, "LAMP", { standardCost: COSTS }).unitCost).toBe(10.1);
  });

  it("a stale standard cost kept for the lamp is shown beside the rolled-up one", () => {
    const c = bomCost(LAMP, "LAMP", { standardCost: { ...COSTS, LAMP: 13.9 }, addedCost: ADDED });
    expect(c).toMatchObject({ unitCost: 14.6, standardCost: 13.9 });
  });

  it("a bought part with a cost of 0 (a free sample) costs nothing, and is fine", () => {
    expect(bomCost(LAMP, "LAMP", { standardCost: { ...COSTS, BULB: 0 } }).unitCost).toBe(7.6);
  });

  it("a bought item with no BOM costs its standard cost", () => {
    expect(bomCost(LAMP, "SCREW", { standardCost: COSTS })).toMatchObject({ unitCost: 0.05, lines: [], levels: [] });
  });

  it("only the lines valid on the date count", () => {
    const bom: BomLine[] = [...LAMP, { parent: "LAMP", child: "FELT", quantity: 1, validFrom: "2026-07-01" }];
    expect(bomCost(bom, "LAMP", { standardCost: { ...COSTS, FELT: 0.4 } }, "2026-06-30").unitCost).toBe(10.1);
    expect(bomCost(bom, "LAMP", { standardCost: { ...COSTS, FELT: 0.4 } }, "2026-07-01").unitCost).toBe(10.5);
  });

  it.each([
    [{ standardCost: { ...COSTS, BULB: undefined as unknown as number } }, "standardCost.BULB: a bought part needs a standard cost from 0 (is missing; used in LAMP → HEAD → BULB)"],
    [{ standardCost: { ...COSTS, TUBE: -1 } }, "standardCost.TUBE: a bought part needs a standard cost from 0 (is -1; used in LAMP → ARM → TUBE)"],
  ])("refuses a bought part without a usable cost, naming where it is used", (input, message) => {
    expect(() => bomCost(LAMP, "LAMP", input)).toThrow(PlanningInputError);
    expect(() => bomCost(LAMP, "LAMP", input)).toThrow(message);
  });

  it("refuses an item it knows nothing of", () => {
    expect(() => bomCost(LAMP, "SOFA", { standardCost: COSTS })).toThrow("item SOFA: has no BOM and no standard cost");
  });

  it("refuses a BOM cycle", () => {
    expect(() => bomCost([...LAMP, { parent: "SCREW", child: "LAMP", quantity: 1 }], "LAMP", { standardCost: COSTS })).toThrow(BomCycleError);
  });
});
