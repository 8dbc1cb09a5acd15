import { createHash } from "node:crypto";
import { withDecidedPrices } from "../../domain/fulfilment/decided-prices";
import type { EarlierInvoice, Invoice } from "../../domain/fulfilment/invoice";
import type { OrderDecidedEvent } from "../../domain/order/decided";
import { getMasterData } from "../../runtime/master-data";
import type { MasterIndex } from "../../domain/master/master-index";
import { getHubStore } from "../../store";
import type { InvoiceRecord } from "../../store/invoice-types";
import type { HubMessage } from "../shared/types";

/**
 * What the order-to-cash nodes (delivery-note, shipment-credit-check, invoice-build, ar-voucher, order-close) read
 * about an order: its released revision as the order book keeps it, its invoices, and the ids of the events they
 * announce. A failure here that is the message's fault names the order and what is missing.
 */

export class OrderFactsError extends Error {
  override name = "OrderFactsError";
}

/** `sha256:` of `orderKey|event|document`: the message id docs/ORDER-TO-CASH.md gives every order-to-cash event. */
export function eventMessageId(orderKey: string, event: string, document: string): string {
  return `sha256:${createHash("sha256").update(`${orderKey}|${event}|${document}`, "utf8").digest("hex")}`;
}

/** What an order-to-cash event says of the order and its document (docs/ORDER-TO-CASH.md). */
export interface OrderEventHead {
  orderKey: string;
  orderNumber: string;
  buyer: string;
  document: string;
  /** When it happened; now unless given. */
  at?: string;
}

/**
 * Puts the order-to-cash event `event` on the message for amqp-out: msg.topic, msg.messageId (eventMessageId) and
 * msg.event ({event, orderKey, orderNumber, buyer, system "hub", document, at} and what `more` adds).
 */
export function announceEvent(msg: HubMessage, event: string, head: OrderEventHead, more: Record<string, unknown> = {}): void {
  msg.topic = event;
  msg.messageId = eventMessageId(head.orderKey, event, head.document);
  msg.event = { event, orderKey: head.orderKey, orderNumber: head.orderNumber, buyer: head.buyer, system: "hub", document: head.document, at: head.at ?? new Date().toISOString(), ...more };
}

/** `<buyer>/<order number>` of an order key `<buyer>/<order number>/<revision>`. */
export function orderRefOf(orderKey: string): string {
  const cut = orderKey.lastIndexOf("/");
  if (cut <= 0 || !/^\d+$/.test(orderKey.slice(cut + 1))) throw new OrderFactsError(`"${orderKey}" is no order key (buyer/order number/revision, as C-NORTH/PO-1001/0)`);
  return orderKey.slice(0, cut);
}

/** The `order.released` of the revision the key names, as the order book recorded it, its unpriced lines at the list price. */
export async function releasedOrder(orderKey: string): Promise<OrderDecidedEvent> {
  orderRefOf(orderKey);
  // held for credit and let go since: the release is the decision in force
  const json = await getHubStore().orders.decisionInForce(orderKey);
  if (!json) throw new OrderFactsError(`order ${orderKey}: the hub has no decision recorded for this revision (is it an order the decisions flow released?)`);
  const event = JSON.parse(json) as OrderDecidedEvent;
  if (event.outcome !== "released") throw new OrderFactsError(`order ${orderKey} is ${event.outcome}, not released: nothing of it is to be shipped or invoiced`);
  // a line the order states no price for is shipped, weighed against credit and billed at the list price it was released at
  return { ...event, order: withDecidedPrices(event.order, event.decisions) };
}

/** The latest decided revision's order of the order the key names (any revision of it). */
export async function latestOrder(orderKey: string): Promise<OrderDecidedEvent> {
  const ref = orderRefOf(orderKey);
  const state = await getHubStore().orders.orderState(ref);
  const decided = (state?.revisions ?? []).filter((r) => r.event).sort((a, b) => b.revision - a.revision)[0];
  if (!decided?.event) throw new OrderFactsError(`order ${ref}: the hub has no decided revision of it`);
  return JSON.parse(decided.event) as OrderDecidedEvent;
}

export async function invoicesOf(orderKey: string): Promise<InvoiceRecord[]> {
  return getHubStore().invoices.forOrder(orderRefOf(orderKey));
}

export const earlierOf = (records: readonly InvoiceRecord[]): EarlierInvoice[] => records.map((r) => ({ invoiceId: r.invoiceId, lines: r.lines }));

export const summaryOf = (record: InvoiceRecord): Invoice => JSON.parse(record.summary) as Invoice;

/** The master data once it is loaded (the hub loads it before the flows start). */
export async function masterIndex(): Promise<MasterIndex> {
  const master = getMasterData();
  return master.isReady ? master.current() : master.ready();
}

/** The order key a message names: msg.payload.orderKey, else msg.orderKey. */
export function orderKeyOf(msg: HubMessage, node: string): string {
  const p = msg.payload as { orderKey?: unknown } | undefined;
  const key = (typeof p === "object" && p !== null ? p.orderKey : undefined) ?? msg.orderKey;
  if (typeof key !== "string" || key === "") throw new OrderFactsError(`${node}: msg.payload.orderKey (or msg.orderKey) must name the order (buyer/order number/revision); it is ${key === undefined ? "missing" : JSON.stringify(key)}`);
  return key;
}

/** Runs the work for one order after the work already under way for it: two messages of one order never interleave. */
export class PerOrder {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
