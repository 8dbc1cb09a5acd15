import type { MasterIndex } from "../master/master-index";
import type { Promotion } from "../master/types";
import type { CanonicalOrder, OrderLine } from "./canonical-order";
import { dayOf, withinDays } from "./dates";

/**
 * Gifts: a zero-priced line is a gift when an active promotion gives its SKU away for what the same order buys
 * (`gift.quantity` per `per.quantity` of `per.sku`). Promotions are active on the order date (the day the customer
 * took the offer). They do not stack: a gift SKU's allowance is that of its most generous active promotion, and the
 * zero-priced lines of that SKU use it up in line order.
 */

export function isActive(promotion: Promotion, day: string): boolean {
  return withinDays(day, promotion.validFrom, promotion.validTo);
}

/** A line at price zero: a stated unit price of 0, or no unit price with a line amount of 0. */
export function isZeroPriced(line: OrderLine): boolean {
  return line.unitPrice === 0 || (line.unitPrice === undefined && line.lineAmount === 0);
}

export interface GiftLine {
  line: OrderLine;
  /** The most generous active promotion giving the line's SKU away, if any. */
  promotion?: Promotion;
  /** What that promotion allows for this order, in all. */
  allowance: number;
  /** Given free on earlier lines of the same SKU. */
  givenBefore: number;
  /** How much of `promotion.gift.per.sku` the order buys at a price. */
  paidQuantity: number;
  covered: boolean;
}

function paidQuantities(order: CanonicalOrder): Map<string, number> {
  const paid = new Map<string, number>();
  for (const line of order.lines) if (!isZeroPriced(line) && line.quantity > 0) paid.set(line.sku, (paid.get(line.sku) ?? 0) + line.quantity);
  return paid;
}

function allowanceOf(promotion: Promotion, paid: Map<string, number>): number {
  const { quantity, per } = promotion.gift!;
  return per.quantity > 0 ? Math.floor((paid.get(per.sku) ?? 0) / per.quantity) * quantity : 0;
}

/** Every zero-priced line of the order, and whether a promotion covers it. */
export function giftLines(order: CanonicalOrder, master: MasterIndex): GiftLine[] {
  const day = dayOf(order.issueDate);
  const paid = paidQuantities(order);
  const given = new Map<string, number>();
  const result: GiftLine[] = [];
  for (const line of order.lines) {
    if (!isZeroPriced(line)) continue;
    let promotion: Promotion | undefined;
    let allowance = 0;
    for (const p of master.giftPromotions.get(line.sku) ?? []) {
      if (!isActive(p, day)) continue;
      const a = allowanceOf(p, paid);
      if (!promotion || a > allowance) [promotion, allowance] = [p, a];
    }
    const givenBefore = given.get(line.sku) ?? 0;
    const covered = promotion !== undefined && line.quantity <= allowance - givenBefore;
    if (covered) given.set(line.sku, givenBefore + line.quantity);
    result.push({ line, promotion, allowance, givenBefore, paidQuantity: promotion ? (paid.get(promotion.gift!.per.sku) ?? 0) : 0, covered });
  }
  return result;
}
