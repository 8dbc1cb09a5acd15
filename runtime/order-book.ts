import type { MasterIndex } from "../domain/master/master-index";
import type { MasterData, OpenItem, Reservation } from "../domain/master/types";
import { orderRef, type CanonicalOrder } from "../domain/order/canonical-order";
import { decidedEvent, creditDecisionOf, type OrderDecidedEvent } from "../domain/order/decided";
import type { ConfirmedQuantity } from "../domain/order/approval";
import { approvedRelease, movedReservations } from "../domain/order/approved-release";
import type { Decision, PushedBack } from "../domain/order/decision";
import type { OrderEvaluation } from "../domain/order/evaluate";
import { logger } from "../observability/logger";
import { getHubStore } from "../store";
import type { DecisionEntry, HeldOrderRecord, OrderBookWrite, OrderBookWriteResult } from "../store/order-types";
import type { HubStore, MasterKind, MasterWrite } from "../store/types";
import { getMasterData, type MasterDataService } from "./master-data";
import { isCancellation, otherRevisionWrites, revisionRecordOf, withoutOtherRevisions, type CancellationEvent } from "./order-changes";
import { PendingReleases } from "./pending-releases";
import { today } from "./today";

export { today };

/**
 * The order book: what the hub decided about each order and what follows from it. Releasing an order reserves what
 * ATP confirmed and counts the order as an open order of its customer (master data, so that the next order sees both);
 * holding one keeps it for a payment or a credit controller (credit-release.ts); every decision goes into the order's
 * history for the timeline. Each of these is one store transaction, written once per event: a decision recorded again
 * after a crash records nothing twice. Between a release and the master data's index holding it, the rules read the
 * index with the release counted already (`view()`, pending-releases.ts).
 */
export class OrderBook {
  readonly pending: PendingReleases;
  /** Master data changes this book asked for, by their source, with the orders they hold. */
  private readonly applying = new Map<string, string[]>();
  private masterChanges = 0;
  private sequence = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: HubStore,
    readonly master: MasterDataService,
    readonly clock: () => number = Date.now,
  ) {
    this.pending = new PendingReleases(clock);
    master.onChange((change) => {
      this.masterChanges++;
      const orders = this.applying.get(change.source);
      if (!orders) return;
      this.applying.delete(change.source);
      for (const key of orders) this.pending.drop(key);
    });
  }

  ready(): Promise<MasterIndex> {
    return this.master.ready();
  }

  get isReady(): boolean {
    return this.master.isReady;
  }

  /** Goes up whenever what the rules read changes: a decision made on an older version may be out of date. */
  get version(): number {
    return this.masterChanges + this.pending.version;
  }

  /** The master data the rules read: the index, with the orders released since it was built counted. */
  view(): MasterIndex {
    return this.pending.view(this.master.current());
  }

  /**
   * The event for an evaluated order. A released order's reservations and open order count from this moment on, so
   * that the next order is evaluated against them; `record()` makes them lasting, `forget()` takes them back.
   */
  decide(order: CanonicalOrder, evaluation: Pick<OrderEvaluation, "at" | "decisions">): OrderDecidedEvent {
    const event = decidedEvent(order, evaluation);
    if (event.outcome === "released") this.pending.add(event.orderKey, reservationsOf(event), openOrderOf(event));
    return event;
  }

  /** What was counted for an order that goes no further (a repeat: its first decision stands). */
  forget(orderKey: string): void {
    this.pending.drop(orderKey);
  }

  /**
   * Records a decided order: its history; a held order, to be let go later; a released one's reservations and open
   * order. `eventId` is the event's message id: recording the same event again records nothing twice.
   */
  async record(event: OrderDecidedEvent, eventId: string): Promise<void> {
    if (isCancellation(event)) return this.recordCancellation(event, eventId);
    const now = this.clock();
    const master = event.outcome === "released" ? releaseWrites([event]) : [];
    // a released change replaces the promise and the open order of the order's earlier revisions (order-changes.ts)
    if (event.outcome === "released" && event.order && event.order.purpose === "change") {
      master.push(...otherRevisionWrites(this.view(), orderRef(event.order), event.buyer, event.orderKey).writes);
    }
    // a change supersedes the earlier revisions' credit holds: a payment must not let an outdated revision go later
    const superseded =
      event.order?.purpose === "change"
        ? (await this.store.orders.heldOrders({ orderNumber: event.orderNumber, buyer: event.buyer })).filter((h) => h.orderKey !== event.orderKey && h.revision < event.revision)
        : [];
    const write = (held: readonly { orderKey: string }[]) =>
      this.store.orders.writeOrderBook({
        ...(event.order ? { revision: revisionRecordOf(event, now) } : {}),
        decisions: historyOf(event, eventId, now),
        held: event.outcome === "held" ? [heldRecordOf(event, now)] : [],
        releases: held.map((h) => ({ orderKey: h.orderKey, releasedAt: now, by: "orderhub", comment: `superseded by ${event.orderKey}`, event: eventId })),
        master,
      });
    const result = await write(superseded);
    // a payment let one of them go meanwhile: nothing was written, so write again without it
    if (result.outcome === "not-held") await write(superseded.filter((h) => !result.orders.includes(h.orderKey)));
    if (master.length) await this.applyToMaster(master, [event.orderKey]);
    else this.pending.drop(event.orderKey);
  }

  /**
   * A confirmed cancellation: its history, the revision's state, a credit hold let go, and every reservation and open
   * order of the order's revisions deleted, in one transaction. It takes its turn with payments and credit releases
   * (`serially`), so a release of the held order either comes first (the cancellation then deletes what the release
   * reserved) or finds the hold let go and releases nothing; should another hub release it between the read and the
   * write, the write is refused and made again on what is there then. Never resolves without having written.
   */
  private recordCancellation(event: CancellationEvent, eventId: string): Promise<void> {
    return this.serially(async () => {
      for (let attempt = 0; ; attempt++) {
        const now = this.clock();
        const held = await this.store.orders.heldOrders({ orderNumber: event.orderNumber, buyer: event.buyer });
        const { writes, reservations, openOrders } = otherRevisionWrites(this.view(), orderRef(event.order), event.buyer);
        const head = { orderKey: event.orderKey, orderNumber: event.orderNumber, buyer: event.buyer, revision: event.revision, event: eventId, at: event.at, recordedAt: now };
        const result = await this.store.orders.writeOrderBook({
          revision: revisionRecordOf(event, now),
          decisions: [{ ...head, rule: "order", outcome: "cancelled", reasons: event.reasons, detail: { released: { reservations, openOrders } } }],
          releases: held.map((h) => ({ orderKey: h.orderKey, releasedAt: now, by: "orderhub", comment: `cancelled by ${event.orderKey}`, event: eventId })),
          master: writes,
        });
        if (result.outcome === "done") {
          if (writes.length) await this.applyToMaster(writes, [event.orderKey]);
          return;
        }
        if (attempt >= 3) throw new Error(`cancellation ${event.orderKey}: the order's credit holds kept being released by others while it was recorded (${result.outcome}); nothing recorded, the message is tried again`);
      }
    });
  }

  /**
   * The outcome of an approval, as the approval desk announces it (runtime/approval-desk.ts, its `RecordDecision`):
   * the approver's word and the order's outcome in the order's history, and for an approved order its reservations and
   * open order, as a release in the decisions flow writes them, in one transaction. The promise is made on the master
   * data as it is now (domain/order/approved-release.ts): a rush order whose proposal still holds takes the supply it
   * was approved to take (the pushed-back orders' reservations move to their new dates in the same transaction); an
   * order whose confirmed stock went to other orders meanwhile is promised again. Resolves with what was recorded, for
   * the events: recording the same event again records nothing twice and resolves with what the first record wrote.
   */
  async recordApproval(event: ApprovalOutcomeEvent, eventId: string): Promise<RecordedApproval> {
    const now = this.clock();
    const released = event.outcome === "released";
    const by = event.approval?.decidedBy ?? undefined;
    const comment = event.approval?.comment ?? undefined;
    const head = { orderKey: event.orderKey, orderNumber: event.orderNumber, buyer: event.buyer, revision: event.revision, event: eventId, at: event.at, recordedAt: now };
    const word = released ? `approved${by ? ` by ${by}` : ""}${comment ? `: ${comment}` : ""}` : (event.reason ?? event.reasons[0] ?? "rejected");
    if (!released || !event.order) {
      const decisions: DecisionEntry[] = [
        { ...head, rule: "approval", outcome: released ? "ok" : "reject", reasons: [word], ...(by ? { by, comment } : {}) },
        { ...head, rule: "order", outcome: event.outcome, reasons: event.reasons, detail: event.confirmations ? { confirmations: event.confirmations } : undefined },
      ];
      const master = released ? releaseWrites([event as OrderDecidedEvent]) : [];
      if (released) this.pending.add(event.orderKey, reservationsOf(event), openOrderOf(event));
      await this.write({ decisions, master }, event.orderKey);
      if (master.length) await this.applyToMaster(master, [event.orderKey]);
      return {};
    }
    // from the view to the pending entry in one synchronous step: no other decision in this process comes in between
    const ref = orderRef(event.order);
    const view = withoutOtherRevisions(this.view(), ref, event.orderKey, event.buyer);
    const plan = approvedRelease(event.order, event.decisions, view, today(this.clock));
    const promised = { ...event, confirmations: plan.confirmations } as OrderDecidedEvent;
    const moved = movedReservations(view, plan.moves);
    const rescheduled = plan.moves.map(({ before: _before, ...m }) => m);
    const master = releaseWrites([promised]);
    if (moved.some((r) => r.quantity > 0)) master.push({ kind: "reservations", mode: "upsert", records: moved.filter((r) => r.quantity > 0) });
    if (moved.some((r) => r.quantity <= 0)) master.push({ kind: "reservations", mode: "delete", records: moved.filter((r) => r.quantity <= 0).map(({ order, sku, warehouse }) => ({ order, sku, warehouse })) });
    // an approved change replaces the promise and the open order of the order's earlier revisions, as a released one does
    if (event.order.purpose === "change") master.push(...otherRevisionWrites(this.view(), ref, event.buyer, event.orderKey).writes);
    const decisions: DecisionEntry[] = [
      { ...head, rule: "approval", outcome: "ok", reasons: [word, ...plan.reasons], ...(rescheduled.length ? { detail: { rescheduled } } : {}), ...(by ? { by, comment } : {}) },
      { ...head, rule: "order", outcome: event.outcome, reasons: [...plan.reasons, ...event.reasons], detail: { confirmations: plan.confirmations } },
    ];
    this.pending.add(event.orderKey, [...reservationsOf(promised), ...moved.filter((r) => r.quantity > 0)], openOrderOf(event));
    const result = await this.write({ decisions, master, once: true }, event.orderKey);
    if (result.outcome === "recorded") {
      this.pending.drop(event.orderKey);
      return this.recordedApproval(event.orderKey, eventId);
    }
    await this.applyToMaster(master, [event.orderKey]);
    return { confirmations: plan.confirmations, rescheduled, reasons: plan.reasons };
  }

  /** What an approval's event recorded before: the promise and the pushed-back orders, from the order's history. */
  private async recordedApproval(orderKey: string, eventId: string): Promise<RecordedApproval> {
    const entries = (await this.history({ orderKey })).filter((e) => e.event === eventId);
    const approval = entries.find((e) => e.rule === "approval");
    const outcome = entries.find((e) => e.rule === "order");
    return {
      confirmations: (outcome?.detail as { confirmations?: ConfirmedQuantity[] } | undefined)?.confirmations,
      rescheduled: (approval?.detail as { rescheduled?: PushedBack[] } | undefined)?.rescheduled ?? [],
      reasons: approval ? approval.reasons.slice(1) : [],
    };
  }

  /** An order book write; what it counted for the order is taken back when it fails. */
  private async write(write: OrderBookWrite, orderKey: string): Promise<OrderBookWriteResult> {
    try {
      return await this.store.orders.writeOrderBook(write);
    } catch (err) {
      this.pending.drop(orderKey);
      throw err;
    }
  }

  /** An order's history: by key, or every revision of the number (the buyer's, with `buyer`), oldest entry first. */
  history(query: { orderKey?: string; orderNumber?: string; buyer?: string }): Promise<DecisionEntry[]> {
    return this.store.orders.orderHistory(query);
  }

  /** Runs `work` after every release and payment asked before it: they read and change the same open items. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Master data written in the store with the order book brought into the master data's memory and index (the store
   * holds it already: this writes the same records again). The orders' pending entries go as the index takes them.
   * A failure here leaves the store right and the memory behind until the next start: it is logged, not thrown.
   */
  async applyToMaster(writes: readonly MasterWrite[], orders: readonly string[]): Promise<void> {
    const source = `order book #${++this.sequence}: ${orders.slice(0, 3).join(", ")}${orders.length > 3 ? ` and ${orders.length - 3} more` : ""}`;
    this.applying.set(source, [...orders]);
    try {
      const bundle: Partial<Record<MasterKind, object[]>> = {};
      for (const w of writes) if (w.kind !== "settings" && w.mode === "upsert") bundle[w.kind] = [...(bundle[w.kind] ?? []), ...w.records];
      if (Object.keys(bundle).length) await this.master.applyBundle(bundle as MasterData, "upsert", source);
      for (const w of writes) if (w.kind !== "settings" && w.mode === "delete") await this.master.remove(w.kind, w.records, source);
    } catch (err) {
      logger.error({ err, orders }, `order book: stored, but the master data in memory missed it until the next start: ${(err as Error).message}`);
    } finally {
      if (this.applying.delete(source)) for (const key of orders) this.pending.drop(key);
    }
  }
}

/** What ATP confirmed, as reservations under the order's key: one per item and warehouse (the master data's key), on its earliest date. */
export function reservationsOf(event: Pick<OrderDecidedEvent, "orderKey" | "confirmations">): Reservation[] {
  const byKey = new Map<string, Reservation>();
  for (const c of event.confirmations ?? []) {
    // a consignment issue's goods are at the customer's site: nothing of a warehouse is promised
    if (!(c.quantity > 0) || c.source === "consignment") continue;
    const key = `${c.sku}\u0000${c.warehouse}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { sku: c.sku, warehouse: c.warehouse, quantity: c.quantity, date: c.date, order: event.orderKey });
    else {
      seen.quantity = Math.round((seen.quantity + c.quantity) * 1e6) / 1e6;
      if (c.date < seen.date) seen.date = c.date;
    }
  }
  return [...byKey.values()];
}

/** A released order as an open order of its customer, at what credit-check counted it (none for a customer the master lacks). */
export function openOrderOf(event: Pick<OrderDecidedEvent, "orderKey" | "buyer" | "decisions">): OpenItem | undefined {
  const exposure = creditDecisionOf(event.decisions)?.exposure;
  if (!exposure) return undefined;
  return { customer: event.buyer, type: "open-order", document: event.orderKey, amount: exposure.thisOrder };
}

/** The master data releasing these orders writes: their reservations and open orders. */
export function releaseWrites(events: readonly OrderDecidedEvent[]): MasterWrite[] {
  const reservations = events.flatMap(reservationsOf);
  const openItems = events.flatMap((e) => openOrderOf(e) ?? []);
  const writes: MasterWrite[] = [];
  if (reservations.length) writes.push({ kind: "reservations", mode: "upsert", records: reservations });
  if (openItems.length) writes.push({ kind: "openItems", mode: "upsert", records: openItems });
  return writes;
}

/** The figures behind a decision, without what the entry has already. */
function detailOf(d: Decision): unknown {
  const { rule: _rule, outcome: _outcome, reasons: _reasons, ...detail } = d;
  return Object.keys(detail).length ? detail : undefined;
}

/** The history entries of an event: each rule's decision, then the order's outcome. */
export function historyOf(event: OrderDecidedEvent, eventId: string, now: number, only?: ReadonlySet<string>): DecisionEntry[] {
  const head = { orderKey: event.orderKey, orderNumber: event.orderNumber, buyer: event.buyer, revision: event.revision, event: eventId, at: event.at, recordedAt: now };
  const who = event.release?.by ? { by: event.release.by, comment: event.release.comment } : {};
  const rules: DecisionEntry[] = event.decisions
    .filter((d) => !only || only.has(d.rule))
    .map((d) => ({ ...head, rule: d.rule, outcome: d.outcome, reasons: d.reasons, detail: detailOf(d), ...(d.rule === "credit" ? who : {}) }));
  const detail = event.confirmations ? { confirmations: event.confirmations } : undefined;
  return [...rules, { ...head, rule: "order", outcome: event.outcome, reasons: event.reasons, detail, ...who }];
}

export function heldRecordOf(event: OrderDecidedEvent, now: number): HeldOrderRecord {
  const exposure = creditDecisionOf(event.decisions)?.exposure;
  return {
    orderKey: event.orderKey,
    orderNumber: event.orderNumber,
    buyer: event.buyer,
    revision: event.revision,
    customer: event.buyer,
    amount: exposure?.thisOrder ?? event.amount.payable,
    currency: exposure?.currency ?? event.amount.currency,
    heldAt: now,
    at: event.at,
    event: JSON.stringify(event),
  };
}

/** An approval's `order.released` or `order.rejected`, as far as the order book reads it. */
export type ApprovalOutcomeEvent = Pick<OrderDecidedEvent, "orderKey" | "orderNumber" | "revision" | "buyer" | "at" | "reasons" | "decisions" | "confirmations"> & {
  outcome: string;
  order?: CanonicalOrder;
  reason?: string;
  approval?: { decidedBy?: string | null; comment?: string | null };
};

/**
 * What the order book recorded for an approval's event, for the events the desk publishes: the approved order's
 * promise (`confirmations`), the pushed-back orders' reservations it moved (`rescheduled`) and why the promise differs
 * from the evaluation's (`reasons`). Empty for a rejection.
 */
export interface RecordedApproval {
  confirmations?: ConfirmedQuantity[];
  rescheduled?: PushedBack[];
  reasons?: string[];
}

let book: OrderBook | undefined;

/** The process's order book, on the process's store and master data (a store replaced in tests gets a book of its own). */
export function getOrderBook(): OrderBook {
  const store = getHubStore();
  if (book?.store !== store) book = new OrderBook(store, getMasterData());
  return book;
}
