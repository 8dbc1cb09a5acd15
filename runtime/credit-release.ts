import type { MasterIndex } from "../domain/master/master-index";
import type { Customer, OpenItem } from "../domain/master/types";
import { atpCheck } from "../domain/order/atp";
import { applyPayment, creditCheck, releasableOrders } from "../domain/order/credit";
import { releasedFromHold, type CreditRelease, type OrderDecidedEvent } from "../domain/order/decided";
import type { CreditDecision } from "../domain/order/decision";
import { formatMoney, toMinor } from "../domain/order/money";
import { deriveMessageId } from "../nodes/shared/outbox";
import type { HeldOrderState, OrderBookWrite, OrderRelease, PaymentRecord } from "../store/order-types";
import type { HubStore, MasterWrite } from "../store/types";
import { EVENTS_EXCHANGE, type BrokerConnection } from "../connectors/amqp";
import { historyOf, releaseWrites, reservationsOf, openOrderOf, today, type OrderBook } from "./order-book";

/**
 * Orders held for credit, let go: by a `payment.received` (every held order of the customer that now fits, oldest
 * first) or by a credit controller (`POST /api/orders/{orderNumber}/release`, who and why recorded). A release is a
 * compare-and-set on the held order in the same transaction as the payment, the history and the master data it writes,
 * so each held order is let go once, whoever asks first. Its event goes out through the outbox under scope
 * `order.credit-released`: one message id per order, whichever way it was released.
 */

export const CREDIT_RELEASE_SCOPE = "order.credit-released";

export const releaseMessageId = (orderKey: string) => deriveMessageId(CREDIT_RELEASE_SCOPE, orderKey);

/** A payment as finance announces it. */
export interface PaymentReceived {
  /** The payment's own reference: a payment is applied once per reference. */
  payment: string;
  customer: string;
  amount: number;
  /** The invoice it settles; without one, the oldest due invoices first. */
  invoice?: string;
  currency?: string;
}

/** A payment that cannot be applied as it is (unknown customer, another currency): it fails alone, nothing changed. */
export class PaymentError extends Error {
  override name = "PaymentRefused";
}

/** The open items a payment changed: lowered or new (a credit on account) ones to write, settled ones to delete. */
function changedItems(before: readonly OpenItem[], after: readonly OpenItem[]): { upserts: OpenItem[]; deletes: OpenItem[] } {
  const kept = new Set(after);
  const documents = new Set(after.map((i) => i.document));
  return {
    upserts: after.filter((i) => !before.includes(i)),
    deletes: before.filter((i) => !kept.has(i) && !documents.has(i.document)).map((i) => ({ customer: i.customer, document: i.document }) as OpenItem),
  };
}

/** The index with a customer's open items as they are after a payment. */
function withOpenItems(view: MasterIndex, customer: string, items: readonly OpenItem[]): MasterIndex {
  const openItems = new Map(view.openItems);
  openItems.set(customer, items);
  return { ...view, openItems };
}

/**
 * The event for a held order let go on `release.at`: ATP promises again from what is free now, credit says who let it
 * go, and the other rules' decisions stand (an order that also needs approval goes to approval). Undefined when ATP
 * would hold it again (no warehouse to promise from): it stays held.
 */
function releaseEvent(view: MasterIndex, row: HeldOrderState, release: CreditRelease, reason: string): OrderDecidedEvent | undefined {
  const held = JSON.parse(row.event) as OrderDecidedEvent;
  const atp = atpCheck(held.order, view, release.at);
  const checked = creditCheck(held.order, view, release.at);
  const credit: CreditDecision = { rule: "credit", outcome: "ok", reasons: [`credit-check: ${reason}`], ...(checked.exposure ? { exposure: checked.exposure } : {}) };
  const event = releasedFromHold(held, credit, atp, release);
  return event.outcome === "held" ? undefined : event;
}

/** The transaction that lets these orders go (with a payment, when one did). */
function releaseWrite(events: readonly OrderDecidedEvent[], now: number, extra: { payment?: PaymentRecord; master?: MasterWrite[] } = {}): OrderBookWrite {
  const releases: OrderRelease[] = events.map((e) => ({
    orderKey: e.orderKey,
    releasedAt: now,
    by: e.release?.by,
    comment: e.release?.comment,
    payment: e.release?.payment,
    event: JSON.stringify(e),
  }));
  const only = new Set(["credit", "atp"]);
  return {
    payment: extra.payment,
    releases,
    decisions: events.flatMap((e) => historyOf(e, releaseMessageId(e.orderKey), now, only)),
    master: [...(extra.master ?? []), ...releaseWrites(events.filter((e) => e.outcome === "released"))],
  };
}

function countPending(book: OrderBook, events: readonly OrderDecidedEvent[]): void {
  for (const e of events) if (e.outcome === "released") book.pending.add(e.orderKey, reservationsOf(e), openOrderOf(e));
}

/** The events a payment applied before released, as it recorded them, to be sent again. */
async function releasedBy(book: OrderBook, record: PaymentRecord): Promise<OrderDecidedEvent[]> {
  const rows = await book.store.orders.heldOrders({ payment: record.payment, status: "released" });
  const byKey = new Map(rows.map((r) => [r.orderKey, r]));
  return record.releases.flatMap((key) => {
    const json = byKey.get(key)?.releaseEvent;
    return json ? [JSON.parse(json) as OrderDecidedEvent] : [];
  });
}

function customerFor(view: MasterIndex, payment: PaymentReceived): Customer {
  const customer = view.customers.get(payment.customer);
  if (!customer) throw new PaymentError(`payment ${payment.payment}: customer ${payment.customer} is not in the customer master, so there are no open items to apply it to`);
  if (payment.currency && payment.currency !== customer.currency) {
    throw new PaymentError(`payment ${payment.payment}: ${payment.amount} ${payment.currency} cannot be applied to customer ${customer.id}'s account in ${customer.currency} without an exchange rate`);
  }
  return customer;
}

/**
 * Applies a payment once: lowers the customer's open items (the named invoice, else the oldest due first; what is left
 * stays on account as a credit) and releases every held order of the customer that now fits, oldest first. Resolves
 * with the events to announce, one per released order; a payment applied before resolves with the events it released
 * then (to be sent again under their ids, which the outbox tells from new ones).
 */
export function receivePayment(book: OrderBook, payment: PaymentReceived): Promise<OrderDecidedEvent[]> {
  if (!(payment.amount > 0)) return Promise.reject(new PaymentError(`payment ${payment.payment}: amount ${payment.amount} is not a positive number`));
  return book.serially(async () => {
    for (let attempt = 0; ; attempt++) {
      const known = await book.store.orders.paymentRecord(payment.payment);
      if (known) return releasedBy(book, known);
      const now = book.clock();
      const at = today(book.clock);
      const view = book.view();
      const customer = customerFor(view, payment);
      const before = view.openItems.get(customer.id) ?? [];
      const after = applyPayment(before, { customer: customer.id, amount: payment.amount, invoice: payment.invoice, document: payment.payment }, customer.currency);
      const held = await book.store.orders.heldOrders({ customer: customer.id, status: "held" });
      const fits = releasableOrders(held.map((h) => ({ order: h.orderKey, amount: h.amount })), customer, after, at);
      const paid = formatMoney(toMinor(payment.amount, customer.currency), customer.currency);
      const events: OrderDecidedEvent[] = [];
      for (const { order } of fits) {
        const row = held.find((h) => h.orderKey === order)!;
        const release = { at, payment: payment.payment };
        // the customer's open items after the payment, with the orders released before this one
        const items = [...after, ...events.flatMap((e) => openOrderOf(e) ?? [])];
        const reason = `released on payment ${payment.payment} of ${paid}: the order now fits customer ${customer.id}'s credit line`;
        const event = releaseEvent(withOpenItems(book.view(), customer.id, items), row, release, reason);
        if (!event) continue;
        events.push(event);
        countPending(book, [event]);
      }
      const { upserts, deletes } = changedItems(before, after);
      const master: MasterWrite[] = [];
      if (upserts.length) master.push({ kind: "openItems", mode: "upsert", records: upserts });
      if (deletes.length) master.push({ kind: "openItems", mode: "delete", records: deletes });
      const record: PaymentRecord = { payment: payment.payment, customer: customer.id, amount: payment.amount, invoice: payment.invoice, appliedAt: now, releases: events.map((e) => e.orderKey) };
      const write = releaseWrite(events, now, { payment: record, master });
      const result = await book.store.orders.writeOrderBook(write).catch((err: unknown) => {
        for (const e of events) book.pending.drop(e.orderKey);
        throw err;
      });
      if (result.outcome === "done") {
        await book.applyToMaster(write.master ?? [], record.releases);
        return events;
      }
      for (const e of events) book.pending.drop(e.orderKey);
      // released by a credit controller or another hub meanwhile: decide again without them
      if (result.outcome === "not-held" && attempt < 3) continue;
      if (result.outcome === "payment-known") continue;
      throw new Error(`payment ${payment.payment}: the held orders kept changing while it was applied (${result.outcome}); try again`);
    }
  });
}

export interface ReleaseRequest {
  orderNumber: string;
  buyer?: string;
  revision?: number;
  by: string;
  comment: string;
}

export type ReleaseOutcome =
  | { kind: "released"; event: OrderDecidedEvent }
  | { kind: "unknown" }
  | { kind: "ambiguous"; buyers: string[] }
  | { kind: "not-held"; row: HeldOrderState }
  | { kind: "never-held"; outcome: string; orderKey: string }
  | { kind: "still-held"; reasons: string[]; orderKey: string };

/** The held order a credit controller names: its number, the buyer where the number alone is ambiguous, the latest revision unless one is named. */
async function namedOrder(book: OrderBook, request: ReleaseRequest): Promise<ReleaseOutcome | HeldOrderState> {
  const rows = (await book.store.orders.heldOrders({ orderNumber: request.orderNumber, buyer: request.buyer, status: "any" })).filter(
    (r) => request.revision === undefined || r.revision === request.revision,
  );
  if (rows.length === 0) {
    const history = await book.history({ orderNumber: request.orderNumber, buyer: request.buyer });
    const last = history.filter((e) => e.rule === "order" && (request.revision === undefined || e.revision === request.revision)).at(-1);
    return last ? { kind: "never-held", outcome: last.outcome, orderKey: last.orderKey } : { kind: "unknown" };
  }
  const buyers = [...new Set(rows.map((r) => r.buyer))].sort();
  if (buyers.length > 1) return { kind: "ambiguous", buyers };
  const latest = (list: HeldOrderState[]) => list.reduce((a, b) => (b.revision > a.revision ? b : a));
  const held = rows.filter((r) => r.status === "held");
  return held.length ? latest(held) : { kind: "not-held", row: latest(rows) };
}

/** A credit controller lets a held order go, whatever its exposure: recorded with who and why. */
export function releaseByController(book: OrderBook, request: ReleaseRequest): Promise<ReleaseOutcome> {
  return book.serially(async () => {
    const named = await namedOrder(book, request);
    if ("kind" in named) return named;
    const now = book.clock();
    const release = { at: today(book.clock), by: request.by, comment: request.comment };
    const event = releaseEvent(book.view(), named, release, `released by ${request.by}: ${request.comment}`);
    if (!event) return { kind: "still-held", orderKey: named.orderKey, reasons: atpCheck(JSON.parse(named.event).order, book.view(), release.at).reasons };
    countPending(book, [event]);
    const write = releaseWrite([event], now);
    const result = await book.store.orders.writeOrderBook(write).catch((err: unknown) => {
      book.pending.drop(event.orderKey);
      throw err;
    });
    if (result.outcome !== "done") {
      book.pending.drop(event.orderKey);
      const again = await namedOrder(book, request);
      return "kind" in again ? again : { kind: "not-held", row: again };
    }
    await book.applyToMaster(write.master ?? [], [event.orderKey]);
    return { kind: "released", event };
  });
}

/**
 * Announces a release made over REST through the outbox (scope order.credit-released): claimed with the event, published
 * with confirms under the order's release id, then marked done. An event already confirmed is not sent again
 * (`sent: false`); one a crash or a failed publish left pending is sent again, under the same id.
 */
export async function announceRelease(store: HubStore, broker: BrokerConnection, event: OrderDecidedEvent, now = Date.now()): Promise<{ messageId: string; sent: boolean; event: OrderDecidedEvent }> {
  const messageId = releaseMessageId(event.orderKey);
  const { outcome, record } = await store.claim(CREDIT_RELEASE_SCOPE, event.orderKey, messageId, JSON.stringify(event), now, "api");
  const stored = JSON.parse(record.payload) as OrderDecidedEvent;
  if (outcome === "done") return { messageId, sent: false, event: stored };
  await broker.publish(EVENTS_EXCHANGE, stored.event, Buffer.from(record.payload, "utf8"), {
    messageId,
    contentType: "application/json",
    timestamp: Math.floor(now / 1000),
    appId: "orderhub",
    type: stored.event,
  });
  await store.markDone(CREDIT_RELEASE_SCOPE, event.orderKey, Date.now());
  return { messageId, sent: true, event: stored };
}
