import { PlanningInputError } from "./errors";

/**
 * Checks for planning input that arrives as JSON (a file, a REST body, a message): each throws a PlanningInputError
 * naming the field by its path (`items[2].leadTime`) and saying what it should be.
 */

type Obj = Record<string, unknown>;

const show = (v: unknown) => (v === undefined ? "missing" : JSON.stringify(v));
const fail = (path: string, what: string, v: unknown): never => {
  throw new PlanningInputError(`${path}: ${what} (is ${show(v)})`);
};

export function object(v: unknown, path: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "must be an object", v);
  return v as Obj;
}

export function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, "must be an array", v);
  return v as unknown[];
}

export function text(v: unknown, path: string): string {
  if (typeof v !== "string" || v.trim() === "") fail(path, "must be a non-empty string", v);
  return v as string;
}

/** A finite number from `min`, above `min` when `above`, whole when `whole`. */
export function number(v: unknown, path: string, rule: { min?: number; above?: boolean; whole?: boolean; max?: number } = {}): number {
  const ok =
    typeof v === "number" &&
    Number.isFinite(v) &&
    (!rule.whole || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.above ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || v <= rule.max);
  if (ok) return v;
  const kind = `${rule.whole ? "a whole number" : "a number"}${rule.min === undefined ? "" : rule.above ? ` above ${rule.min}` : ` from ${rule.min}`}${rule.max === undefined ? "" : ` up to ${rule.max}`}`;
  return fail(path, `must be ${kind}`, v);
}

export function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : check(v);
}

export function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (!values.includes(v as T)) fail(path, `must be one of ${values.join(", ")}`, v);
  return v as T;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;
export function isoDate(v: unknown, path: string): string {
  if (typeof v !== "string" || !ISO_DAY.test(v) || Number.isNaN(Date.parse(v.slice(0, 10)))) fail(path, "must be a date, YYYY-MM-DD", v);
  return v as string;
}

/**
 * The common line, plainly valid with nothing to name: an object with parent, child, a positive quantity, perhaps a
 * loss rate from 0, and no dates or substitutes. Anything else goes through the checks that name the field.
 */
function plainLine(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  const { parent, child, quantity, lossRate, validFrom, validTo, substitutes } = raw as Obj;
  return (
    typeof parent === "string" &&
    parent.trim() !== "" &&
    typeof child === "string" &&
    child.trim() !== "" &&
    typeof quantity === "number" &&
    Number.isFinite(quantity) &&
    quantity > 0 &&
    (lossRate === undefined || (typeof lossRate === "number" && Number.isFinite(lossRate) && lossRate >= 0)) &&
    validFrom === undefined &&
    validTo === undefined &&
    substitutes === undefined
  );
}

/** BOM lines as `bom[i]`: parent, child, a positive quantity, and the optional loss rate, dates and substitutes. */
export function checkBomLines(v: unknown, path = "bom"): void {
  array(v, path).forEach((raw, i) => {
    if (plainLine(raw)) return;
    const at = `${path}[${i}]`;
    const line = object(raw, at);
    text(line.parent, `${at}.parent`);
    const child = text(line.child, `${at}.child`);
    number(line.quantity, `${at}.quantity`, { min: 0, above: true });
    optional(line.lossRate, (x) => number(x, `${at}.lossRate`, { min: 0 }));
    optional(line.validFrom, (x) => isoDate(x, `${at}.validFrom`));
    optional(line.validTo, (x) => isoDate(x, `${at}.validTo`));
    if (typeof line.validFrom === "string" && typeof line.validTo === "string" && line.validTo.slice(0, 10) <= line.validFrom.slice(0, 10)) {
      throw new PlanningInputError(`${at}: validTo ${line.validTo} is not after validFrom ${line.validFrom}, so the line is never valid`);
    }
    optional(line.substitutes, (subs) =>
      array(subs, `${at}.substitutes`).forEach((s, j) => {
        const sat = `${at}.substitutes[${j}]`;
        const sub = object(s, sat);
        if (text(sub.sku, `${sat}.sku`) === child) throw new PlanningInputError(`${sat}.sku: ${child} cannot stand in for itself`);
        number(sub.ratio, `${sat}.ratio`, { min: 0, above: true });
        number(sub.priority, `${sat}.priority`);
      }),
    );
  });
}
