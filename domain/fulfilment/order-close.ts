import { purposeOf, type CanonicalOrder } from "../order/canonical-order";
import { formatQuantity } from "../order/decision";
import { formatMoney, fromMinor, toMinor } from "../order/money";
import type { Shipment } from "./invoice";

/**
 * order-close: is the order done? It is closed when every ordered quantity was shipped or cancelled, everything
 * shipped was invoiced, and every invoice is paid; otherwise the answer says what is still open, in the words of the
 * people who have to act on it (dispatch, billing, accounts receivable). A shipment or payment reported twice (the
 * same document) counts once. Shipped beyond the ordered quantity is not invoiced (invoice.ts) and not waited for.
 */

export interface CloseInvoice {
  invoiceId: string;
  /** The payable amount, in the order's currency. */
  amount: number;
  lines: Array<{ lineNumber: string; quantity: number }>;
}

export interface ClosePayment {
  /** The payment's reference: the same payment reported twice counts once. */
  document: string;
  amount: number;
  /** The invoice it pays; without one it pays the order's invoices oldest first. */
  invoice?: string;
}

export interface OrderCloseInput {
  /** The order's latest revision: a line with quantity 0 is cancelled; a cancellation (`purpose: "cancel"`) cancels what has not shipped. */
  order: CanonicalOrder;
  /** Quantities cancelled per line beside the order's revision (a short-closed rest). */
  cancelled?: Array<{ lineNumber: string; quantity: number }>;
  shipments: readonly Shipment[];
  invoices: readonly CloseInvoice[];
  payments: readonly ClosePayment[];
}

export interface CloseLine {
  lineNumber: string;
  sku: string;
  ordered: number;
  cancelled: number;
  shipped: number;
  invoiced: number;
  toShip: number;
  toInvoice: number;
}

export interface CloseInvoiceState {
  invoiceId: string;
  amount: number;
  paid: number;
  open: number;
}

export interface OrderCloseDecision {
  closed: boolean;
  /** When closed, why in one sentence; otherwise each thing still open. */
  reasons: string[];
  lines: CloseLine[];
  invoices: CloseInvoiceState[];
}

const qty = (n: number) => Math.round(n * 1e6) / 1e6;

function byDocument<T extends { document: string }>(list: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const x of list) if (!seen.has(x.document)) seen.set(x.document, x);
  return [...seen.values()];
}

export function orderClose(input: OrderCloseInput): OrderCloseDecision {
  const { order } = input;
  const c = order.currency;
  const shipped = new Map<string, number>();
  for (const s of byDocument(input.shipments)) for (const l of s.lines) shipped.set(l.lineNumber, qty((shipped.get(l.lineNumber) ?? 0) + l.quantity));
  const invoicedQty = new Map<string, number>();
  const invoices = [...new Map(input.invoices.map((i) => [i.invoiceId, i])).values()];
  for (const i of invoices) for (const l of i.lines) invoicedQty.set(l.lineNumber, qty((invoicedQty.get(l.lineNumber) ?? 0) + l.quantity));
  const cancelledQty = new Map<string, number>();
  for (const l of input.cancelled ?? []) cancelledQty.set(l.lineNumber, qty((cancelledQty.get(l.lineNumber) ?? 0) + l.quantity));
  const whole = purposeOf(order) === "cancel";

  const lines: CloseLine[] = order.lines.map((l) => {
    const sent = shipped.get(l.lineNumber) ?? 0;
    const ordered = l.quantity;
    const cancelled = whole ? Math.max(0, qty(ordered - Math.min(sent, ordered))) : Math.min(ordered, cancelledQty.get(l.lineNumber) ?? 0);
    const invoiced = invoicedQty.get(l.lineNumber) ?? 0;
    const billable = Math.min(sent, ordered);
    return { lineNumber: l.lineNumber, sku: l.sku, ordered, cancelled, shipped: sent, invoiced, toShip: Math.max(0, qty(ordered - cancelled - sent)), toInvoice: Math.max(0, qty(billable - invoiced)) };
  });

  // payments: those naming an invoice of the order first, then the rest on the order's invoices oldest first
  const owed = new Map(invoices.map((i) => [i.invoiceId, toMinor(i.amount, c)]));
  const paid = new Map(invoices.map((i) => [i.invoiceId, 0]));
  const payments = byDocument(input.payments);
  let unassigned = 0;
  for (const p of payments) {
    if (p.invoice !== undefined && owed.has(p.invoice)) paid.set(p.invoice, paid.get(p.invoice)! + toMinor(p.amount, c));
    else if (p.invoice === undefined) unassigned += toMinor(p.amount, c);
  }
  for (const i of invoices) {
    const short = owed.get(i.invoiceId)! - paid.get(i.invoiceId)!;
    const take = Math.max(0, Math.min(short, unassigned));
    paid.set(i.invoiceId, paid.get(i.invoiceId)! + take);
    unassigned -= take;
  }
  const invoiceStates = invoices.map((i) => {
    const open = Math.max(0, owed.get(i.invoiceId)! - paid.get(i.invoiceId)!);
    return { invoiceId: i.invoiceId, amount: i.amount, paid: fromMinor(paid.get(i.invoiceId)!, c), open: fromMinor(open, c) };
  });

  const reasons: string[] = [];
  const name = (l: CloseLine) => `line ${l.lineNumber} (${l.sku})`;
  for (const l of lines) {
    if (l.toShip > 0) reasons.push(`${name(l)}: ${formatQuantity(l.toShip)} of ${formatQuantity(l.ordered - l.cancelled)} still to ship${l.cancelled ? ` (${formatQuantity(l.cancelled)} cancelled)` : ""}`);
    if (l.toInvoice > 0) reasons.push(`${name(l)}: ${formatQuantity(l.shipped)} shipped but only ${formatQuantity(l.invoiced)} invoiced: ${formatQuantity(l.toInvoice)} to invoice`);
  }
  for (const i of invoiceStates) {
    if (i.open > 0) reasons.push(`invoice ${i.invoiceId}: ${formatMoney(toMinor(i.open, c), c)} of ${formatMoney(toMinor(i.amount, c), c)} still unpaid`);
  }
  const closed = reasons.length === 0;
  if (closed) reasons.push(closedSentence(order, lines, invoiceStates));
  else reasons.unshift(`order ${order.orderNumber} stays open:`);
  return { closed, reasons: closed ? reasons : [`${reasons[0]} ${reasons.length - 1} thing${reasons.length > 2 ? "s" : ""} to do`, ...reasons.slice(1)], lines, invoices: invoiceStates };
}

function closedSentence(order: CanonicalOrder, lines: CloseLine[], invoices: CloseInvoiceState[]): string {
  const c = order.currency;
  const shipped = lines.reduce((a, l) => a + Math.min(l.shipped, l.ordered), 0);
  const cancelled = lines.reduce((a, l) => a + l.cancelled, 0);
  if (shipped === 0) return `order ${order.orderNumber} is closed: everything was cancelled, nothing shipped, nothing to invoice`;
  const paid = invoices.reduce((a, i) => a + toMinor(i.paid, c), 0);
  const count = invoices.length;
  return `order ${order.orderNumber} is closed: ${formatQuantity(shipped)} shipped${cancelled ? `, ${formatQuantity(cancelled)} cancelled` : ""}, invoiced in ${count} invoice${count === 1 ? "" : "s"} and paid (${formatMoney(paid, c)})`;
}
