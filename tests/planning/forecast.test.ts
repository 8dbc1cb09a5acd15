import { describe, expect, it } from "vitest";
import { PlanningInputError } from "../../domain/planning/errors";
import { errorsOf, forecast, forecastSeries } from "../../domain/planning/forecast";
import { checkMrpRequest } from "../../runtime/planning";

// Two years of monthly sales of a seasonal product: the second year sells 10 % more in every month.
const YEAR1 = [100, 80, 120, 150, 200, 260, 300, 280, 200, 150, 110, 90];
const YEAR2 = YEAR1.map((q) => q * 1.1);
const quantities = (f: ReturnType<typeof forecastSeries>) => f.lines.map((l) => l.quantity);

describe("each method as a planner computes it by hand", () => {
  it.each([
    // [what, history, options, expected quantities]
    ["moving average of the last 3 months, flat over the horizon", [10, 20, 30, 40], { method: "ma", horizon: 2 }, [30, 30]],
    ["weighted moving average 1-2-3: (20·1 + 30·2 + 40·3) / 6", [10, 20, 30, 40], { method: "wma", horizon: 1 }, [33.33]],
    ["weighted moving average with the planner's own weights 0.2-0.3-0.5", [10, 20, 30, 40], { method: "wma", weights: [0.2, 0.3, 0.5] }, [33]],
    ["moving average over a window of 2", [10, 20, 30, 40], { method: "ma", window: 2 }, [35]],
    ["ratio: same month last year × 1.1, growth taken from the two years", [...YEAR1, ...YEAR2], { method: "ratio", horizon: 3 }, [121, 96.8, 145.2]],
    ["ratio with a growth given: 5 %", [...YEAR1], { method: "ratio", horizon: 2, growth: 0.05 }, [105, 84]],
    ["ratio with one year only: growth 0", [...YEAR1], { method: "ratio", horizon: 1 }, [100]],
    ["ratio beyond a year reuses its own forecast", [1, 2], { method: "ratio", periodsPerYear: 2, horizon: 4, growth: 0 }, [1, 2, 1, 2]],
    ["a month with nothing sold counts as 0", [0, 0, 9], { method: "ma" }, [3]],
  ] as const)("%s", (_what, history, options, expected) => {
    expect(quantities(forecastSeries({ item: "FAN", history: [...history] }, { ...options, weights: "weights" in options ? [...options.weights] : undefined }))).toEqual(expected);
  });
});

describe("auto picks the method with the lowest MAPE on held-back history, and says why", () => {
  it("a seasonal product: ratio to last year wins, the reason names the MAPEs", () => {
    const f = forecastSeries({ item: "FAN", history: [...YEAR1, ...YEAR2] }, { method: "auto", horizon: 1, holdout: 6 });
    expect(f.method).toBe("ratio");
    expect(f.scores?.[0]).toMatchObject({ method: "ratio" });
    expect(f.reason).toMatch(/^ratio to last year: lowest MAPE [\d.]+ % over the last 6 periods of history \(moving average [\d.]+ %, weighted moving average [\d.]+ %\)/);
    // ratio forecasts the held-back half-year from the year before it × the growth: a near-perfect fit
    expect(f.scores![0].mape!).toBeLessThan(f.scores![1].mape!);
  });

  it("a steady product that stepped up: the weighted average follows the newest months best", () => {
    const f = forecastSeries({ item: "BOLT", history: [50, 50, 50, 50, 50, 50, 50, 50, 80, 80, 80, 80] }, { method: "auto", holdout: 3 });
    // from the 9 months before the last 3: MA (50+50+80)/3 = 60, WMA (50+100+240)/6 = 65, against 80 sold
    expect(f.method).toBe("wma");
    expect(f.scores).toEqual([
      { method: "wma", mape: 18.75, mae: 15, zeroActuals: 0 },
      { method: "ma", mape: 25, mae: 20, zeroActuals: 0 },
    ]);
    // a year of history, but not a year before the held-back months: ratio runs, yet cannot be compared
    expect(f.notes).toContain("ratio to last year not compared: ratio to last year needs a year of history (12 periods, has 9)");
  });

  it("short history: the methods that cannot run are named, the others compared", () => {
    const f = forecastSeries({ item: "NEW", history: [5, 7, 6, 8, 7] }, { method: "auto", holdout: 1 });
    expect(f.notes).toContain("ratio to last year needs a year of history (12 periods, has 5)");
    expect(f.scores?.map((s) => s.method).sort()).toEqual(["ma", "wma"]);
    expect(["ma", "wma"]).toContain(f.method);
  });

  it("history too short to hold any back: the simplest method that runs, saying so", () => {
    const f = forecastSeries({ item: "NEW", history: [4, 6, 8] }, { method: "auto" });
    expect(f.method).toBe("ma");
    expect(f.reason).toMatch(/too short to compare/);
    expect(quantities(f)).toEqual([6]);
  });

  it("history shorter than any window: the mean of what there is", () => {
    const f = forecastSeries({ item: "NEW", history: [4, 8] }, { method: "auto", horizon: 2 });
    expect(f.reason).toMatch(/history too short for any method \(2 periods\)/);
    expect(quantities(f)).toEqual([6, 6]);
  });

  it("zero history: a forecast of 0, saying why", () => {
    const f = forecastSeries({ item: "LAUNCH", history: [] }, { method: "auto", horizon: 3 });
    expect(quantities(f)).toEqual([0, 0, 0]);
    expect(f.reason).toBe("no history: nothing sold yet is forecast as 0");
  });

  it("a held-back month with 0 sold is left out of the MAPE and counted", () => {
    const f = forecastSeries({ item: "SPARE", history: [10, 10, 10, 10, 0, 10] }, { method: "auto", holdout: 2 });
    expect(f.scores!.every((s) => s.zeroActuals === 1)).toBe(true);
    expect(f.reason).toMatch(/1 held-back period with 0 sold left out of the MAPE/);
  });

  it("every held-back month 0: no MAPE, the lowest mean absolute error decides", () => {
    const f = forecastSeries({ item: "DEAD", history: [9, 3, 0, 0, 0, 0] }, { method: "auto", holdout: 2 });
    expect(f.scores!.every((s) => s.mape === null)).toBe(true);
    expect(f.reason).toMatch(/every held-back period sold 0, so no MAPE; lowest mean absolute error/);
    expect(f.method).toBe("wma"); // weights the newest zeros most
  });
});

describe("MAPE", () => {
  it.each([
    ["exact", [10, 20], [10, 20], { mape: 0, mae: 0, zeroActuals: 0 }],
    ["10 % and 50 % off", [10, 20], [11, 10], { mape: 30, mae: 5.5, zeroActuals: 0 }],
    ["a zero actual is left out of the percentage but not of the MAE", [0, 20], [5, 10], { mape: 50, mae: 7.5, zeroActuals: 1 }],
    ["only zero actuals", [0, 0], [1, 3], { mape: null, mae: 2, zeroActuals: 2 }],
  ] as const)("%s", (_w, actual, fc, expected) => {
    expect(errorsOf([...actual], [...fc])).toEqual(expected);
  });
});

describe("forecast files", () => {
  it("lines carry dates from the start, month by month, ready to be MRP demand", () => {
    const answer = forecast({ items: [{ item: "FAN", history: [10, 20, 30] }], method: "ma", horizon: 3, start: "2026-01-31", bucket: "month" });
    expect(answer.forecasts[0].lines).toEqual([
      { item: "FAN", period: 1, quantity: 20, date: "2026-01-31", source: "forecast ma" },
      { item: "FAN", period: 2, quantity: 20, date: "2026-02-28", source: "forecast ma" },
      { item: "FAN", period: 3, quantity: 20, date: "2026-03-31", source: "forecast ma" },
    ]);
  });

  it("the lines are MRP demand as they are: POST /api/planning/mrp takes them as its forecasts", () => {
    const lines = forecast({ items: [{ item: "FAN", history: [10, 20, 30] }], method: "ma", horizon: 2, start: "2026-01-05", bucket: "week" }).forecasts[0].lines;
    const req = checkMrpRequest({ periods: 4, bucket: "week", from: "2026-01-05", forecasts: lines }, "2026-01-05");
    expect(req.forecasts).toEqual([
      { item: "FAN", date: "2026-01-05", quantity: 20, source: "forecast ma" },
      { item: "FAN", date: "2026-01-12", quantity: 20, source: "forecast ma" },
    ]);
  });

  it("the command line's method wins over the file's", () => {
    expect(forecast({ items: [{ item: "A", history: [1, 2, 3] }], method: "wma" }, "ma").forecasts[0].method).toBe("ma");
  });

  it.each([
    [{ items: [{ item: "A", history: [1, -2] }] }, "items[0].history[1]: must be a number from 0 (is -2)"],
    [{ items: [{ item: "A", history: [1] }], method: "best" }, "method: must be one of auto, ratio, ma, wma"],
    [{ items: [{ item: "A", history: [1, 2, 3] }], weights: [1, 2] }, "weights: must give one weight per period of the window (3, is 2)"],
    [{ items: [{ item: "A", history: [1, 2] }], method: "ratio" }, "A: ratio to last year needs a year of history (12 periods, has 2)"],
  ])("refuses %j naming the field", (input, message) => {
    expect(() => forecast(input)).toThrow(PlanningInputError);
    expect(() => forecast(input)).toThrow(message);
  });
});
