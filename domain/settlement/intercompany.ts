import { documentId } from "../fulfilment/ids";
import type { Company, TransferPrice } from "../master/types";
import { fromMinor, toMinor } from "../order/money";
import { SettlementError, money } from "./common";

/**
 * Inter-company orders: company A buys from company B of the same group. One order gives B's sales order and A's
 * matching purchase order, both at the group's transfer price; B's delivery becomes A's goods receipt, B's invoice A's
 * supplier invoice, and a change or cancellation on one side the same on the other. Every document the hub makes for
 * a side takes its id from the order and the source document, so a repeated message maps to the same documents and
 * the store keeps each once (intercompany_links).
 */

export type { Company, TransferPrice };

export interface IntercompanyLine {
  lineNumber: string;
  sku: string;
  quantity: number;
}

/** The order as A places it on B (orderType intercompany). */
export interface IntercompanyOrder {
  orderKey: string;
  orderNumber: string;
  /** A: the buying company. */
  buyer: string;
  /** B: the selling company. */
  seller: string;
  issueDate: string;
  lines: IntercompanyLine[];
}

export type Side = "buyer" | "seller";

export interface SideDocument {
  /** buyer: A's purchase order, goods receipt, supplier invoice; seller: B's sales order (and its change). */
  kind: "sales-order" | "purchase-order" | "goods-receipt" | "supplier-invoice" | "change" | "cancellation";
  side: Side;
  company: string;
  /** The company's ERP (its WSDL address); absent: the hub's own ERP. */
  erp?: string;
  id: string;
  /** The document on the other side it mirrors. */
  counterpart: string;
  orderKey: string;
  currency: string;
  lines: Array<IntercompanyLine & { price: number; amount: number }>;
  amount: number;
}

function company(companies: readonly Company[], id: string, role: string, orderKey: string): Company {
  const c = companies.find((x) => x.id === id);
  if (!c) throw new SettlementError(`intercompany order ${orderKey}: ${role} ${id} is not a company of the group (master data: companies)`);
  return c;
}

function priced(order: IntercompanyOrder, lines: readonly IntercompanyLine[], prices: readonly TransferPrice[], currency: string) {
  const out = lines.map((l) => {
    // the price agreed for this buyer, else the seller's price to any company of the group
    const p = prices.find((t) => t.sku === l.sku && t.from === order.seller && t.to === order.buyer) ?? prices.find((t) => t.sku === l.sku && t.from === order.seller && t.to === undefined);
    if (!p) throw new SettlementError(`intercompany order ${order.orderKey}: line ${l.lineNumber} (${l.sku}) has no transfer price from ${order.seller} to ${order.buyer}`);
    if (p.currency !== currency) throw new SettlementError(`intercompany order ${order.orderKey}: the transfer price of ${l.sku} is in ${p.currency}, ${order.seller} invoices in ${currency}`);
    return { ...l, price: p.price, amount: fromMinor(toMinor(l.quantity * p.price, currency), currency) };
  });
  return { lines: out, amount: fromMinor(out.reduce((s, l) => s + toMinor(l.amount, currency), 0), currency) };
}

/** B's sales order and A's purchase order for the order, at the transfer price. */
export function intercompanyOrderDocuments(order: IntercompanyOrder, companies: readonly Company[], prices: readonly TransferPrice[]): { salesOrder: SideDocument; purchaseOrder: SideDocument } {
  if (order.buyer === order.seller) throw new SettlementError(`intercompany order ${order.orderKey}: buyer and seller are both ${order.buyer}`);
  const a = company(companies, order.buyer, "buyer", order.orderKey);
  const b = company(companies, order.seller, "seller", order.orderKey);
  const { lines, amount } = priced(order, order.lines, prices, b.currency);
  const so = documentId("ICSO", order.orderKey, b.id);
  const po = documentId("ICPO", order.orderKey, a.id);
  return {
    salesOrder: { kind: "sales-order", side: "seller", company: b.id, erp: b.erp, id: so, counterpart: po, orderKey: order.orderKey, currency: b.currency, lines, amount },
    purchaseOrder: { kind: "purchase-order", side: "buyer", company: a.id, erp: a.erp, id: po, counterpart: so, orderKey: order.orderKey, currency: b.currency, lines, amount },
  };
}

/** A document of B's that A must mirror: a delivery (→ goods receipt) or an invoice (→ supplier invoice). */
export interface SellerDocument {
  kind: "delivery" | "invoice";
  document: string;
  lines: IntercompanyLine[];
  /** The invoice's amount, checked against the transfer price. */
  amount?: number;
}

/** A's goods receipt for B's delivery, or A's supplier invoice for B's invoice, at the transfer price. */
export function mirrorSellerDocument(order: IntercompanyOrder, doc: SellerDocument, companies: readonly Company[], prices: readonly TransferPrice[]): { document: SideDocument; notes: string[] } {
  const a = company(companies, order.buyer, "buyer", order.orderKey);
  const b = company(companies, order.seller, "seller", order.orderKey);
  const { lines, amount } = priced(order, doc.lines, prices, b.currency);
  const kind = doc.kind === "delivery" ? "goods-receipt" : "supplier-invoice";
  const notes: string[] = [];
  if (doc.kind === "invoice" && doc.amount !== undefined && toMinor(doc.amount, b.currency) !== toMinor(amount, b.currency)) {
    notes.push(`invoice ${doc.document} of ${b.id} says ${money(doc.amount, b.currency)}; at the transfer price it is ${money(amount, b.currency)}: ${a.id} books ${money(amount, b.currency)}`);
  }
  const id = documentId(doc.kind === "delivery" ? "ICGR" : "ICSI", order.orderKey, doc.document);
  return { document: { kind, side: "buyer", company: a.id, erp: a.erp, id, counterpart: doc.document, orderKey: order.orderKey, currency: b.currency, lines, amount }, notes };
}

/** A change or cancellation made on one side, for the other side, once per source document. */
export function mirrorChange(order: IntercompanyOrder, from: Side, change: { document: string; purpose: "change" | "cancel"; lines?: IntercompanyLine[] }, companies: readonly Company[], prices: readonly TransferPrice[]): SideDocument {
  const to: Side = from === "buyer" ? "seller" : "buyer";
  const target = company(companies, to === "buyer" ? order.buyer : order.seller, to, order.orderKey);
  const currency = company(companies, order.seller, "seller", order.orderKey).currency;
  const { lines, amount } = change.purpose === "cancel" ? { lines: [], amount: 0 } : priced(order, change.lines ?? order.lines, prices, currency);
  const id = documentId(change.purpose === "cancel" ? "ICCX" : "ICCH", order.orderKey, to, change.document);
  return { kind: change.purpose === "cancel" ? "cancellation" : "change", side: to, company: target.id, erp: target.erp, id, counterpart: change.document, orderKey: order.orderKey, currency, lines, amount };
}
