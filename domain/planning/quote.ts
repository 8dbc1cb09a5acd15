import { buildBom, type BomLine } from "./bom";
import { explode } from "./bom-explosion";
import { PlanningInputError } from "./errors";
import { array, checkBomLines, number, object, oneOf, optional, text } from "./input-checks";

/**
 * A quick quote, every part of the price shown so that sales can explain it:
 * - material: each bought part of the exploded BOM (a part used in several places once, summed), its quantity for the
 *   lot × its standard cost or its market price, chosen per material (default: standard);
 * - labour and overhead: each routing step's hours for the lot (setup once + hours per unit × units of the item the step
 *   makes) × the labour rate and the overhead rate;
 * - other costs for the lot: freight, samples, tooling …;
 * - the target margin, as a share of the price: price = cost ÷ (1 − margin).
 * The unit price is flagged when it is below finance's base price for the item. Amounts are in the quote's currency,
 * each line rounded to the cent, totals the sum of the lines shown.
 */

export type PriceBasis = "standard" | "market";

export interface QuoteMaterial {
  standardCost?: number;
  marketPrice?: number;
  /** Which one to price it at (default standard). */
  price?: PriceBasis;
}

export interface RoutingStep {
  operation: string;
  /** The item the step makes (default: the item quoted); its units for the lot come from the explosion. */
  item?: string;
  hoursPerUnit: number;
  setupHours?: number;
  /** Per hour; default the quote's `labourRate`. */
  labourRate?: number;
  /** Per hour; default the quote's `overheadRate`. */
  overheadRate?: number;
}

export interface QuoteRequest {
  item: string;
  quantity: number;
  currency?: string;
  customer?: string;
  bom: BomLine[];
  materials: Record<string, QuoteMaterial>;
  routing?: RoutingStep[];
  labourRate?: number;
  overheadRate?: number;
  /** Costs for the whole lot, by name: freight, samples, tooling … */
  otherCosts?: Record<string, number>;
  /** Share of the price, in percent (25: the margin is a quarter of the price). */
  targetMarginPercent: number;
  /** Finance's floor price for one unit. */
  basePrice?: number;
  /** Day the BOM lines must be valid on. */
  date?: string;
}

export interface Quote {
  item: string;
  quantity: number;
  currency: string;
  customer?: string;
  material: { sku: string; quantity: number; price: PriceBasis; unitCost: number; amount: number }[];
  labour: { operation: string; item: string; hours: number; rate: number; amount: number }[];
  overhead: { operation: string; item: string; hours: number; rate: number; amount: number }[];
  other: { name: string; amount: number }[];
  totals: { material: number; labour: number; overhead: number; other: number; cost: number; margin: number; price: number };
  targetMarginPercent: number;
  unitCost: number;
  unitPrice: number;
  basePrice?: number;
  belowBasePrice: boolean;
  /** Sentences for sales: how the price is made up, and the flag. */
  explanation: string[];
}

const cents = (x: number) => Math.round((x + Number.EPSILON * Math.sign(x)) * 100);
const amount = (x: number) => cents(x) / 100;
const sumAmounts = (xs: readonly number[]) => xs.reduce((a, b) => a + cents(b), 0) / 100;
const hours = (x: number) => Math.round(x * 1e6) / 1e6;
const show = (x: number) => x.toFixed(2);

/** Checks a quote request (a file, a REST body): throws PlanningInputError naming the field. */
export function checkQuoteRequest(value: unknown): QuoteRequest {
  const body = object(value, "quote");
  text(body.item, "item");
  number(body.quantity, "quantity", { min: 0, above: true });
  optional(body.currency, (v) => text(v, "currency"));
  optional(body.customer, (v) => text(v, "customer"));
  checkBomLines(body.bom ?? [], "bom");
  const materials = object(body.materials ?? {}, "materials");
  for (const [sku, raw] of Object.entries(materials)) {
    const m = object(raw, `materials.${sku}`);
    optional(m.standardCost, (v) => number(v, `materials.${sku}.standardCost`, { min: 0 }));
    optional(m.marketPrice, (v) => number(v, `materials.${sku}.marketPrice`, { min: 0 }));
    optional(m.price, (v) => oneOf(v, `materials.${sku}.price`, ["standard", "market"] as const));
  }
  optional(body.routing, (v) =>
    array(v, "routing").forEach((raw, i) => {
      const at = `routing[${i}]`;
      const r = object(raw, at);
      text(r.operation, `${at}.operation`);
      optional(r.item, (x) => text(x, `${at}.item`));
      number(r.hoursPerUnit, `${at}.hoursPerUnit`, { min: 0 });
      optional(r.setupHours, (x) => number(x, `${at}.setupHours`, { min: 0 }));
      optional(r.labourRate, (x) => number(x, `${at}.labourRate`, { min: 0 }));
      optional(r.overheadRate, (x) => number(x, `${at}.overheadRate`, { min: 0 }));
    }),
  );
  optional(body.labourRate, (v) => number(v, "labourRate", { min: 0 }));
  optional(body.overheadRate, (v) => number(v, "overheadRate", { min: 0 }));
  const other = object(body.otherCosts ?? {}, "otherCosts");
  for (const [name, v] of Object.entries(other)) number(v, `otherCosts.${name}`, { min: 0 });
  number(body.targetMarginPercent, "targetMarginPercent", { min: 0 });
  if ((body.targetMarginPercent as number) >= 100) throw new PlanningInputError(`targetMarginPercent: must be below 100, a share of the price (is ${body.targetMarginPercent})`);
  optional(body.basePrice, (v) => number(v, "basePrice", { min: 0 }));
  return body as unknown as QuoteRequest;
}

/** The quote for `request` (checked first). */
export function quote(value: unknown): Quote {
  const req = checkQuoteRequest(value);
  const currency = req.currency ?? "EUR";
  const bom = req.bom ?? [];
  const structure = buildBom(bom, { date: req.date });
  const made = (sku: string) => (structure.components.get(sku) ?? []).length > 0;
  // units of each item for the lot: the item itself, and every component (summed over the places it is used)
  const units = new Map<string, number>([[req.item, req.quantity]]);
  const bought: { sku: string; quantity: number }[] = [];
  if (made(req.item)) {
    for (const t of explode(structure, req.item, req.quantity).totals) {
      units.set(t.sku, t.quantity);
      if (!made(t.sku)) bought.push({ sku: t.sku, quantity: t.quantity });
    }
  } else bought.push({ sku: req.item, quantity: req.quantity });

  const material = bought.map(({ sku, quantity }) => {
    const m = req.materials[sku];
    if (!m) throw new PlanningInputError(`materials.${sku}: no cost for this bought part (${quantity} needed for ${req.quantity} ${req.item}); give standardCost or marketPrice`);
    const price: PriceBasis = m.price ?? (m.standardCost === undefined && m.marketPrice !== undefined ? "market" : "standard");
    const unitCost = price === "market" ? m.marketPrice : m.standardCost;
    if (unitCost === undefined) throw new PlanningInputError(`materials.${sku}.${price === "market" ? "marketPrice" : "standardCost"}: missing, but ${sku} is to be priced at its ${price} ${price === "market" ? "price" : "cost"}`);
    return { sku, quantity, price, unitCost, amount: amount(quantity * unitCost) };
  });

  const labour: Quote["labour"] = [];
  const overhead: Quote["overhead"] = [];
  (req.routing ?? []).forEach((step, i) => {
    const item = step.item ?? req.item;
    const n = units.get(item);
    if (n === undefined) throw new PlanningInputError(`routing[${i}].item: ${item} is not in the BOM of ${req.item}`);
    const h = hours((step.setupHours ?? 0) + step.hoursPerUnit * n);
    const labourRate = step.labourRate ?? req.labourRate;
    const overheadRate = step.overheadRate ?? req.overheadRate ?? 0;
    if (labourRate === undefined) throw new PlanningInputError(`routing[${i}].labourRate: missing, and the quote gives no labourRate`);
    labour.push({ operation: step.operation, item, hours: h, rate: labourRate, amount: amount(h * labourRate) });
    if (overheadRate > 0) overhead.push({ operation: step.operation, item, hours: h, rate: overheadRate, amount: amount(h * overheadRate) });
  });
  const other = Object.entries(req.otherCosts ?? {}).map(([name, v]) => ({ name, amount: amount(v) }));

  const t = {
    material: sumAmounts(material.map((m) => m.amount)),
    labour: sumAmounts(labour.map((l) => l.amount)),
    overhead: sumAmounts(overhead.map((o) => o.amount)),
    other: sumAmounts(other.map((o) => o.amount)),
  };
  const cost = sumAmounts([t.material, t.labour, t.overhead, t.other]);
  const price = amount(cost / (1 - req.targetMarginPercent / 100));
  const margin = amount(price - cost);
  const unitCost = amount(cost / req.quantity);
  const unitPrice = amount(price / req.quantity);
  const below = req.basePrice !== undefined && unitPrice < req.basePrice;
  const explanation = [
    `material ${show(t.material)} ${currency}: ${material.length} bought part${material.length === 1 ? "" : "s"} for ${req.quantity} × ${req.item}`,
    `labour ${show(t.labour)} ${currency} and overhead ${show(t.overhead)} ${currency}: ${hours(labour.reduce((a, l) => a + l.hours, 0))} hours over ${labour.length} routing step${labour.length === 1 ? "" : "s"}`,
    `other costs ${show(t.other)} ${currency}${other.length ? ` (${other.map((o) => `${o.name} ${show(o.amount)}`).join(", ")})` : ""}`,
    `cost ${show(cost)} ${currency} + margin ${show(margin)} ${currency} (${req.targetMarginPercent} % of the price) = ${show(price)} ${currency}, ${show(unitPrice)} ${currency} per unit`,
  ];
  if (below) explanation.push(`below base price: ${show(unitPrice)} ${currency} per unit is ${show(req.basePrice! - unitPrice)} under finance's base price ${show(req.basePrice!)} ${currency}`);
  return {
    item: req.item,
    quantity: req.quantity,
    currency,
    ...(req.customer ? { customer: req.customer } : {}),
    material,
    labour,
    overhead,
    other,
    totals: { ...t, cost, margin, price },
    targetMarginPercent: req.targetMarginPercent,
    unitCost,
    unitPrice,
    ...(req.basePrice !== undefined ? { basePrice: req.basePrice } : {}),
    belowBasePrice: below,
    explanation,
  };
}
