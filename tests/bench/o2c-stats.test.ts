import { describe, expect, it } from "vitest";
import { durations, ordersPerSecond, p95, percentile, ratio } from "../../bench/o2c-stats";

// The figures bench:o2c prints, from the times it recorded: no timing here, only the arithmetic.

describe("p95 (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it.each([
    ["1 … 100, shuffled", [...hundred].reverse(), 95],
    ["20 values: the 19th", Array.from({ length: 20 }, (_, i) => (i + 1) * 10), 190],
    ["one value", [42], 42],
    ["two values: the larger", [900, 100], 900],
    ["all the same", [7, 7, 7, 7], 7],
    ["zeros count", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5000], 0],
    ["a late straggler beyond the 95th", [...hundred.slice(0, 99), 60_000], 95],
    ["none: NaN", [], NaN],
  ])("%s", (_name, values, expected) => {
    expect(p95(values)).toEqual(expected);
  });

  it("leaves its input as it was", () => {
    const values = [3, 1, 2];
    p95(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it.each([0, -5, 101, Number.NaN])("refuses p = %s", (p) => {
    expect(() => percentile([1, 2, 3], p)).toThrow(/p must be above 0 and at most 100/);
  });
});

describe("orders per second and the ratio", () => {
  it.each([
    ["500 orders in 10 s", 500, 0, 10_000, 50],
    ["one order in half a second", 1, 1000, 1500, 2],
    ["none", 0, 0, 0, 0],
  ])("%s", (_name, count, from, to, expected) => {
    expect(ordersPerSecond(count, from, to)).toBeCloseTo(expected, 10);
  });

  it("refuses a last order before the first", () => {
    expect(() => ordersPerSecond(5, 2000, 1000)).toThrow("the last order (1000) must come after the first (2000)");
  });

  it.each([
    ["half as fast", 25, 50, 0.5],
    ["as fast", 40, 40, 1],
    ["faster than the baseline", 60, 40, 1.5],
    ["nothing closed", 0, 40, 0],
    ["a baseline that moved nothing", 10, 0, NaN],
  ])("%s", (_name, o2c, baseline, expected) => {
    expect(ratio(o2c, baseline)).toEqual(expected);
  });
});

describe("durations from intake to invoice", () => {
  it("pairs each invoiced order with its intake, and leaves out orders never invoiced or never posted", () => {
    const posted = new Map([["C-1001/B-1/0", 1000], ["C-1001/B-2/0", 1100], ["C-NORTH/B-3/0", 1200]]);
    const invoiced = new Map([["C-1001/B-2/0", 1600], ["C-1001/B-1/0", 1900], ["C-NORTH/OTHER/0", 5000]]);
    expect(durations(posted, invoiced).sort((a, b) => a - b)).toEqual([500, 900]);
  });
});
