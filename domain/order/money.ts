import { minorUnits } from "./totals";

/**
 * Amounts for the decisions: summed in integer minor units (cents) so that a sum of many open items does not drift,
 * rounded half away from zero as commercial rounding does, and printed the way a credit controller reads them
 * ("115,000.00 CNY").
 */

/** An amount in minor units of its currency (cents for EUR, yen for JPY). */
export function toMinor(amount: number, currency: string): number {
  const scaled = Number((Math.abs(amount) * 10 ** minorUnits(currency)).toPrecision(15));
  return Math.sign(amount) * Math.round(scaled) || 0;
}

export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** minorUnits(currency);
}

const grouped = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** "115,000.00": minor units printed with thousands separators, without the currency. */
export function formatAmount(minor: number, currency: string): string {
  const digits = minorUnits(currency);
  const factor = 10 ** digits;
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / factor);
  const fraction = digits ? `.${String(abs - whole * factor).padStart(digits, "0")}` : "";
  return `${minor < 0 ? "-" : ""}${grouped(String(whole))}${fraction}`;
}

/** "115,000.00 CNY". */
export function formatMoney(minor: number, currency: string): string {
  return `${formatAmount(minor, currency)} ${currency}`;
}

/** A unit price: at least the currency's decimals, more where the price has them (up to 6), with its currency. */
export function formatPrice(price: number, currency: string): string {
  const fixed = Math.abs(price).toFixed(6).replace(/0+$/, "");
  const [whole, fraction = ""] = fixed.split(".");
  const shown = fraction.padEnd(minorUnits(currency), "0");
  return `${price < 0 ? "-" : ""}${grouped(whole)}${shown ? `.${shown}` : ""} ${currency}`;
}

/** A percentage to two decimals, for deviations and discounts. */
export function roundPercent(percent: number): number {
  return Math.round(Number(percent.toPrecision(12)) * 100) / 100 || 0;
}

/** "2.5%", "12%": a percentage as people write it. */
export function formatPercent(percent: number): string {
  return `${roundPercent(percent)}%`;
}
