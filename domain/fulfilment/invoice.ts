import type { MasterIndex } from "../master/master-index";
import type { Customer } from "../master/types";
import { buyerIdentity, type CanonicalOrder, type OrderLine, type Party } from "../order/canonical-order";
import { addDays, dayOf } from "../order/dates";
import { formatQuantity, lineName } from "../order/decision";
import { formatMoney, fromMinor, toMinor } from "../order/money";
import { lineAmount } from "../order/totals";
import { documentId } from "./ids";
import { lineTaxCategory, taxCategories, type TaxCategory } from "./tax";

/**
 * invoice: what a shipment is invoiced at. Only what was shipped, at the order's net prices, with the order's
 * allowances and charges in the share of the order's value this invoice carries, taxed per line's tax category,
 * rounded per line and then per tax category. What earlier invoices of the order billed is not billed again: a second
 * shipment of the rest invoices the rest, and a shipment of what is already invoiced invoices nothing. The invoice id
 * comes from the order key and the shipment, so the same `order.shipped` read twice is the same invoice.
 */

export interface ShippedLine {
  lineNumber: string;
  sku: string;
  quantity: number;
}

/** An `order.shipped`: the shipment's document (the warehouse's), the delivery note it ships, and what really left. */
export interface Shipment {
  document: string;
  deliveryNote?: string;
  at?: string;
  lines: ShippedLine[];
}

/** What an earlier invoice of the order billed, per order line. */
export interface EarlierInvoice {
  invoiceId: string;
  lines: Array<{ lineNumber: string; quantity: number }>;
}

export interface InvoiceInput {
  orderKey: string;
  /** The canonical order of the revision that was shipped. */
  order: CanonicalOrder;
  shipment: Shipment;
  earlier: readonly EarlierInvoice[];
  /** The invoice date (a day). */
  issueDate: string;
  /** Who invoices: the order's seller where the caller gives none. */
  supplier?: Party;
}

/** What a billing document's line (an invoice's, a credit note's) says of the goods: order line, item, quantity, money, tax. */
export interface BilledLine {
  /** The order line it bills. */
  lineNumber: string;
  sku: string;
  name: string;
  quantity: number;
  unit: string;
  /** The net unit price. */
  unitPrice: number;
  /** The line extension amount. */
  net: number;
  tax: TaxCategory;
}

/** unitPrice: the unit price the order states (else its line amount over its quantity); net: quantity × unit price − allowance. */
export interface InvoiceLine extends BilledLine {
  /** 1, 2, …: the invoice's own line numbers. */
  id: string;
  /** The line's own discount (the order's line amount below quantity × price), in this invoice's share. */
  allowance: number;
}

/** An order allowance (or charge) in this invoice's share, in one tax category. */
export interface InvoiceAllowanceCharge {
  charge: boolean;
  reason: string;
  amount: number;
  tax: TaxCategory;
}

export interface TaxSubtotal {
  tax: TaxCategory;
  taxable: number;
  amount: number;
}

export interface InvoiceTotals {
  lineExtension: number;
  allowances: number;
  charges: number;
  taxExclusive: number;
  tax: number;
  taxInclusive: number;
  payable: number;
}

/** An order line after this invoice: ordered, invoiced so far (this one included), still open. */
export interface OpenLine {
  lineNumber: string;
  sku: string;
  ordered: number;
  invoiced: number;
  open: number;
}

export interface Invoice {
  invoiceId: string;
  orderKey: string;
  orderNumber: string;
  buyer: string;
  /** The shipment's document, and the delivery note (the shipment's document where it names none). */
  shipment: string;
  deliveryNote: string;
  issueDate: string;
  dueDate: string;
  paymentTermsDays: number;
  currency: string;
  supplier: Party;
  customer: Party;
  lines: InvoiceLine[];
  allowanceCharges: InvoiceAllowanceCharge[];
  taxSubtotals: TaxSubtotal[];
  totals: InvoiceTotals;
  /** The order's lines after this invoice; `open` > 0 is what is still to be shipped and invoiced. */
  orderLines: OpenLine[];
  /** What the accountant should know: the open rest, what was shipped but is not billed, and why. */
  notes: string[];
}

export type InvoiceResult =
  | { outcome: "invoice"; invoice: Invoice }
  /** This shipment was invoiced before (the same id): nothing new. */
  | { outcome: "already-invoiced"; invoiceId: string; reasons: string[] }
  /** Nothing of the shipment can be billed (everything already invoiced, or nothing shipped). */
  | { outcome: "nothing-to-invoice"; invoiceId: string; reasons: string[] };

export class InvoiceError extends Error {
  override name = "InvoiceError";
}

export function invoiceId(orderKey: string, shipment: string): string {
  return documentId("INV", orderKey, shipment);
}

/** The order line a shipped line bills: by line number, else the only line of its SKU. */
function orderLineOf(order: CanonicalOrder, shipped: ShippedLine): OrderLine {
  const byNumber = order.lines.find((l) => l.lineNumber === shipped.lineNumber);
  if (byNumber) return byNumber;
  const bySku = order.lines.filter((l) => l.sku === shipped.sku);
  if (bySku.length === 1) return bySku[0];
  throw new InvoiceError(`shipped line ${shipped.lineNumber} (${shipped.sku}) is not a line of order ${order.orderNumber} rev ${order.revision}${bySku.length ? ` (its SKU is on lines ${bySku.map((l) => l.lineNumber).join(", ")})` : ""}`);
}

/** The shipped quantity per order line (a line listed twice is summed); a negative or non-numeric quantity is refused. */
function shippedPerLine(order: CanonicalOrder, shipment: Shipment): Map<OrderLine, number> {
  const per = new Map<OrderLine, number>();
  shipment.lines.forEach((s, i) => {
    if (typeof s.quantity !== "number" || !Number.isFinite(s.quantity) || s.quantity < 0) {
      throw new InvoiceError(`shipment ${shipment.document}: lines[${i}].quantity must be a number ≥ 0 (is ${JSON.stringify(s.quantity)})`);
    }
    const line = orderLineOf(order, s);
    per.set(line, (per.get(line) ?? 0) + s.quantity);
  });
  return per;
}

const qty = (n: number) => Math.round(n * 1e6) / 1e6;

/** Minor units of `total` × part / whole, rounded half away from zero: the pro-rata share of an amount. */
function share(totalMinor: number, part: number, whole: number, currency: string): number {
  if (whole === 0) return 0;
  return toMinor((fromMinor(totalMinor, currency) * part) / whole, currency);
}

/** Splits `amount` (minor units) over `weights` proportionally, the rounding remainder to the largest fractions. */
export function apportion(amount: number, weights: readonly number[]): number[] {
  const whole = weights.reduce((a, b) => a + b, 0);
  if (whole === 0) return weights.map((_, i) => (i === 0 ? amount : 0));
  const exact = weights.map((w) => (amount * w) / whole);
  const parts = exact.map((e) => Math.trunc(e));
  let rest = amount - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, frac: Math.abs(e - parts[i]) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest !== 0; k = (k + 1) % order.length) {
    const step = Math.sign(rest);
    parts[order[k].i] += step;
    rest -= step;
  }
  return parts;
}

interface Priced {
  line: OrderLine;
  /** The order's line amount, minor units. */
  amount: number;
  unitPrice: number;
  /** Whether the line amount is quantity × unit price (no line discount). */
  plain: boolean;
}

function priced(order: CanonicalOrder, line: OrderLine): Priced {
  const amount = lineAmount(line, order.currency);
  if (amount === undefined) throw new InvoiceError(`${lineName(line)} of order ${order.orderNumber} has no price: it cannot be invoiced until the order states one`);
  const minor = toMinor(amount, order.currency);
  const unitPrice = line.unitPrice ?? (line.quantity > 0 ? Number((amount / line.quantity).toFixed(6)) : 0);
  return { line, amount: minor, unitPrice, plain: line.unitPrice === undefined || minor === toMinor(line.quantity * line.unitPrice, order.currency) };
}

/** A line's net value for `quantity` of it: quantity × price when the order gives no line discount, else its line amount pro rata. */
function netOf(p: Priced, quantity: number, currency: string): number {
  if (quantity === p.line.quantity) return p.amount;
  if (p.plain) return toMinor(quantity * p.unitPrice, currency);
  return share(p.amount, quantity, p.line.quantity, currency);
}

export function buildInvoice(input: InvoiceInput, master: Pick<MasterIndex, "customers" | "items" | "settings">): InvoiceResult {
  const { order, shipment, orderKey } = input;
  const currency = order.currency;
  const id = invoiceId(orderKey, shipment.document);
  const before = input.earlier.find((e) => e.invoiceId === id);
  if (before) return { outcome: "already-invoiced", invoiceId: id, reasons: [`shipment ${shipment.document} of order ${order.orderNumber} is invoiced already, as ${id}`] };

  const customer: Customer | undefined = master.customers.get(buyerIdentity(order.buyer));
  const categories = taxCategories(master.settings);
  const shipped = shippedPerLine(order, shipment);
  const earlierQty = new Map<string, number>();
  for (const e of input.earlier) for (const l of e.lines) earlierQty.set(l.lineNumber, qty((earlierQty.get(l.lineNumber) ?? 0) + l.quantity));

  const notes: string[] = [];
  const lines: InvoiceLine[] = [];
  const pricedLines = order.lines.map((l) => (l.quantity > 0 && lineAmount(l, currency) !== undefined ? priced(order, l) : undefined));
  let valueBefore = 0;
  let valueAfter = 0;
  order.lines.forEach((line, i) => {
    const p = pricedLines[i];
    const sent = shipped.get(line) ?? 0;
    if (!p) {
      if (sent > 0 && line.quantity > 0) priced(order, line); // throws: a shipped line without a price
      if (sent > 0) notes.push(`${lineName(line)}: ${formatQuantity(sent)} shipped are not invoiced: the line is cancelled (0 ordered)`);
      return;
    }
    const prior = Math.min(earlierQty.get(line.lineNumber) ?? 0, line.quantity);
    const now = qty(Math.max(0, Math.min(sent, line.quantity - prior)));
    valueBefore += netOf(p, prior, currency);
    valueAfter += netOf(p, qty(prior + now), currency);
    if (sent > now) {
      const why = prior >= line.quantity ? `all ${formatQuantity(line.quantity)} ordered are invoiced already` : `only ${formatQuantity(line.quantity - prior)} of the ${formatQuantity(line.quantity)} ordered were left to invoice`;
      notes.push(`${lineName(line)}: ${formatQuantity(qty(sent - now))} of the ${formatQuantity(sent)} shipped are not invoiced: ${why}`);
    }
    if (now === 0) return;
    const net = netOf(p, qty(prior + now), currency) - netOf(p, prior, currency);
    const gross = toMinor(now * p.unitPrice, currency);
    const item = master.items.get(line.sku);
    lines.push({
      id: String(lines.length + 1),
      lineNumber: line.lineNumber,
      sku: line.sku,
      name: line.description ?? item?.name ?? line.sku,
      quantity: now,
      unit: line.unit ?? item?.unit ?? "H87",
      unitPrice: p.unitPrice,
      allowance: fromMinor(p.plain ? 0 : gross - net, currency),
      net: fromMinor(net, currency),
      tax: lineTaxCategory(line.sku, item, customer, categories),
    });
  });
  if (lines.length === 0) {
    const reasons = notes.length ? notes : [`shipment ${shipment.document} of order ${order.orderNumber} ships nothing`];
    return { outcome: "nothing-to-invoice", invoiceId: id, reasons };
  }

  // net per tax category, in first-seen order: the base the order's allowances and charges are split over
  const netByTax = new Map<string, { tax: TaxCategory; net: number }>();
  for (const l of lines) {
    const entry = netByTax.get(l.tax.id) ?? { tax: l.tax, net: 0 };
    entry.net += toMinor(l.net, currency);
    netByTax.set(l.tax.id, entry);
  }
  const groups = [...netByTax.values()];
  const orderValue = pricedLines.reduce((sum, p) => sum + (p ? p.amount : 0), 0);
  const allowanceCharges: InvoiceAllowanceCharge[] = [];
  const adjust = new Map<string, number>();
  const spread = (list: CanonicalOrder["allowances"], charge: boolean) => {
    for (const a of list) {
      const whole = toMinor(a.amount, currency);
      const mine = share(whole, valueAfter, orderValue, currency) - share(whole, valueBefore, orderValue, currency);
      if (mine === 0) continue;
      apportion(mine, groups.map((g) => g.net)).forEach((part, i) => {
        if (part === 0) return;
        const reason = a.reason ?? a.code ?? (charge ? "charge" : "allowance");
        allowanceCharges.push({ charge, reason, amount: fromMinor(part, currency), tax: groups[i].tax });
        adjust.set(groups[i].tax.id, (adjust.get(groups[i].tax.id) ?? 0) + (charge ? part : -part));
      });
    }
  };
  spread(order.allowances ?? [], false);
  spread(order.charges ?? [], true);

  const taxSubtotals = groups.map((g) => {
    const taxable = g.net + (adjust.get(g.tax.id) ?? 0);
    return { tax: g.tax, taxable: fromMinor(taxable, currency), amount: fromMinor(share(taxable, g.tax.percent, 100, currency), currency) };
  });
  const sum = (ns: number[]) => ns.reduce((a, b) => a + toMinor(b, currency), 0);
  const lineExtension = sum(lines.map((l) => l.net));
  const allowances = sum(allowanceCharges.filter((a) => !a.charge).map((a) => a.amount));
  const charges = sum(allowanceCharges.filter((a) => a.charge).map((a) => a.amount));
  const tax = sum(taxSubtotals.map((t) => t.amount));
  const taxExclusive = lineExtension - allowances + charges;
  const m = (n: number) => fromMinor(n, currency);
  const totals: InvoiceTotals = { lineExtension: m(lineExtension), allowances: m(allowances), charges: m(charges), taxExclusive: m(taxExclusive), tax: m(tax), taxInclusive: m(taxExclusive + tax), payable: m(taxExclusive + tax) };

  const invoicedNow = new Map(lines.map((l) => [l.lineNumber, l.quantity]));
  const orderLines: OpenLine[] = order.lines.map((l) => {
    const invoiced = qty(Math.min(earlierQty.get(l.lineNumber) ?? 0, l.quantity) + (invoicedNow.get(l.lineNumber) ?? 0));
    return { lineNumber: l.lineNumber, sku: l.sku, ordered: l.quantity, invoiced, open: qty(Math.max(0, l.quantity - invoiced)) };
  });
  for (const l of orderLines) {
    if (l.open > 0) notes.push(`line ${l.lineNumber} (${l.sku}): ${formatQuantity(l.open)} of ${formatQuantity(l.ordered)} still to ship and invoice`);
  }
  const terms = order.paymentTerms?.netDays ?? customer?.paymentTermsDays ?? 0;
  const issueDate = dayOf(input.issueDate);
  const supplier = input.supplier ?? order.seller ?? {};
  const customerParty: Party = { ...order.buyer, name: order.buyer.name ?? customer?.name };
  notes.unshift(`invoice ${id} for shipment ${shipment.document} of order ${order.orderNumber}: ${formatMoney(taxExclusive + tax, currency)} due ${addDays(issueDate, terms)}`);
  return {
    outcome: "invoice",
    invoice: {
      invoiceId: id,
      orderKey,
      orderNumber: order.orderNumber,
      buyer: buyerIdentity(order.buyer),
      shipment: shipment.document,
      deliveryNote: shipment.deliveryNote ?? shipment.document,
      issueDate,
      dueDate: addDays(issueDate, terms),
      paymentTermsDays: terms,
      currency,
      supplier,
      customer: customerParty,
      lines,
      allowanceCharges,
      taxSubtotals,
      totals,
      orderLines,
      notes,
    },
  };
}

/** What an invoice billed per order line: what the next invoice of the order reads as `earlier`. */
export function invoicedLines(invoice: Pick<Invoice, "lines">): EarlierInvoice["lines"] {
  return invoice.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity }));
}
