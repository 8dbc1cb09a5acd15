import type { Customer, Item, Settings, TaxCategory } from "../master/types";

/**
 * Tax on invoices: each line's VAT category (UN/ECE 5305) and rate. A customer taxed unlike the items (abroad, exempt)
 * has its own category, which every line invoiced to it takes; otherwise each item's, and an item without one is
 * standard-rated (S). The rates are the defaults below unless the master data's settings give others by id.
 */

export type { TaxCategory };

/** German VAT, the demo manufacturer's: standard 19 %, reduced 7 % (food, books), and the zero-rated categories. */
export const DEFAULT_TAX_CATEGORIES: readonly TaxCategory[] = Object.freeze([
  { id: "S", percent: 19, name: "standard rate" },
  { id: "AA", percent: 7, name: "reduced rate" },
  { id: "Z", percent: 0, name: "zero rated" },
  { id: "E", percent: 0, name: "exempt", exemptionReason: "Exempt from tax" },
  { id: "AE", percent: 0, name: "reverse charge", exemptionReason: "Reverse charge: the customer accounts for the VAT" },
  { id: "K", percent: 0, name: "intra-community supply", exemptionReason: "Intra-community supply of goods" },
  { id: "G", percent: 0, name: "export", exemptionReason: "Export outside the EU" },
]);

export const STANDARD_CATEGORY = "S";

export class TaxError extends Error {
  override name = "TaxError";
}

/** The categories in force: the defaults, each replaced by the settings' category of the same id, and the settings' others. */
export function taxCategories(settings?: Pick<Settings, "taxCategories">): Map<string, TaxCategory> {
  const all = new Map(DEFAULT_TAX_CATEGORIES.map((c) => [c.id, c]));
  for (const c of settings?.taxCategories ?? []) all.set(c.id, c);
  return all;
}

/** The category a line of `sku` takes for the customer, with its rate; a category with no rate is an error naming it and who has it. */
export function lineTaxCategory(sku: string, item: Item | undefined, customer: Customer | undefined, categories: ReadonlyMap<string, TaxCategory>): TaxCategory {
  const id = customer?.taxCategory ?? item?.taxCategory ?? STANDARD_CATEGORY;
  const category = categories.get(id);
  if (category) return category;
  const whose = customer?.taxCategory ? `customer ${customer.id}` : `item ${sku}`;
  throw new TaxError(`tax category "${id}" of ${whose} has no rate: add it to the master data's settings.taxCategories (known: ${[...categories.keys()].join(", ")})`);
}
