/**
 * Planning quantities without binary drift. Every sum and product is tidied to 9 decimals (0.1 + 0.2 is 0.3 here, and
 * 100 × 1.1 is 110, not 110.00000000000001), and an order or requirement is rounded up to the item's decimals: whole
 * units unless the item declares `decimals`.
 */

const TIDY = 1e9;

/** Removes the drift of binary floating point: 0.30000000000000004 → 0.3. */
export const tidy = (x: number): number => Math.round(x * TIDY) / TIDY || 0; // || 0: never -0

export const add = (...xs: number[]): number => tidy(xs.reduce((a, b) => a + b, 0));
export const sub = (a: number, b: number): number => tidy(a - b);
export const mul = (...xs: number[]): number => tidy(xs.reduce((a, b) => a * b, 1));

/** Rounded up to `decimals` places (0: whole units), after tidying, so 3.0000000000000004 stays 3. */
export function roundUp(x: number, decimals = 0): number {
  return roundUpBy(x, 10 ** decimals);
}

/** `roundUp` with the scale `10 ** decimals` worked out once by the caller (MRP's inner loop). */
export const roundUpBy = (x: number, scale: number): number => tidy(Math.ceil(tidy(x * scale)) / scale);

/** Rounded down to `decimals` places, after tidying: how many whole kits a stock makes. */
export function roundDown(x: number, decimals = 0): number {
  const f = 10 ** decimals;
  return tidy(Math.floor(tidy(x * f)) / f);
}
