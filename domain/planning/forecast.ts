import { PlanningInputError } from "./errors";
import { array, isoDate, number, object, oneOf, optional, text } from "./input-checks";
import { tidy } from "./quantity";

/**
 * Demand forecasts from an item's sales history, one quantity per period, oldest first:
 * - `ratio`: the same period last year × (1 + growth). Growth is given, else the last year's total over the year
 *   before's (0 with less than two years of history).
 * - `ma`: the mean of the last `window` periods, for every period ahead.
 * - `wma`: the weighted mean of the last `window` periods (weights oldest → newest, default 1, 2 … window).
 * - `auto`: each method that can run forecasts the last `holdout` periods of the history from the periods before
 *   them; the one with the lowest MAPE (mean absolute percentage error) wins, and the answer says which and why.
 * Forecast lines carry a date when the input names the first period's date, so that they feed MRP demand
 * (`POST /api/planning/mrp` `forecasts`).
 */

export type ForecastMethod = "ratio" | "ma" | "wma";
export type ForecastMethodChoice = ForecastMethod | "auto";
export type ForecastBucket = "day" | "week" | "month";

export interface ForecastSeries {
  item: string;
  /** Quantities per period, oldest first. */
  history: number[];
}

export interface ForecastOptions {
  method?: ForecastMethodChoice;
  /** Periods to forecast (default 1). */
  horizon?: number;
  /** Periods in a year: what `ratio` looks back (default 12). */
  periodsPerYear?: number;
  /** Growth for `ratio` (0.05: 5 % more than last year); default from the history. */
  growth?: number;
  /** Periods the moving averages take (default 3). */
  window?: number;
  /** Weights of `wma`, oldest to newest, one per period of the window (default 1 … window). */
  weights?: number[];
  /** Periods `auto` holds back to compare the methods on (default: a quarter of the history, 1 … periodsPerYear). */
  holdout?: number;
  /** The first forecast period's date (YYYY-MM-DD): lines then carry their dates. */
  start?: string;
  bucket?: ForecastBucket;
}

export interface MethodScore {
  method: ForecastMethod;
  /** Percent, over the held-back periods whose actual is not 0; null when all of them are 0. */
  mape: number | null;
  /** Mean absolute error over every held-back period. */
  mae: number;
  /** Held-back periods left out of the MAPE because their actual was 0. */
  zeroActuals: number;
}

export interface ItemForecast {
  item: string;
  method: ForecastMethod;
  /** Why this method (and, for `auto`, how the others did). */
  reason: string;
  /** For `auto`: every method compared, best first; the methods that could not run are named in `notes`. */
  scores?: MethodScore[];
  notes: string[];
  lines: { item: string; period: number; quantity: number; date?: string; source: string }[];
}

export interface ForecastAnswer {
  method: ForecastMethodChoice;
  horizon: number;
  forecasts: ItemForecast[];
}

const METHODS: readonly ForecastMethod[] = ["ratio", "ma", "wma"];
const NAMES: Record<ForecastMethod, string> = { ratio: "ratio to last year", ma: "moving average", wma: "weighted moving average" };

const round = (x: number) => tidy(Math.round(x * 100) / 100);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

interface Settings {
  horizon: number;
  periodsPerYear: number;
  growth?: number;
  window: number;
  weights: number[];
}

/** Why `method` cannot forecast from `history`, or undefined when it can. */
function cannot(method: ForecastMethod, history: readonly number[], s: Settings): string | undefined {
  if (method === "ratio" && history.length < s.periodsPerYear) return `${NAMES.ratio} needs a year of history (${s.periodsPerYear} periods, has ${history.length})`;
  if (method !== "ratio" && history.length < s.window) return `${NAMES[method]} needs ${s.window} periods of history (has ${history.length})`;
  return undefined;
}

/** The growth `ratio` applies: given, else last year's total over the year before's. */
function growthOf(history: readonly number[], s: Settings): number {
  if (s.growth !== undefined) return s.growth;
  const p = s.periodsPerYear;
  if (history.length < 2 * p) return 0;
  const last = sum(history.slice(-p));
  const before = sum(history.slice(-2 * p, -p));
  return before > 0 ? last / before - 1 : 0;
}

/** `horizon` periods after `history`, by `method` (which must be able to run: see `cannot`). */
function project(method: ForecastMethod, history: readonly number[], horizon: number, s: Settings): number[] {
  if (method === "ratio") {
    const g = growthOf(history, s);
    const out: number[] = [];
    for (let h = 0; h < horizon; h++) {
      const back = history.length + h - s.periodsPerYear;
      const base = back < history.length ? history[back] : out[back - history.length];
      out.push(Math.max(0, base * (1 + g)));
    }
    return out;
  }
  const last = history.slice(-s.window);
  const weights = method === "ma" ? last.map(() => 1) : s.weights;
  const value = sum(last.map((q, i) => q * weights[i])) / sum(weights);
  return Array.from({ length: horizon }, () => value);
}

/** MAPE and MAE of `forecast` against `actual`; actuals of 0 are left out of the MAPE (no percentage of nothing). */
export function errorsOf(actual: readonly number[], forecast: readonly number[]): { mape: number | null; mae: number; zeroActuals: number } {
  let pct = 0;
  let counted = 0;
  let abs = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i] - forecast[i]);
    abs += e;
    if (actual[i] !== 0) {
      pct += e / Math.abs(actual[i]);
      counted++;
    }
  }
  return { mape: counted ? round((100 * pct) / counted) : null, mae: round(actual.length ? abs / actual.length : 0), zeroActuals: actual.length - counted };
}

const better = (a: MethodScore, b: MethodScore) => {
  if (a.mape !== null && b.mape !== null && a.mape !== b.mape) return a.mape - b.mape;
  if (a.mape !== null && b.mape === null) return -1;
  if (a.mape === null && b.mape !== null) return 1;
  return a.mae - b.mae || METHODS.indexOf(a.method) - METHODS.indexOf(b.method);
};

function holdoutOf(history: readonly number[], s: Settings, asked?: number): number {
  if (asked !== undefined) return asked;
  return Math.max(1, Math.min(s.periodsPerYear, Math.floor(history.length / 4)));
}

function choose(history: readonly number[], s: Settings, asked?: number): { method: ForecastMethod; reason: string; scores?: MethodScore[]; notes: string[] } {
  const notes: string[] = [];
  const runnable = METHODS.filter((m) => {
    const why = cannot(m, history, s);
    if (why) notes.push(why);
    return !why;
  });
  if (runnable.length === 0) {
    return { method: "ma", reason: `history too short for any method (${history.length} periods): the mean of what there is`, notes };
  }
  const holdout = holdoutOf(history, s, asked);
  const train = history.slice(0, history.length - holdout);
  const actual = history.slice(history.length - holdout);
  const scores: MethodScore[] = [];
  for (const method of runnable) {
    const why = holdout >= history.length ? `no history left before the ${holdout} held-back periods` : cannot(method, train, s);
    if (why) {
      notes.push(`${NAMES[method]} not compared: ${why}`);
      continue;
    }
    scores.push({ method, ...errorsOf(actual, project(method, train, holdout, s)) });
  }
  if (scores.length === 0) {
    const method = runnable[runnable.length - 1] === "wma" && runnable.includes("ma") ? "ma" : runnable[0];
    return { method, reason: `history too short to compare methods on ${holdout} held-back periods: ${NAMES[method]}, the simplest that runs`, notes };
  }
  scores.sort(better);
  const best = scores[0];
  const zero = best.zeroActuals ? `; ${best.zeroActuals} held-back period${best.zeroActuals === 1 ? "" : "s"} with 0 sold left out of the MAPE` : "";
  const others = scores.slice(1).map((x) => `${NAMES[x.method]} ${x.mape === null ? `MAE ${x.mae}` : `${x.mape} %`}`);
  const reason =
    best.mape === null
      ? `${NAMES[best.method]}: every held-back period sold 0, so no MAPE; lowest mean absolute error ${best.mae} over the last ${holdout} periods${others.length ? ` (${others.join(", ")})` : ""}`
      : `${NAMES[best.method]}: lowest MAPE ${best.mape} % over the last ${holdout} periods of history${others.length ? ` (${others.join(", ")})` : ""}${zero}`;
  return { method: best.method, reason, scores, notes };
}

const DAY_MS = 86_400_000;
function dateOf(start: string, bucket: ForecastBucket, i: number): string {
  const t = Date.parse(`${start.slice(0, 10)}T00:00:00Z`);
  if (bucket === "day") return new Date(t + i * DAY_MS).toISOString().slice(0, 10);
  if (bucket === "week") return new Date(t + 7 * i * DAY_MS).toISOString().slice(0, 10);
  const d = new Date(t);
  const month = d.getUTCMonth() + i;
  const first = new Date(Date.UTC(d.getUTCFullYear() + Math.floor(month / 12), ((month % 12) + 12) % 12, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d.getUTCDate(), last));
  return first.toISOString().slice(0, 10);
}

function settingsOf(o: ForecastOptions): Settings {
  const window = o.window ?? 3;
  const weights = o.weights ?? Array.from({ length: window }, (_, i) => i + 1);
  if (weights.length !== window) throw new PlanningInputError(`weights: must give one weight per period of the window (${window}, is ${weights.length})`);
  if (!(sum(weights) > 0)) throw new PlanningInputError(`weights: must add up to more than 0 (is ${JSON.stringify(weights)})`);
  return { horizon: o.horizon ?? 1, periodsPerYear: o.periodsPerYear ?? 12, growth: o.growth, window, weights };
}

/** The forecast of one item's history. */
export function forecastSeries(series: ForecastSeries, options: ForecastOptions = {}): ItemForecast {
  const s = settingsOf(options);
  const asked = options.method ?? "auto";
  const history = series.history;
  let method: ForecastMethod;
  let reason: string;
  let scores: MethodScore[] | undefined;
  const notes: string[] = [];
  if (history.length === 0) {
    method = asked === "auto" ? "ma" : asked;
    reason = "no history: nothing sold yet is forecast as 0";
  } else if (asked === "auto") {
    const chosen = choose(history, s, options.holdout);
    ({ method, reason, scores } = chosen);
    notes.push(...chosen.notes);
  } else {
    method = asked;
    const why = cannot(method, history, s);
    if (why) throw new PlanningInputError(`${series.item}: ${why}; use --method auto, or another method`);
    reason = `${NAMES[method]}, as asked`;
  }
  let values: number[];
  if (history.length === 0) values = Array.from({ length: s.horizon }, () => 0);
  else if (cannot(method, history, s)) {
    const mean = sum(history) / history.length;
    values = Array.from({ length: s.horizon }, () => mean);
  } else values = project(method, history, s.horizon, s);
  if (method === "ratio" && history.length) notes.push(`growth ${round(growthOf(history, s) * 100)} %${options.growth === undefined ? (history.length < 2 * s.periodsPerYear ? " (less than two years of history)" : " (last year over the year before)") : " (given)"}`);
  const source = `forecast ${method}`;
  return {
    item: series.item,
    method,
    reason,
    ...(scores ? { scores } : {}),
    notes,
    lines: values.map((q, i) => ({ item: series.item, period: i + 1, quantity: round(q), ...(options.start ? { date: dateOf(options.start, options.bucket ?? "month", i) } : {}), source })),
  };
}

/** Checks a forecast file: `{ items: [{item, history}], method?, horizon?, periodsPerYear?, growth?, window?, weights?, holdout?, start?, bucket? }`. */
export function checkForecastInput(value: unknown, methodOverride?: string): { series: ForecastSeries[]; options: ForecastOptions } {
  const input = object(value, "input");
  const items = array(input.items, "items");
  const series = items.map((raw, i) => {
    const at = `items[${i}]`;
    const s = object(raw, at);
    return { item: text(s.item, `${at}.item`), history: array(s.history, `${at}.history`).map((q, j) => number(q, `${at}.history[${j}]`, { min: 0 })) };
  });
  const window = optional(input.window, (v) => number(v, "window", { min: 1, whole: true }));
  const options: ForecastOptions = {
    method: oneOf(methodOverride ?? input.method ?? "auto", methodOverride !== undefined ? "--method" : "method", ["auto", ...METHODS] as const),
    horizon: optional(input.horizon, (v) => number(v, "horizon", { min: 1, whole: true, max: 520 })),
    periodsPerYear: optional(input.periodsPerYear, (v) => number(v, "periodsPerYear", { min: 1, whole: true })),
    growth: optional(input.growth, (v) => number(v, "growth", { min: -1 })),
    window,
    weights: optional(input.weights, (v) => array(v, "weights").map((w, j) => number(w, `weights[${j}]`, { min: 0 }))),
    holdout: optional(input.holdout, (v) => number(v, "holdout", { min: 1, whole: true })),
    start: optional(input.start, (v) => isoDate(v, "start").slice(0, 10)),
    bucket: optional(input.bucket, (v) => oneOf(v, "bucket", ["day", "week", "month"] as const)),
  };
  return { series, options };
}

/** Forecasts of every item of a forecast file. */
export function forecast(value: unknown, methodOverride?: string): ForecastAnswer {
  const { series, options } = checkForecastInput(value, methodOverride);
  return { method: options.method ?? "auto", horizon: options.horizon ?? 1, forecasts: series.map((s) => forecastSeries(s, options)) };
}
