import type { MasterIndex } from "../master/master-index";
import type { Customer, Item } from "../master/types";
import type { CanonicalOrder, OrderLine } from "./canonical-order";
import { dayOf } from "./dates";
import { allLines, customerOf, decide, lineName, type Finding, type PriceDecision, type PriceLine } from "./decision";
import { listPrice, whyNoListPrice, type ListPrice } from "./list-price";
import { formatPercent, formatPrice, roundPercent } from "./money";
import { giftLines } from "./promotions";

/**
 * price-check: is each line priced as the lists say? Per line the expected unit price (list-price.ts), the order's
 * actual one and the deviation. Within `priceTolerancePercent` is ok; a discount the item's `maxDiscountPercent`
 * allows is ok; more, a price above the list, a price below finance's floor (`basePrice`), or a line no list prices
 * needs approval — routed to someone who may say yes, never silently blocked. A zero-priced line a promotion covers is
 * a gift, not a deviation. Only lists in the order's currency apply. Finance's floor is an amount in the customer's
 * currency: on an order in another currency (which order-audit routes to approval) it is not compared, and the
 * decision says so, since the master data has no exchange rates.
 */

/** A line's unit price as stated, else its amount over its quantity; null when the order gives neither. */
function actualPrice(line: OrderLine): number | null {
  if (line.unitPrice !== undefined) return line.unitPrice;
  return line.lineAmount !== undefined && line.quantity > 0 ? line.lineAmount / line.quantity : null;
}

const EPSILON = 1e-9;

interface Priced {
  line: OrderLine;
  item?: Item;
  list?: ListPrice;
  actual: number | null;
  deviation: number | null;
}

function source(list: ListPrice): string {
  return `list ${list.priceList.id}${list.minQuantity > 1 ? `, from ${list.minQuantity}` : ""}`;
}

/** One sentence for a priced line that needs approval, or undefined when it is ok. */
function lineProblem(p: Priced, currency: string, tolerance: number, floors: boolean): string | undefined {
  const { item, list, actual, deviation } = p;
  const price = (n: number) => formatPrice(n, currency);
  const effective = actual ?? list!.unitPrice;
  const subject = actual === null ? `no unit price stated, and the list price ${price(effective)} (${source(list!)})` : `unit price ${price(effective)}`;
  let comparison = "";
  const problems: string[] = [];
  if (deviation !== null && Math.abs(deviation) > tolerance) {
    comparison = ` is ${formatPercent(Math.abs(deviation))} ${deviation < 0 ? "below" : "above"} the list price ${price(list!.unitPrice)} (${source(list!)})`;
    if (deviation > 0) problems.push(`beyond the ${formatPercent(tolerance)} tolerance`);
    else if (item?.maxDiscountPercent === undefined) problems.push(`beyond the ${formatPercent(tolerance)} tolerance, and ${p.line.sku} has no discount allowance`);
    else if (-deviation > item.maxDiscountPercent) problems.push(`more than the ${formatPercent(item.maxDiscountPercent)} discount allowed`);
  }
  if (floors && item?.basePrice !== undefined && effective < item.basePrice - EPSILON) {
    problems.push(`${problems.length ? "and " : ""}below finance's floor of ${price(item.basePrice)}`);
  }
  if (problems.length === 0) return undefined;
  return `${lineName(p.line)}: ${subject}${comparison ? `${comparison}, ` : " is "}${problems.join(", ")}`;
}

function checkLine(line: OrderLine, order: CanonicalOrder, master: MasterIndex, customer: Customer | undefined): { priced: Priced; finding?: Finding } {
  const query = { sku: line.sku, quantity: line.quantity, currency: order.currency, day: dayOf(order.issueDate), customer };
  const item = master.items.get(line.sku);
  const list = listPrice(query, master);
  const actual = actualPrice(line);
  const deviation = list && actual !== null && list.unitPrice > 0 ? roundPercent(((actual - list.unitPrice) / list.unitPrice) * 100) : null;
  const priced: Priced = { line, item, list, actual, deviation };
  if (!list) {
    const stated = actual === null ? "the order states no price either" : `the order's ${formatPrice(actual, order.currency)} needs approval`;
    return { priced, finding: { outcome: "approval", reason: `${lineName(line)}: no list price applies — ${whyNoListPrice(query, master)}; ${stated}` } };
  }
  const floors = !customer || customer.currency === order.currency;
  const problem = lineProblem(priced, order.currency, master.settings.priceTolerancePercent, floors);
  if (problem) return { priced, finding: { outcome: "approval", reason: problem } };
  if (deviation !== null && deviation < -master.settings.priceTolerancePercent) {
    const note = `${lineName(line)}: ${formatPercent(-deviation)} off the list price ${formatPrice(list.unitPrice, order.currency)}, within the ${formatPercent(item!.maxDiscountPercent!)} discount allowed`;
    return { priced, finding: { outcome: "ok", reason: note } };
  }
  return { priced };
}

function priceLine(p: Priced, giftOf?: string): PriceLine {
  return {
    lineNumber: p.line.lineNumber,
    sku: p.line.sku,
    expected: p.list?.unitPrice ?? null,
    actual: p.actual,
    deviationPercent: p.deviation,
    ...(p.list ? { priceList: p.list.priceList.id } : {}),
    ...(giftOf ? { giftOf } : {}),
  };
}

export function priceCheck(order: CanonicalOrder, master: MasterIndex, _at: string): PriceDecision {
  const customer = customerOf(order, master);
  const gifts = new Map(giftLines(order, master).filter((g) => g.covered).map((g) => [g.line, g.promotion!.id]));
  const findings: Finding[] = [];
  const lines = order.lines.map((line) => {
    const giftOf = gifts.get(line);
    if (giftOf) {
      const list = listPrice({ sku: line.sku, quantity: line.quantity, currency: order.currency, day: dayOf(order.issueDate), customer }, master);
      return priceLine({ line, list, actual: 0, deviation: null }, giftOf);
    }
    const { priced, finding } = checkLine(line, order, master, customer);
    if (finding) findings.push(finding);
    return priceLine(priced);
  });
  const floored = order.lines.some((l) => master.items.get(l.sku)?.basePrice !== undefined);
  if (customer && customer.currency !== order.currency && floored) {
    findings.push({ outcome: "ok", reason: `finance's floors are in ${customer.currency}, the order in ${order.currency}: not compared, for want of an exchange rate` });
  }
  if (!findings.some((f) => f.outcome !== "ok")) {
    const tolerance = formatPercent(master.settings.priceTolerancePercent);
    findings.unshift({ outcome: "ok", reason: `${allLines(lines.length)} priced within ${tolerance} of the list or within the discount allowed` });
  }
  return { rule: "price", ...decide("price-check", findings), lines };
}
