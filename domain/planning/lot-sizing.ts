import { PlanningInputError } from "./errors";
import { add, roundUp, sub } from "./quantity";

/** How a net requirement becomes planned orders. */
export type LotSizing =
  | { rule: "lot-for-lot" }
  | { rule: "fixed"; quantity: number }
  | { rule: "period"; periods: number }
  | { rule: "min-max-multiple"; min?: number; max?: number; multiple?: number };

/**
 * The planned receipts (good quantities) that cover `net`, the net requirement of one period.
 * `nets` are the net requirements of this and the following periods as lot-for-lot would have them (the period rule
 * sums the first P of them; the other rules read only `nets[0]`, which is `net`).
 */
export function lotSizes(sizing: LotSizing, net: number, nets: readonly number[], decimals = 0): number[] {
  if (!(net > 0)) return [];
  switch (sizing.rule) {
    case "lot-for-lot":
    case "fixed":
      return [singleLot(sizing, net, decimals)];
    case "period":
      return [roundUp(add(...nets.slice(0, sizing.periods)), decimals)];
    case "min-max-multiple":
      return minMaxMultiple(sizing, roundUp(net, decimals));
  }
}

/** The one planned receipt lot-for-lot or fixed sizing gives for a positive `net` (MRP's common case, with no list made). */
export function singleLot(sizing: { rule: "lot-for-lot" } | { rule: "fixed"; quantity: number }, net: number, decimals = 0): number {
  return sizing.rule === "fixed" ? roundUp(Math.ceil(roundUp(net / sizing.quantity, 9)) * sizing.quantity, decimals) : roundUp(net, decimals);
}

/** Up to `multiple`: 43 with multiple 10 is 50. */
const upTo = (q: number, multiple?: number) => (multiple ? roundUp(Math.ceil(roundUp(q / multiple, 9)) * multiple, 9) : q);

/** max(net, min) rounded up to the multiple, capped at max, with further orders while one is not enough. */
function minMaxMultiple(sizing: { min?: number; max?: number; multiple?: number }, net: number): number[] {
  const { min = 0, max, multiple } = sizing;
  const cap = max === undefined ? Infinity : multiple ? Math.floor(roundUp(max / multiple, 9)) * multiple : max;
  const orders: number[] = [];
  let left = net;
  while (left > 0) {
    const q = Math.min(upTo(Math.max(left, min), multiple), cap);
    orders.push(q);
    left = sub(left, q);
  }
  return orders;
}

/** What is wrong with a lot-sizing rule, or undefined: a rule that could never cover a requirement is refused up front. */
export function lotSizingProblem(sizing: LotSizing): string | undefined {
  const positive = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n > 0;
  switch (sizing.rule) {
    case "lot-for-lot":
      return undefined;
    case "fixed":
      return positive(sizing.quantity) ? undefined : `fixed lot size needs a positive quantity (is ${JSON.stringify(sizing.quantity)})`;
    case "period":
      return Number.isInteger(sizing.periods) && sizing.periods >= 1 ? undefined : `period lot size needs periods, a whole number from 1 (is ${JSON.stringify(sizing.periods)})`;
    case "min-max-multiple": {
      const { min, max, multiple } = sizing;
      for (const [name, v] of [["min", min], ["max", max], ["multiple", multiple]] as const) {
        if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) return `min-max-multiple: ${name} must be a number from 0 (is ${JSON.stringify(v)})`;
      }
      if (multiple === 0) return "min-max-multiple: multiple must be above 0";
      if (max !== undefined && !(max > 0)) return "min-max-multiple: max must be above 0";
      if (max !== undefined && min !== undefined && min > max) return `min-max-multiple: min ${min} is above max ${max}`;
      if (max !== undefined && multiple && max < multiple) return `min-max-multiple: max ${max} is below one multiple of ${multiple}, so no order could be placed`;
      return undefined;
    }
    default:
      return `lot-sizing rule ${JSON.stringify((sizing as { rule: unknown }).rule)} is none of lot-for-lot, fixed, period, min-max-multiple`;
  }
}

/** Guards the rule: throws a PlanningInputError naming the item. */
export function checkLotSizing(item: string, sizing: LotSizing): void {
  const problem = lotSizingProblem(sizing);
  if (problem) throw new PlanningInputError(`item ${item}: ${problem}`);
}
