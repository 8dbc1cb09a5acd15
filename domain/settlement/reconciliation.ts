import { daysBetween } from "../order/dates";
import { fromMinor, toMinor } from "../order/money";
import { money, qty, sumBy } from "./common";
import { applyPayments, type IncomingPayment, type OpenInvoice } from "./payment-application";

/**
 * The three-way match a finance controller runs every day: per customer, what left the warehouse (deliveries), what
 * was billed (invoices) and what came in (payments). An invoice belongs to the delivery it names (its shipment), else
 * to the order's only delivery not billed yet. Payments are applied as cash application applies them
 * (payment-application.ts). Every mismatch names its documents:
 *
 * - `delivery-not-invoiced`: shipped, and not invoiced by the run's day (after `invoiceGraceDays`, default 1).
 * - `invoice-without-delivery`: billed, and no delivery to match.
 * - `quantity-difference`: an item billed in another quantity than was delivered.
 * - `price-difference`: an item billed at another unit price than the order's.
 * - `partial-payment`: an invoice paid in part (something paid, something still open).
 * - `over-payment`: a payment larger than what it paid, the rest on account.
 * - `payment-without-invoice`: a payment that names an invoice the customer does not have, or finds nothing open.
 *
 * Only documents dated on or before the run's day count, so a run for a past day gives that day's answer.
 */

export type MismatchKind =
  | "delivery-not-invoiced"
  | "invoice-without-delivery"
  | "quantity-difference"
  | "price-difference"
  | "partial-payment"
  | "over-payment"
  | "payment-without-invoice";

export const MISMATCH_KINDS: readonly MismatchKind[] = ["delivery-not-invoiced", "invoice-without-delivery", "quantity-difference", "price-difference", "partial-payment", "over-payment", "payment-without-invoice"];

export interface DocumentLine {
  lineNumber?: string;
  sku: string;
  quantity: number;
  /** The net unit price (an invoice's), or the order's for a delivery, when known. */
  unitPrice?: number;
}

export interface DeliveryDoc {
  document: string;
  customer: string;
  orderKey: string;
  at: string;
  lines: DocumentLine[];
}

export interface InvoiceDoc {
  document: string;
  customer: string;
  orderKey: string;
  /** The delivery (shipment) it bills. */
  shipment?: string;
  at: string;
  dueDate?: string;
  amount: number;
  currency: string;
  lines: DocumentLine[];
}

export type PaymentDoc = IncomingPayment;

export interface MismatchDocuments {
  deliveries: string[];
  invoices: string[];
  payments: string[];
}

export interface Mismatch {
  /** Stable across runs: the kind and the documents, so two runs' reports can be compared. */
  key: string;
  kind: MismatchKind;
  customer: string;
  orderKey?: string;
  documents: MismatchDocuments;
  /** What is wrong, in a finance controller's words. */
  detail: string;
}

export interface ReconciliationInput {
  date: string;
  deliveries: readonly DeliveryDoc[];
  invoices: readonly InvoiceDoc[];
  payments: readonly PaymentDoc[];
  /** Days a delivery may wait for its invoice (default 1: invoiced by the next day). */
  invoiceGraceDays?: number;
}

export interface ReconciliationReport {
  date: string;
  counts: { customers: number; deliveries: number; invoices: number; payments: number; mismatches: number };
  byKind: Partial<Record<MismatchKind, number>>;
  mismatches: Mismatch[];
}

const docs = (d: Partial<MismatchDocuments>): MismatchDocuments => ({ deliveries: d.deliveries ?? [], invoices: d.invoices ?? [], payments: d.payments ?? [] });

function mismatch(kind: MismatchKind, customer: string, d: Partial<MismatchDocuments>, detail: string, orderKey?: string, part = ""): Mismatch {
  const documents = docs(d);
  const key = [kind, customer, ...documents.deliveries, ...documents.invoices, ...documents.payments, part].filter(Boolean).join("|");
  return { key, kind, customer, ...(orderKey ? { orderKey } : {}), documents, detail };
}

/** First of each document id: an event delivered twice is one document. */
function once<T extends { document: string; at: string }>(items: readonly T[], date: string): T[] {
  const seen = new Map<string, T>();
  for (const t of items) if (t.at.slice(0, 10) <= date && !seen.has(t.document)) seen.set(t.document, t);
  return [...seen.values()];
}

function compareLines(delivery: DeliveryDoc, invoice: InvoiceDoc, out: Mismatch[]): void {
  const delivered = sumBy(delivery.lines, (l) => l.sku, (l) => l.quantity);
  const billed = sumBy(invoice.lines, (l) => l.sku, (l) => l.quantity);
  for (const sku of new Set([...delivered.keys(), ...billed.keys()])) {
    const d = delivered.get(sku) ?? 0;
    const b = billed.get(sku) ?? 0;
    if (d !== b) {
      out.push(mismatch("quantity-difference", invoice.customer, { deliveries: [delivery.document], invoices: [invoice.document] }, `${sku}: delivered ${d} with ${delivery.document}, invoiced ${b} with ${invoice.document} (${b > d ? "+" : ""}${qty(b - d)})`, invoice.orderKey, sku));
    }
  }
  for (const il of invoice.lines) {
    const dl = delivery.lines.find((l) => l.sku === il.sku && (il.lineNumber === undefined || l.lineNumber === undefined || l.lineNumber === il.lineNumber));
    if (dl?.unitPrice === undefined || il.unitPrice === undefined) continue;
    if (toMinor(dl.unitPrice * 100, invoice.currency) !== toMinor(il.unitPrice * 100, invoice.currency)) {
      out.push(mismatch("price-difference", invoice.customer, { deliveries: [delivery.document], invoices: [invoice.document] }, `${il.sku}: invoiced at ${il.unitPrice} ${invoice.currency} per unit with ${invoice.document}, the order says ${dl.unitPrice} ${invoice.currency}`, invoice.orderKey, `${il.lineNumber ?? ""}${il.sku}`));
    }
  }
}

/** The three-way match of every customer's documents on `date`. */
export function reconcile(input: ReconciliationInput): ReconciliationReport {
  const date = input.date.slice(0, 10);
  const grace = input.invoiceGraceDays ?? 1;
  const deliveries = once(input.deliveries, date);
  const invoices = once(input.invoices, date);
  const payments = once(input.payments.map((p) => ({ ...p, document: p.payment })), date);
  const out: Mismatch[] = [];

  // deliveries ↔ invoices, per order
  const unbilled = new Map<string, DeliveryDoc[]>();
  for (const d of deliveries) unbilled.set(d.orderKey, [...(unbilled.get(d.orderKey) ?? []), d]);
  const matched: Array<[DeliveryDoc, InvoiceDoc]> = [];
  const orphans: InvoiceDoc[] = [];
  for (const inv of [...invoices].sort((a, b) => (a.shipment ? 0 : 1) - (b.shipment ? 0 : 1))) {
    const open = unbilled.get(inv.orderKey) ?? [];
    const byShipment = inv.shipment ? open.find((d) => d.document === inv.shipment) : undefined;
    const delivery = byShipment ?? (open.length === 1 && (!inv.shipment || !deliveries.some((d) => d.document === inv.shipment)) ? open[0] : undefined);
    if (!delivery) {
      orphans.push(inv);
      continue;
    }
    unbilled.set(inv.orderKey, open.filter((d) => d !== delivery));
    matched.push([delivery, inv]);
  }
  for (const [d, inv] of matched) compareLines(d, inv, out);
  for (const inv of orphans) {
    out.push(mismatch("invoice-without-delivery", inv.customer, { invoices: [inv.document] }, `invoice ${inv.document} (${money(inv.amount, inv.currency)}) bills ${inv.shipment ? `shipment ${inv.shipment}, which no delivery of order ${inv.orderKey} is` : `order ${inv.orderKey}, which has no delivery left to bill`}`, inv.orderKey));
  }
  for (const list of unbilled.values()) {
    for (const d of list) {
      const days = daysBetween(d.at, date);
      if (days < grace) continue;
      const units = qty(d.lines.reduce((s, l) => s + l.quantity, 0));
      out.push(mismatch("delivery-not-invoiced", d.customer, { deliveries: [d.document] }, `delivery ${d.document} of order ${d.orderKey} (${units} unit${units === 1 ? "" : "s"}) shipped ${d.at.slice(0, 10)}, not invoiced ${days} day${days === 1 ? "" : "s"} later`, d.orderKey));
    }
  }

  // payments ↔ invoices, per customer
  const known = new Set(invoices.map((i) => i.document));
  const open: OpenInvoice[] = invoices.map((i) => ({ invoice: i.document, customer: i.customer, currency: i.currency, open: i.amount, issueDate: i.at.slice(0, 10), ...(i.dueDate ? { dueDate: i.dueDate } : {}) }));
  const strays = payments.filter((p) => p.invoice !== undefined && !known.has(p.invoice));
  for (const p of strays) {
    out.push(mismatch("payment-without-invoice", p.customer, { payments: [p.payment] }, `payment ${p.payment} of ${money(p.amount, p.currency)} names invoice ${p.invoice}, which customer ${p.customer} was never sent`));
  }
  const applicable = payments.filter((p) => !strays.includes(p) && p.amount > 0);
  const { applications } = applyPayments(open.filter((i) => applicable.some((p) => p.customer === i.customer && p.currency === i.currency)), applicable.filter((p) => !open.some((i) => i.customer === p.customer && i.currency !== p.currency)));
  const paid = new Map<string, { amount: number; payments: string[] }>();
  for (const a of applications) {
    for (const al of a.allocations) {
      const p = paid.get(al.invoice) ?? { amount: 0, payments: [] };
      paid.set(al.invoice, { amount: p.amount + toMinor(al.amount, a.currency), payments: [...p.payments, al.payment] });
    }
    if (a.onAccount > 0) {
      const invoicesPaid = a.allocations.map((al) => al.invoice);
      if (invoicesPaid.length === 0) {
        out.push(mismatch("payment-without-invoice", a.customer, { payments: [a.payment] }, `payment ${a.payment} of ${money(a.onAccount, a.currency)} found no open invoice of customer ${a.customer} to pay: kept on account`));
      } else {
        out.push(mismatch("over-payment", a.customer, { invoices: invoicesPaid, payments: [a.payment] }, `payment ${a.payment} paid ${money(a.onAccount, a.currency)} more than invoice${invoicesPaid.length === 1 ? "" : "s"} ${invoicesPaid.join(", ")} asked for: kept on account`));
      }
    }
  }
  for (const inv of invoices) {
    const p = paid.get(inv.document);
    if (!p) continue;
    const due = toMinor(inv.amount, inv.currency);
    if (p.amount > 0 && p.amount < due) {
      out.push(mismatch("partial-payment", inv.customer, { invoices: [inv.document], payments: p.payments }, `invoice ${inv.document}: ${money(fromMinor(p.amount, inv.currency), inv.currency)} of ${money(inv.amount, inv.currency)} paid (${p.payments.join(", ")}), ${money(fromMinor(due - p.amount, inv.currency), inv.currency)} still open`, inv.orderKey));
    }
  }

  out.sort((a, b) => a.customer.localeCompare(b.customer) || a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key));
  const byKind: Partial<Record<MismatchKind, number>> = {};
  for (const m of out) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
  const customers = new Set([...deliveries, ...invoices, ...payments].map((d) => d.customer));
  return { date, counts: { customers: customers.size, deliveries: deliveries.length, invoices: invoices.length, payments: payments.length, mismatches: out.length }, byKind, mismatches: out };
}

export interface RunComparison {
  previousDate?: string;
  new: Mismatch[];
  resolved: Mismatch[];
  stillOpen: Mismatch[];
}

/** What changed since the previous run: mismatches new in this one, resolved since, and still open (by key). */
export function compareRuns(previous: ReconciliationReport | undefined, current: ReconciliationReport): RunComparison {
  const before = new Map((previous?.mismatches ?? []).map((m) => [m.key, m]));
  const now = new Set(current.mismatches.map((m) => m.key));
  return {
    ...(previous ? { previousDate: previous.date } : {}),
    new: current.mismatches.filter((m) => !before.has(m.key)),
    resolved: [...before.values()].filter((m) => !now.has(m.key)),
    stillOpen: current.mismatches.filter((m) => before.has(m.key)),
  };
}
