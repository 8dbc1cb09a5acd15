import { describe, expect, it } from "vitest";
import { buildBom, type BomLine } from "../../domain/planning/bom";
import { explode } from "../../domain/planning/bom-explosion";
import { bomIndex } from "../../domain/planning/bom-index";
import { planMrp, type MrpItem } from "../../domain/planning/mrp";

// A stored BOM is built once and asked many questions (explosion over its numeric index, bom-index.ts); MRP nets over
// the same kind of index. These are the cases where holding things as numbers could go wrong.

// Two products sharing parts: TABLE = TOP + 4 LEG + 8 SCREW; LEG = 2 SCREW + FOOT; STOOL = SEAT + 3 LEG.
const FURNITURE: BomLine[] = [
  { parent: "TABLE", child: "TOP", quantity: 1 },
  { parent: "TABLE", child: "LEG", quantity: 4 },
  { parent: "TABLE", child: "SCREW", quantity: 8 },
  { parent: "LEG", child: "SCREW", quantity: 2 },
  { parent: "LEG", child: "FOOT", quantity: 1, lossRate: 0.1 },
  { parent: "STOOL", child: "SEAT", quantity: 1 },
  { parent: "STOOL", child: "LEG", quantity: 3 },
];

const item = (id: string, more: Partial<MrpItem> = {}): MrpItem => ({ id, leadTime: 0, onHand: 0, source: "make", lotSizing: { rule: "lot-for-lot" }, ...more });

describe("explosions on one stored structure", () => {
  it("each answer starts from nothing: a second product's totals carry nothing of the first's", () => {
    const structure = buildBom(FURNITURE);
    const table = explode(structure, "TABLE", 2);
    const stool = explode(structure, "STOOL", 1);
    const tableAgain = explode(structure, "TABLE", 2);
    expect(table.totals).toEqual([
      { sku: "LEG", lowLevelCode: 1, quantity: 8 },
      { sku: "TOP", lowLevelCode: 1, quantity: 2 },
      { sku: "FOOT", lowLevelCode: 2, quantity: 8.8 },
      { sku: "SCREW", lowLevelCode: 2, quantity: 32 },
    ]);
    expect(stool.totals).toEqual([
      { sku: "LEG", lowLevelCode: 1, quantity: 3 },
      { sku: "SEAT", lowLevelCode: 1, quantity: 1 },
      { sku: "FOOT", lowLevelCode: 2, quantity: 3.3 },
      { sku: "SCREW", lowLevelCode: 2, quantity: 6 },
    ]);
    expect(tableAgain).toEqual(table);
  });

  it("gives the same answer on the structure as on the lines, and on a structure already indexed", () => {
    const structure = buildBom(FURNITURE);
    const fromLines = explode(FURNITURE, "TABLE", 3);
    bomIndex(structure);
    expect(explode(structure, "TABLE", 3)).toEqual(fromLines);
    expect(fromLines.lines.map((l) => `${l.level} ${l.parent}>${l.sku} ${l.quantity}`)).toEqual([
      "1 TABLE>TOP 3",
      "1 TABLE>LEG 12",
      "2 LEG>SCREW 24",
      "2 LEG>FOOT 13.2",
      "1 TABLE>SCREW 24",
    ]);
  });

  it("a bought part has no components: no lines, no totals", () => {
    const x = explode(buildBom(FURNITURE), "SCREW", 5);
    expect(x.lines).toEqual([]);
    expect(x.totals).toEqual([]);
  });

  it("a zero quantity explodes to zero of everything, still listed", () => {
    const x = explode(buildBom(FURNITURE), "STOOL", 0);
    expect(x.totals.map((t) => [t.sku, t.quantity])).toEqual([["LEG", 0], ["SEAT", 0], ["FOOT", 0], ["SCREW", 0]]);
  });

  it("the same component twice under one parent (two lines) counts both lines", () => {
    const lines = [...FURNITURE, { parent: "STOOL", child: "LEG", quantity: 1 }];
    const x = explode(buildBom(lines), "STOOL", 1);
    expect(x.totals.find((t) => t.sku === "LEG")?.quantity).toBe(4);
    expect(x.lines.filter((l) => l.level === 1 && l.sku === "LEG")).toHaveLength(2);
  });

  it("the index numbers items in planning order", () => {
    const structure = buildBom(FURNITURE);
    expect(bomIndex(structure).names).toEqual(structure.planningOrder);
    expect(bomIndex(structure)).toBe(bomIndex(structure));
  });
});

describe("MRP over the numeric index", () => {
  it("a component listed twice under one parent gets the requirement of both lines", () => {
    const input = {
      periods: 2,
      items: [item("STOOL"), item("LEG"), item("SEAT", { source: "buy" as const })],
      bom: [
        { parent: "STOOL", child: "LEG", quantity: 3 },
        { parent: "STOOL", child: "SEAT", quantity: 1 },
        { parent: "STOOL", child: "LEG", quantity: 1 },
      ],
      demand: [{ item: "STOOL", period: 2, quantity: 5 }],
    };
    const plan = planMrp(input);
    expect(plan.records.LEG.grossRequirements).toEqual([0, 20]);
    expect(plan.records.SEAT.grossRequirements).toEqual([0, 5]);
  });

  it("large whole quantities stay exact past a few million", () => {
    const input = {
      periods: 1,
      items: [item("PALLET"), item("CAN", { source: "buy" as const })],
      bom: [{ parent: "PALLET", child: "CAN", quantity: 3 }],
      demand: [{ item: "PALLET", period: 1, quantity: 3_000_001 }],
      scheduledReceipts: [],
    };
    const plan = planMrp(input);
    expect(plan.records.CAN.grossRequirements).toEqual([9_000_003]);
    expect(plan.plannedOrders.find((o) => o.item === "CAN")?.quantity).toBe(9_000_003);
  });

  it("fractions from losses are rounded up per parent order, and sums of them stay free of binary drift", () => {
    const input = {
      periods: 3,
      items: [item("A"), item("B", { decimals: 1 })],
      bom: [{ parent: "A", child: "B", quantity: 0.1, lossRate: 0.2 }],
      demand: [
        { item: "A", period: 1, quantity: 1 },
        { item: "A", period: 2, quantity: 2 },
        { item: "A", period: 3, quantity: 1 },
      ],
    };
    const plan = planMrp(input);
    // 1 × 0.1 × 1.2 = 0.12 → 0.2; 2 × 0.1 × 1.2 = 0.24 → 0.3
    expect(plan.records.B.grossRequirements).toEqual([0.2, 0.3, 0.2]);
    expect(plan.records.B.plannedReceipts).toEqual([0.2, 0.3, 0.2]);
  });

  it("a cycle is still refused with the loop named", () => {
    const input = {
      periods: 1,
      items: [item("A"), item("B")],
      bom: [{ parent: "A", child: "B", quantity: 1 }, { parent: "B", child: "A", quantity: 1 }],
      demand: [],
    };
    expect(() => planMrp(input)).toThrow("BOM cycle: A → B → A");
  });
});
