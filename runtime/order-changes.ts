// Changes and cancellations in the order book. A change (a new revision of an order the hub decided) runs again only
// the rules its delta touches (domain/order/change.ts), keeps the previous revision's other decisions, and needs
// approval once the warehouse has picked the order. A released change replaces the previous revision's reservations
// and open order; until then the previous revision's promise stands. A cancellation takes back the order's
// reservations and its open order (credit), lets go a credit hold, and is confirmed as `order.cancellation-confirmed`.
import type { MasterIndex } from "../domain/master/master-index";
import type { Reservation } from "../domain/master/types";
import { atpCheck } from "../domain/order/atp";
import { orderAudit } from "../domain/order/audit";
import { buyerIdentity, orderKey, orderRef, purposeOf, type CanonicalOrder } from "../domain/order/canonical-order";
import { orderDelta } from "../domain/order/change";
import { creditCheck } from "../domain/order/credit";
import type { OrderDecidedEvent } from "../domain/order/decided";
import { worstOutcome, type Decision, type RuleName } from "../domain/order/decision";
import { evaluateOrder } from "../domain/order/evaluate";
import { priceCheck } from "../domain/order/price";
import type { OrderRevisionRecord, OrderRevisionState, OrderState } from "../store/order-types";
import type { MasterWrite } from "../store/types";
import type { OrderBook } from "./order-book";

export const CANCELLATION_CONFIRMED = "order.cancellation-confirmed";

const RULES: Record<RuleName, (o: CanonicalOrder, m: MasterIndex, at: string) => Decision> = { audit: orderAudit, price: priceCheck, credit: creditCheck, atp: atpCheck };

/** The confirmation of a cancellation: what it took back. Recorded and published like a decision event. */
export interface CancellationEvent {
  event: typeof CANCELLATION_CONFIRMED;
  orderKey: string;
  orderNumber: string;
  revision: number;
  buyer: string;
  outcome: "cancelled";
  at: string;
  reasons: string[];
  decisions: Decision[];
  /** The reservations and open orders of earlier revisions taken back. */
  released: { reservations: Reservation[]; openOrders: string[] };
  amount: { payable: number; currency: string };
  order: CanonicalOrder;
}

export const isCancellation = (e: { event: string }): e is CancellationEvent => e.event === CANCELLATION_CONFIRMED;

/** The latest revision decided before `revision`, with its order and event. */
function previousOf(state: OrderRevisionState | undefined, revision: number): { order: CanonicalOrder; event: OrderDecidedEvent } | undefined {
  const decided = (state?.revisions ?? []).filter((r) => r.revision < revision && r.order && r.event && r.state !== "cancelled").pop();
  return decided ? { order: JSON.parse(decided.order!) as CanonicalOrder, event: JSON.parse(decided.event!) as OrderDecidedEvent } : undefined;
}

/**
 * The master data as the rules read it, without the reservations and open orders of the order's other revisions (a
 * change replaces them: the revision before must not count against the one after, for stock or for credit).
 */
export function withoutOtherRevisions(master: MasterIndex, ref: string, own: string, buyer: string): MasterIndex {
  const other = (document: string) => document !== own && document.startsWith(`${ref}/`);
  const reservations = new Map<string, Map<string, readonly Reservation[]>>();
  for (const [sku, byWarehouse] of master.reservations) {
    const kept = new Map<string, readonly Reservation[]>();
    for (const [wh, list] of byWarehouse) kept.set(wh, list.filter((r) => !other(r.order)));
    reservations.set(sku, kept);
  }
  const items = master.openItems.get(buyer);
  if (!items?.some((o) => o.type === "open-order" && other(o.document))) return { ...master, reservations };
  const openItems = new Map(master.openItems);
  openItems.set(buyer, items.filter((o) => !(o.type === "open-order" && other(o.document))));
  return { ...master, reservations, openItems };
}

/** Reservations and open orders of the order's revisions other than `keep`, as master data deletes. */
export function otherRevisionWrites(master: MasterIndex, ref: string, buyer: string, keep?: string): { writes: MasterWrite[]; reservations: Reservation[]; openOrders: string[] } {
  const mine = (document: string) => document.startsWith(`${ref}/`) && document !== keep;
  const reservations = [...master.reservations.values()].flatMap((byWh) => [...byWh.values()].flat()).filter((r) => mine(r.order));
  const openOrders = (master.openItems.get(buyer) ?? []).filter((o) => o.type === "open-order" && mine(o.document)).map((o) => o.document);
  const writes: MasterWrite[] = [];
  if (reservations.length) writes.push({ kind: "reservations", mode: "delete", records: reservations.map(({ order, sku, warehouse }) => ({ order, sku, warehouse })) });
  if (openOrders.length) writes.push({ kind: "openItems", mode: "delete", records: openOrders.map((document) => ({ customer: buyer, document })) });
  return { writes, reservations, openOrders };
}

function pickedApproval(audit: Decision, pickedAt: number): Decision {
  const reason = `order-audit: the order was picked on ${new Date(pickedAt).toISOString().slice(0, 10)}; a change after picking needs approval`;
  return { ...audit, outcome: worstOutcome([audit.outcome, "approval"]), reasons: [reason, ...audit.reasons] } as Decision;
}

/**
 * Decides a change: the rules its delta touches run again on the book's view (without the order's other revisions'
 * reservations), the others' decisions on the previous revision stand; a change of an order the hub never decided is
 * judged whole. Returns the decision event, counted in the book as `decide` counts a release.
 */
export async function decideChange(book: OrderBook, order: CanonicalOrder, at: string): Promise<{ event: OrderDecidedEvent; rules: RuleName[]; delta: string[] }> {
  const ref = orderRef(order);
  const state = await book.store.orders.orderState(ref);
  const previous = previousOf(state, order.revision);
  const view = withoutOtherRevisions(book.view(), ref, orderKey(order), buyerIdentity(order.buyer));
  let decisions: Decision[];
  let rules: RuleName[] = ["audit", "price", "credit", "atp"];
  let delta: string[] = [];
  const cancelled = state?.revisions.find((r) => r.state === "cancelled" && r.revision < order.revision);
  if (cancelled) {
    // nothing left to change: the cancellation took the order back (and its revision holds no decisions to keep)
    const reason = `order-audit: order ${order.orderNumber} was cancelled in revision ${cancelled.revision}; a change cannot bring it back, send a new order`;
    decisions = [{ rule: "audit", outcome: "reject", reasons: [reason] }];
    rules = ["audit"];
  } else if (!previous) decisions = evaluateOrder(order, view, at).decisions;
  else {
    const d = orderDelta(previous.order, order);
    rules = d.rules;
    delta = d.reasons;
    decisions = previous.event.decisions.map((kept) => (rules.includes(kept.rule) ? RULES[kept.rule](order, view, at) : kept));
  }
  if (state?.pickedAt !== undefined) decisions = decisions.map((d) => (d.rule === "audit" ? pickedApproval(d, state.pickedAt!) : d));
  return { event: book.decide(order, { at, decisions }), rules, delta };
}

/** Confirms a cancellation: every reservation and open order of the order's revisions goes. */
export function decideCancellation(book: OrderBook, order: CanonicalOrder, at: string): CancellationEvent {
  const buyer = buyerIdentity(order.buyer);
  const { reservations, openOrders } = otherRevisionWrites(book.view(), orderRef(order), buyer);
  const took = `${reservations.length} reservation${reservations.length === 1 ? "" : "s"} and ${openOrders.length} open order${openOrders.length === 1 ? "" : "s"} released`;
  return {
    event: CANCELLATION_CONFIRMED,
    orderKey: orderKey(order),
    orderNumber: order.orderNumber,
    revision: order.revision,
    buyer,
    outcome: "cancelled",
    at,
    reasons: [`order ${order.orderNumber} rev ${order.revision} from buyer ${buyer}: cancelled by the buyer; ${took}`],
    decisions: [],
    released: { reservations, openOrders },
    amount: { payable: 0, currency: order.currency ?? "" },
    order,
  };
}

/** The revision record an event writes: the order's state from now on. */
export function revisionRecordOf(event: { orderKey: string; revision: number; outcome: string; order: CanonicalOrder }, now: number): OrderRevisionRecord {
  return {
    orderRef: orderRef(event.order),
    revision: event.revision,
    purpose: purposeOf(event.order),
    order: JSON.stringify(event.order),
    event: JSON.stringify(event),
    state: event.outcome as OrderState,
    recordedAt: now,
  };
}
