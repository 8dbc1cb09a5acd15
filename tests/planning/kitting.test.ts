import { describe, expect, it } from "vitest";
import { kitting, type KittingInput } from "../../domain/planning/kitting";
import { CART } from "../support/cart-bom"; // CART = 2 WHEEL-ASSY + 1 BODY + 4 SCREW; WHEEL-ASSY = 1 WHEEL + 1 AXLE + 2 SCREW

const STOCK = { "WHEEL-ASSY": 1, WHEEL: 5, AXLE: 10, BODY: 10, SCREW: 20 };
const input = (more: Partial<KittingInput> = {}): KittingInput => ({ item: "CART", multiLevel: true, bom: CART, stock: STOCK, ...more });

describe("single level builds from the components on hand only", () => {
  it("one wheel assembly on hand, two per cart: none can be built, one assembly short", () => {
    expect(kitting(input({ multiLevel: false }))).toEqual({ buildable: 0, shortages: [{ sku: "WHEEL-ASSY", required: 2, available: 1, short: 1 }] });
  });

  it("with 6 assemblies on hand the screws (4 each) and assemblies allow 3", () => {
    const answer = kitting(input({ multiLevel: false, stock: { ...STOCK, "WHEEL-ASSY": 6 } }));
    expect(answer).toEqual({ buildable: 3, shortages: [{ sku: "WHEEL-ASSY", required: 8, available: 6, short: 2 }] });
  });
});

describe("multi-level builds subassemblies from their own components, counting a shared component once", () => {
  it("2 carts: 1 assembly on hand + 3 built; 8 + 6 = 14 screws of 20. A 3rd needs 12 + 10 = 22 screws", () => {
    // Counted per branch, 20 screws would seem to cover 5 carts directly and 5 through the assemblies: 3 carts.
    expect(kitting(input())).toEqual({ buildable: 2, shortages: [{ sku: "SCREW", required: 22, available: 20, short: 2 }] });
  });

  it("answers for the requested quantity: 5 carts (shortages by low-level code, then SKU)", () => {
    expect(kitting(input({ requestedQuantity: 5 })).shortages).toEqual([
      { sku: "SCREW", required: 38, available: 20, short: 18 },
      { sku: "WHEEL", required: 9, available: 5, short: 4 },
    ]);
  });

  it("requested 0: nothing short, the buildable quantity still answered", () => {
    expect(kitting(input({ requestedQuantity: 0 }))).toEqual({ buildable: 2, shortages: [] });
  });

  it("zero stock: nothing buildable, every bought component short for one", () => {
    expect(kitting(input({ stock: {} }))).toEqual({
      buildable: 0,
      shortages: [
        { sku: "BODY", required: 1, available: 0, short: 1 },
        { sku: "AXLE", required: 2, available: 0, short: 2 },
        { sku: "SCREW", required: 8, available: 0, short: 8 },
        { sku: "WHEEL", required: 2, available: 0, short: 2 },
      ],
    });
  });

  it("ignores lines of other products", () => {
    const bom = [...CART, { parent: "TRAILER", child: "SCREW", quantity: 100 }];
    expect(kitting(input({ bom })).buildable).toBe(2);
  });
});

describe("substitutes stand in for a short component, in priority order, and the answer says which", () => {
  const bom = CART.map((l) =>
    l.parent === "CART" && l.child === "SCREW"
      ? { ...l, substitutes: [{ sku: "SCREW-B", ratio: 1, priority: 2 }, { sku: "SCREW-C", ratio: 2, priority: 1 }] }
      : l,
  );
  const stock = { ...STOCK, "SCREW-B": 10, "SCREW-C": 2 };

  it("3 carts become buildable; the 4th lacks wheels, and its 10 missing screws are 2 SCREW-C (for 1) + 9 SCREW-B", () => {
    expect(kitting(input({ bom, stock, useSubstitutes: true }))).toEqual({
      buildable: 3,
      shortages: [{ sku: "WHEEL", required: 7, available: 5, short: 2 }],
      substitutesUsed: [
        { sku: "SCREW-C", for: "SCREW", quantity: 2, replaces: 1 },
        { sku: "SCREW-B", for: "SCREW", quantity: 9, replaces: 9 },
      ],
    });
  });

  it("without useSubstitutes they are not touched", () => {
    expect(kitting(input({ bom, stock }))).toEqual({ buildable: 2, shortages: [{ sku: "SCREW", required: 22, available: 20, short: 2 }] });
  });

  it("a substitute that is a component itself is only what its own use leaves", () => {
    const both = bom.map((l) => (l.child === "SCREW" && l.parent === "CART" ? { ...l, substitutes: [{ sku: "AXLE", ratio: 1, priority: 1 }] } : l));
    // 3 carts: 5 axles for the assemblies, 2 left to stand in for the 2 missing screws
    expect(kitting(input({ bom: both, stock: { ...STOCK, AXLE: 7 }, useSubstitutes: true, requestedQuantity: 3 }))).toMatchObject({
      shortages: [],
      substitutesUsed: [{ sku: "AXLE", for: "SCREW", quantity: 2, replaces: 2 }],
    });
  });
});

describe("refuses what cannot be kitted", () => {
  it("an item without BOM lines", () => {
    expect(() => kitting(input({ item: "WAGON" }))).toThrow("item WAGON has no BOM lines: nothing to kit");
  });
  it("a cycle", () => {
    expect(() => kitting(input({ bom: [...CART, { parent: "AXLE", child: "CART", quantity: 1 }] }))).toThrow("BOM cycle: AXLE → CART → WHEEL-ASSY → AXLE");
  });
  it("a negative stock", () => {
    expect(() => kitting(input({ stock: { SCREW: -1 } }))).toThrow("stock.SCREW: must be a number from 0 (is -1)");
  });
});
