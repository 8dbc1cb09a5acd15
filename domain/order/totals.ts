import type { Problem } from "./acceptance";
import type { AllowanceCharge, OrderLine, OrderTotals } from "./canonical-order";

/**
 * An order's totals from its lines, allowances and charges, for a sender that leaves some or all of them out; the
 * totals it does state must agree with what they come to. Pure: plain data in, totals and problems out.
 */

/** ISO 4217 minor units that differ from 2. */
const MINOR_UNITS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, IQD: 3, LYD: 3 };

/** Decimal places of an amount in the currency. */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round((value + Number.EPSILON) * factor) / factor;
}

/** Rounding slack: a cent per entry summed, as documents round entry by entry (the order desk allows the same). */
const CENT = 0.01;
const slack = (entries: number) => CENT * Math.max(1, entries);

/** A line's amount as stated, else quantity × unit price, rounded to the currency; undefined for a line without a price. */
export function lineAmount(line: Pick<OrderLine, "quantity" | "unitPrice" | "lineAmount">, currency: string): number | undefined {
  if (line.lineAmount !== undefined) return line.lineAmount;
  return line.unitPrice === undefined ? undefined : roundTo(line.quantity * line.unitPrice, minorUnits(currency));
}

/** What an order states, as far as its totals go: lists and totals it leaves out are undefined. */
export interface TotalsBasis {
  currency: string;
  /** Each line's amount (`lineAmount`), undefined where the line has no price. */
  lineAmounts: Array<number | undefined>;
  allowances?: AllowanceCharge[];
  charges?: AllowanceCharge[];
  stated?: Partial<OrderTotals>;
}

export interface TotalsDecision {
  totals: OrderTotals;
  /** Each stated total that disagrees with what it is the total of: the field, what was given, what was expected. */
  problems: Problem[];
}

/**
 * The totals of an order: a stated one is kept, checked against what it sums up where the order gives that (every
 * line's amount, the allowances, the charges); one left out is computed. The payable amount must be lines −
 * allowances + charges, with or without the tax (buyers state it either way). The tax has nothing here to be summed
 * from: as stated, else 0.
 */
export function orderTotals({ currency, lineAmounts, allowances, charges, stated = {} }: TotalsBasis): TotalsDecision {
  const digits = minorUnits(currency);
  const money = (n: number) => `${n.toFixed(digits)} ${currency}`;
  const problems: Problem[] = [];
  const sum = (amounts: number[]) => roundTo(amounts.reduce((a, b) => a + b, 0), digits);
  /** A stated total, or what `amounts` come to; a stated one is checked when all its amounts are known. */
  const total = (field: keyof OrderTotals, amounts: Array<number | undefined> | undefined, what: string): number => {
    const known = (amounts ?? []).filter((a): a is number => a !== undefined);
    const computed = sum(known);
    const given = stated[field];
    if (given === undefined) return computed;
    if (amounts && known.length === amounts.length && Math.abs(given - computed) > slack(amounts.length)) {
      problems.push({ path: `totals.${field}`, message: `totals.${field}: given ${money(given)}, expected ${money(computed)} (${what})` });
    }
    return given;
  };
  const lineTotal = total("lineTotal", lineAmounts, "the sum of the lines' amounts");
  const allowanceTotal = total("allowanceTotal", allowances?.map((a) => a.amount), "the sum of the allowances");
  const chargeTotal = total("chargeTotal", charges?.map((c) => c.amount), "the sum of the charges");
  const taxTotal = stated.taxTotal ?? 0;
  const net = roundTo(lineTotal - allowanceTotal + chargeTotal, digits);
  const gross = roundTo(net + taxTotal, digits);
  const payable = stated.payable ?? gross;
  const within = slack(lineAmounts.length);
  if (Math.abs(payable - gross) > within && Math.abs(payable - net) > within) {
    const parts = `lines ${lineTotal.toFixed(digits)} − allowances ${allowanceTotal.toFixed(digits)} + charges ${chargeTotal.toFixed(digits)} + tax ${taxTotal.toFixed(digits)}`;
    problems.push({ path: "totals.payable", message: `totals.payable: given ${money(payable)}, expected ${money(gross)} (${parts})` });
  }
  return { totals: { lineTotal, allowanceTotal, chargeTotal, taxTotal, payable }, problems };
}
