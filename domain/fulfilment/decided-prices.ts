import type { CanonicalOrder } from "../order/canonical-order";
import type { Decision, PriceDecision } from "../order/decision";

/**
 * The prices an order is billed at: the unit price or line amount the order states, else the list price the price
 * check applied when it released the order (a customer's consumption report, an IDoc without prices: "no unit price
 * stated, the list price applies"). A line the order prices, or that the price check found no list price for, stays
 * as it is (then invoicing says it has no price).
 */
export function withDecidedPrices(order: CanonicalOrder, decisions: readonly Decision[] | undefined): CanonicalOrder {
  const price = decisions?.find((d): d is PriceDecision => d.rule === "price");
  if (!price) return order;
  const listed = new Map(price.lines.filter((l) => l.expected !== null && l.giftOf === undefined).map((l) => [l.lineNumber, l.expected as number]));
  let changed = false;
  const lines = order.lines.map((line) => {
    if (line.unitPrice !== undefined || line.lineAmount !== undefined || !listed.has(line.lineNumber)) return line;
    changed = true;
    return { ...line, unitPrice: listed.get(line.lineNumber)! };
  });
  return changed ? { ...order, lines } : order;
}
