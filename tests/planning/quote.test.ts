import { describe, expect, it } from "vitest";
import type { BomLine } from "../../domain/planning/bom";
import { PlanningInputError } from "../../domain/planning/errors";
import { quote, type QuoteRequest } from "../../domain/planning/quote";

// 100 control boxes for a customer. BOX = 1 PCB-ASSY + 1 HOUSING + 4 SCREW; PCB-ASSY = 1 PCB + 1 CHIP + 2 SCREW.
// Copper-heavy PCBs are priced at the market, the rest at standard cost.
const BOM: BomLine[] = [
  { parent: "BOX", child: "PCB-ASSY", quantity: 1 },
  { parent: "BOX", child: "HOUSING", quantity: 1 },
  { parent: "BOX", child: "SCREW", quantity: 4 },
  { parent: "PCB-ASSY", child: "PCB", quantity: 1, lossRate: 0.02 },
  { parent: "PCB-ASSY", child: "CHIP", quantity: 1 },
  { parent: "PCB-ASSY", child: "SCREW", quantity: 2 },
];
const REQUEST: QuoteRequest = {
  item: "BOX",
  quantity: 100,
  currency: "EUR",
  customer: "C-NORTH",
  bom: BOM,
  materials: {
    PCB: { standardCost: 3, marketPrice: 3.5, price: "market" },
    CHIP: { standardCost: 7.25 },
    HOUSING: { standardCost: 2.4, marketPrice: 2.0 },
    SCREW: { marketPrice: 0.03 },
  },
  routing: [
    { operation: "SMT", item: "PCB-ASSY", setupHours: 2, hoursPerUnit: 0.05 },
    { operation: "final assembly", hoursPerUnit: 0.2, overheadRate: 20 },
  ],
  labourRate: 40,
  overheadRate: 15,
  otherCosts: { freight: 120, samples: 35, tooling: 250 },
  targetMarginPercent: 25,
  basePrice: 30,
};

describe("a quote shows every part of the price", () => {
  it("material by part and basis, labour and overhead by step, other costs, margin", () => {
    const q = quote(REQUEST);
    expect(q.material).toEqual([
      { sku: "HOUSING", quantity: 100, price: "standard", unitCost: 2.4, amount: 240 },
      { sku: "CHIP", quantity: 100, price: "standard", unitCost: 7.25, amount: 725 },
      { sku: "PCB", quantity: 102, price: "market", unitCost: 3.5, amount: 357 },
      { sku: "SCREW", quantity: 600, price: "market", unitCost: 0.03, amount: 18 },
    ]);
    expect(q.labour).toEqual([
      { operation: "SMT", item: "PCB-ASSY", hours: 7, rate: 40, amount: 280 },
      { operation: "final assembly", item: "BOX", hours: 20, rate: 40, amount: 800 },
    ]);
    expect(q.overhead).toEqual([
      { operation: "SMT", item: "PCB-ASSY", hours: 7, rate: 15, amount: 105 },
      { operation: "final assembly", item: "BOX", hours: 20, rate: 20, amount: 400 },
    ]);
    expect(q.other).toEqual([
      { name: "freight", amount: 120 },
      { name: "samples", amount: 35 },
      { name: "tooling", amount: 250 },
    ]);
    // cost 1340 + 1080 + 505 + 405 = 3330; price = 3330 / 0.75 = 4440; margin 1110
    expect(q.totals).toEqual({ material: 1340, labour: 1080, overhead: 505, other: 405, cost: 3330, margin: 1110, price: 4440 });
    expect(q).toMatchObject({ unitCost: 33.3, unitPrice: 44.4, basePrice: 30, belowBasePrice: false });
    expect(q.explanation).toEqual([
      "material 1340.00 EUR: 4 bought parts for 100 × BOX",
      "labour 1080.00 EUR and overhead 505.00 EUR: 27 hours over 2 routing steps",
      "other costs 405.00 EUR (freight 120.00, samples 35.00, tooling 250.00)",
      "cost 3330.00 EUR + margin 1110.00 EUR (25 % of the price) = 4440.00 EUR, 44.40 EUR per unit",
    ]);
  });

  it("a price below finance's base price is flagged, with how far below", () => {
    const q = quote({ ...REQUEST, targetMarginPercent: 0, basePrice: 34 });
    expect(q).toMatchObject({ unitPrice: 33.3, belowBasePrice: true });
    expect(q.explanation.at(-1)).toBe("below base price: 33.30 EUR per unit is 0.70 under finance's base price 34.00 EUR");
  });

  it("exactly the base price is not below it", () => {
    expect(quote({ ...REQUEST, targetMarginPercent: 0, basePrice: 33.3 }).belowBasePrice).toBe(false);
  });

  it("the shared screw is bought once, summed over both levels: 4 per box + 2 per board", () => {
    expect(quote(REQUEST).material.find((m) => m.sku === "SCREW")?.quantity).toBe(600);
  });

  it("switching the housing to its market price lowers the material by 40", () => {
    const q = quote({ ...REQUEST, materials: { ...REQUEST.materials, HOUSING: { standardCost: 2.4, marketPrice: 2.0, price: "market" } } });
    expect(q.totals.material).toBe(1300);
  });

  it("a bought item quoted alone: its own cost, no routing", () => {
    const q = quote({ item: "SCREW", quantity: 1000, bom: [], materials: { SCREW: { standardCost: 0.031 } }, targetMarginPercent: 20 });
    expect(q.totals).toEqual({ material: 31, labour: 0, overhead: 0, other: 0, cost: 31, margin: 7.75, price: 38.75 });
  });

  it.each([
    [{ materials: { ...REQUEST.materials, CHIP: undefined } }, "materials.CHIP: no cost for this bought part (100 needed for 100 BOX); give standardCost or marketPrice"],
    [{ materials: { ...REQUEST.materials, CHIP: { standardCost: 7, price: "market" } } }, "materials.CHIP.marketPrice: missing, but CHIP is to be priced at its market price"],
    [{ targetMarginPercent: 100 }, "targetMarginPercent: must be below 100, a share of the price (is 100)"],
    [{ quantity: 0 }, "quantity: must be a number above 0 (is 0)"],
    [{ routing: [{ operation: "paint", item: "LID", hoursPerUnit: 1 }] }, "routing[0].item: LID is not in the BOM of BOX"],
    [{ labourRate: undefined }, "routing[0].labourRate: missing, and the quote gives no labourRate"],
    [{ otherCosts: { freight: "120" } }, 'otherCosts.freight: must be a number from 0 (is "120")'],
  ])("refuses %j naming the field", (change, message) => {
    const body = JSON.parse(JSON.stringify({ ...REQUEST, ...change }));
    expect(() => quote(body)).toThrow(PlanningInputError);
    expect(() => quote(body)).toThrow(message);
  });
});
