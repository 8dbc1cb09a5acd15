import { describe, expect, it } from "vitest";
import { buildBom } from "../../domain/planning/bom";
import { explode } from "../../domain/planning/bom-explosion";
import { checkMrpInput } from "../../domain/planning/mrp";
import { BENCH_SIZES, benchData, pathCounts, structureNear } from "../../bench/planning-data";
import { prng } from "../../runtime/seeded-random";

// bench:planning promises its sizes; the generator must build them, the same on every run, as valid planning input.
const data = benchData();

describe("the planning benchmark's data", () => {
  it("has 20,000 items on 6 levels, 100,000 BOM lines, 52 periods and 10,000 demand lines", () => {
    expect(BENCH_SIZES).toEqual({ items: 20_000, levels: 6, lines: 100_000, periods: 52, demand: 10_000 });
    expect(data.levels).toHaveLength(6);
    expect(data.levels.flat()).toHaveLength(20_000);
    expect(new Set(data.levels.flat()).size).toBe(20_000);
    expect(data.bom).toHaveLength(100_000);
    expect(data.mrp.items).toHaveLength(20_000);
    expect(data.mrp.periods).toBe(52);
    expect(data.mrp.demand).toHaveLength(10_000);
  });

  it("is a BOM of 6 levels: low-level codes 0 to 5, no cycle, no line twice, demand on end items only", () => {
    const structure = buildBom(data.bom);
    expect(new Set(structure.lowLevelCodes.values())).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(new Set(data.bom.map((l) => `${l.parent}>${l.child}`)).size).toBe(100_000);
    const ends = new Set(data.levels[0]);
    expect(data.mrp.demand.every((d) => ends.has(d.item) && d.period >= 1 && d.period <= 52)).toBe(true);
    expect(() => checkMrpInput(data.mrp)).not.toThrow();
  });

  it("is the same on every run (seeded), and another seed gives other data", () => {
    const again = benchData();
    expect(again.bom.slice(0, 50)).toEqual(data.bom.slice(0, 50));
    expect(again.mrp.demand.slice(-50)).toEqual(data.mrp.demand.slice(-50));
    expect(benchData(undefined, 15).bom.slice(0, 50)).not.toEqual(data.bom.slice(0, 50));
    const a = prng(1);
    const b = prng(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it("has an end item whose explosion is about 10,000 lines: the structure the explosion is timed on", () => {
    const near = structureNear(data);
    expect(Math.abs(near.lines - 10_000)).toBeLessThan(500);
    expect(explode(buildBom(data.bom), near.item).lines).toHaveLength(near.lines);
    expect(pathCounts([{ parent: "A", child: "B", quantity: 1 }, { parent: "A", child: "C", quantity: 1 }, { parent: "B", child: "C", quantity: 1 }]).get("A")).toBe(3);
  });
});
