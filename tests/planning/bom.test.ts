import { describe, expect, it } from "vitest";
import { buildBom, isEffective, type BomLine } from "../../domain/planning/bom";
import { explode, whereUsed } from "../../domain/planning/bom-explosion";
import { BomCycleError } from "../../domain/planning/errors";

// A bicycle: BIKE = FRAME + 2 WHEEL + SEAT; WHEEL = RIM + 36 SPOKE + HUB; FRAME = 4 TUBE + 2 BOLT; HUB = 2 BOLT.
// BOLT is used on levels 2 and 3; the old saddle SEAT-A gives way to SEAT-B on 2026-03-01.
const BIKE: BomLine[] = [
  { parent: "BIKE", child: "FRAME", quantity: 1 },
  { parent: "BIKE", child: "WHEEL", quantity: 2 },
  { parent: "BIKE", child: "SEAT-A", quantity: 1, validTo: "2026-03-01" },
  { parent: "BIKE", child: "SEAT-B", quantity: 1, validFrom: "2026-03-01" },
  { parent: "WHEEL", child: "RIM", quantity: 1 },
  { parent: "WHEEL", child: "SPOKE", quantity: 36, lossRate: 0.02 },
  { parent: "WHEEL", child: "HUB", quantity: 1 },
  { parent: "FRAME", child: "TUBE", quantity: 4 },
  { parent: "FRAME", child: "BOLT", quantity: 2 },
  { parent: "HUB", child: "BOLT", quantity: 2 },
];

describe("a cycle is refused with the loop named", () => {
  it("A → B → C → A", () => {
    const lines = [
      { parent: "A", child: "B", quantity: 1 },
      { parent: "B", child: "C", quantity: 1 },
      { parent: "C", child: "A", quantity: 1 },
    ];
    expect(() => buildBom(lines)).toThrow(new BomCycleError(["A", "B", "C", "A"]));
    expect(() => buildBom(lines)).toThrow("BOM cycle: A → B → C → A");
  });

  it("an item that is its own component: A → A", () => {
    expect(() => buildBom([{ parent: "A", child: "A", quantity: 1 }])).toThrow("BOM cycle: A → A");
  });

  it("names only the loop, not the way into it", () => {
    const lines = [{ parent: "TOP", child: "X", quantity: 1 }, { parent: "X", child: "Y", quantity: 1 }, { parent: "Y", child: "X", quantity: 1 }];
    expect(() => buildBom(lines)).toThrow("BOM cycle: X → Y → X");
  });

  it("even when the lines that close it are valid on different dates", () => {
    const lines = [{ parent: "A", child: "B", quantity: 1, validTo: "2026-01-01" }, { parent: "B", child: "A", quantity: 1, validFrom: "2026-01-01" }];
    expect(() => buildBom(lines, { date: "2026-06-01" })).toThrow("BOM cycle: A → B → A");
  });
});

describe("low-level codes: one more than the deepest parent", () => {
  it("puts BOLT on level 3 (through the hub) although the frame uses it on level 2", () => {
    const { lowLevelCodes, planningOrder } = buildBom(BIKE);
    expect(Object.fromEntries(lowLevelCodes)).toEqual({ BIKE: 0, FRAME: 1, WHEEL: 1, "SEAT-A": 1, "SEAT-B": 1, RIM: 2, SPOKE: 2, HUB: 2, TUBE: 2, BOLT: 3 });
    expect(planningOrder).toEqual(["BIKE", "FRAME", "SEAT-A", "SEAT-B", "WHEEL", "HUB", "RIM", "SPOKE", "TUBE", "BOLT"]);
  });
});

describe("effectivity: a line is valid from validFrom (inclusive) to validTo (exclusive)", () => {
  it("the old saddle until the day before the change, the new one from that day", () => {
    expect(isEffective(BIKE[2], "2026-02-28")).toBe(true);
    expect(isEffective(BIKE[2], "2026-03-01")).toBe(false);
    expect(isEffective(BIKE[3], "2026-03-01")).toBe(true);
    expect(explode(BIKE, "BIKE", 1, "2026-02-28").lines.filter((l) => l.level === 1).map((l) => l.sku)).toEqual(["FRAME", "WHEEL", "SEAT-A"]);
    expect(explode(BIKE, "BIKE", 1, "2026-03-01T08:00:00Z").lines.filter((l) => l.level === 1).map((l) => l.sku)).toEqual(["FRAME", "WHEEL", "SEAT-B"]);
  });
});

describe("multi-level explosion: the indented BOM with quantities per level, losses applied", () => {
  it("10 bikes: 20 wheels, 734.4 spokes (20 × 36 × 1.02), 60 bolts (20 for frames, 40 for hubs)", () => {
    const x = explode(BIKE, "BIKE", 10, "2026-04-01");
    expect(x.lines.map((l) => `${"  ".repeat(l.level - 1)}${l.sku} ${l.quantity}`)).toEqual([
      "FRAME 10",
      "  TUBE 40",
      "  BOLT 20",
      "WHEEL 20",
      "  RIM 20",
      "  SPOKE 734.4",
      "  HUB 20",
      "    BOLT 40",
      "SEAT-B 10",
    ]);
    expect(x.totals.find((t) => t.sku === "BOLT")).toEqual({ sku: "BOLT", lowLevelCode: 3, quantity: 60 });
    expect(x.lines[5]).toEqual({ level: 2, parent: "WHEEL", sku: "SPOKE", quantityPer: 36, lossRate: 0.02, quantity: 734.4 });
  });

  it("an item in no line is refused", () => {
    expect(() => explode(BIKE, "CAR")).toThrow("item CAR is in no BOM line");
  });
});

describe("where-used", () => {
  it("single level: the direct parents", () => {
    expect(whereUsed(BIKE, "BOLT").map((w) => [w.parent, w.quantityPer])).toEqual([["FRAME", 2], ["HUB", 2]]);
  });

  it("multi-level: every assembly above, with the path down to the item", () => {
    expect(whereUsed(BIKE, "BOLT", { multiLevel: true }).map((w) => `${w.level} ${w.path.join(" > ")}`)).toEqual([
      "1 FRAME > BOLT",
      "2 BIKE > FRAME > BOLT",
      "1 HUB > BOLT",
      "2 WHEEL > HUB > BOLT",
      "3 BIKE > WHEEL > HUB > BOLT",
    ]);
  });

  it("at a date: the old saddle is used nowhere after the change", () => {
    expect(whereUsed(BIKE, "SEAT-A", { date: "2026-01-15" }).map((w) => w.parent)).toEqual(["BIKE"]);
    expect(() => whereUsed(BIKE, "SEAT-A", { date: "2026-03-15" })).toThrow("item SEAT-A is in no BOM line valid on 2026-03-15");
  });
});
