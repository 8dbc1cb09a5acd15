import type { IndexedPriceList, MasterIndex } from "../master/master-index";
import type { Customer, PriceBreak, PriceList } from "../master/types";
import { dayOf, withinDays } from "./dates";

/**
 * The list price of an item for a customer: its own list before its class's list before the general list; of each,
 * the newest list valid on the day, in the order's currency, that prices the SKU at a break the quantity reaches (the
 * highest such `minQuantity`). A level that does not price the SKU at that quantity leaves it to the next.
 */

export type PriceLevel = "customer" | "class" | "general";

export interface ListPrice {
  unitPrice: number;
  priceList: PriceList;
  level: PriceLevel;
  /** The price break applied. */
  minQuantity: number;
}

export interface PriceQuery {
  sku: string;
  quantity: number;
  currency: string;
  /** The order date: the list must be valid on it. */
  day: string;
  customer?: Customer;
}

function levels(master: MasterIndex, customer: Customer | undefined): Array<[PriceLevel, readonly IndexedPriceList[]]> {
  const { byCustomer, byClass, general } = master.priceLists;
  return [
    ["customer", customer ? (byCustomer.get(customer.id) ?? []) : []],
    ["class", customer ? (byClass.get(customer.class) ?? []) : []],
    ["general", general],
  ];
}

/** The break a quantity reaches: the highest minQuantity at or below it (a line of no quantity takes the lowest). */
function breakFor(breaks: readonly PriceBreak[], quantity: number): PriceBreak | undefined {
  if (quantity <= 0) return breaks[0];
  let reached: PriceBreak | undefined;
  for (const b of breaks) if (b.minQuantity <= quantity) reached = b;
  return reached;
}

export function listPrice(query: PriceQuery, master: MasterIndex): ListPrice | undefined {
  for (const [level, lists] of levels(master, query.customer)) {
    for (const { list, breaks } of lists) {
      if (list.currency !== query.currency || !withinDays(query.day, list.validFrom, list.validTo)) continue;
      const reached = breakFor(breaks.get(query.sku) ?? [], query.quantity);
      if (reached) return { unitPrice: reached.unitPrice, priceList: list, level, minQuantity: reached.minQuantity };
    }
  }
  return undefined;
}

const validity = (l: PriceList) => `valid ${dayOf(l.validFrom)}${l.validTo ? ` to ${dayOf(l.validTo)}` : " on"}`;

/** Why no list price applies, in the order desk's words: no list has the SKU, or none in the currency, on the day, at the quantity. */
export function whyNoListPrice(query: PriceQuery, master: MasterIndex): string {
  const pricing = levels(master, query.customer).flatMap(([, lists]) => lists.filter((l) => l.breaks.has(query.sku)));
  if (pricing.length === 0) return `no price list for the customer prices ${query.sku}`;
  const inCurrency = pricing.filter((l) => l.list.currency === query.currency);
  if (inCurrency.length === 0) {
    const others = [...new Set(pricing.map((l) => `${l.list.id} in ${l.list.currency}`))].join(", ");
    return `no price list prices ${query.sku} in ${query.currency} (${others})`;
  }
  const valid = inCurrency.filter((l) => withinDays(query.day, l.list.validFrom, l.list.validTo));
  if (valid.length === 0) {
    const lists = inCurrency.map((l) => `${l.list.id} ${validity(l.list)}`).join(", ");
    return `no price list for ${query.sku} is valid on ${dayOf(query.day)} (${lists})`;
  }
  const lowest = Math.min(...valid.map((l) => l.breaks.get(query.sku)![0].minQuantity));
  return `${query.sku} is priced from a quantity of ${lowest} on`;
}
