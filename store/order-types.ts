/**
 * The order book: what the hub decided about each order, and the orders it holds for credit, kept in the store so that
 * the order timeline can read every decision and a restart resumes the held orders. Part of HubStore (types.ts).
 */
import type { MasterWrite } from "./types";

/** One line of an order's history: a rule's decision, the order's outcome, or a release, with its reasons. */
export interface DecisionEntry {
  orderKey: string;
  orderNumber: string;
  buyer: string;
  revision: number;
  /**
   * The event the entry came with (its message id): writing an entry again for the same event, rule and step does
   * nothing, so a decision re-sent after a crash is recorded once.
   */
  event: string;
  /** audit, price, credit, atp, or order for the order's outcome. */
  rule: string;
  outcome: string;
  /** The evaluation date the decision was made on. */
  at: string;
  reasons: string[];
  /** The figures behind the decision: price and ATP lines, the exposure. */
  detail?: unknown;
  /** Who released an order by hand, and why. */
  by?: string;
  comment?: string;
  /** Epoch ms. */
  recordedAt: number;
}

/** An order held for credit: what it adds to its customer's exposure, and the decision that held it. */
export interface HeldOrderRecord {
  orderKey: string;
  orderNumber: string;
  buyer: string;
  revision: number;
  customer: string;
  /** What the order adds to the exposure, in the customer's currency. */
  amount: number;
  currency: string;
  /** Epoch ms: release goes oldest first. */
  heldAt: number;
  /** The evaluation date it was held on. */
  at: string;
  /** The `order.held` event as JSON (the order and its decisions in it). */
  event: string;
}

export interface HeldOrderState extends HeldOrderRecord {
  status: "held" | "released";
  releasedAt: number | null;
  releasedBy: string | null;
  comment: string | null;
  payment: string | null;
  /** The event its release was announced with, as JSON. */
  releaseEvent: string | null;
}

/** A held order let go: recorded only where it is still held (the first release wins). */
export interface OrderRelease {
  orderKey: string;
  releasedAt: number;
  by?: string;
  comment?: string;
  payment?: string;
  event: string;
}

/** A payment applied to a customer's open items, once, and the held orders it released. */
export interface PaymentRecord {
  payment: string;
  customer: string;
  amount: number;
  invoice?: string;
  appliedAt: number;
  /** The keys of the orders it released, oldest first. */
  releases: string[];
}

/** What one transaction writes: entries, held orders, releases, a payment, and the master data that goes with them. */
/** What an order is now: released, held, needs-approval, rejected or cancelled (its latest decided revision's outcome). */
export type OrderState = "released" | "held" | "needs-approval" | "rejected" | "cancelled" | "received";

/** A decided revision of an order, as the order book keeps it (schema step 7). */
export interface OrderRevisionRecord {
  /** `<buyer>/<order number>`: the order across its revisions. */
  orderRef: string;
  revision: number;
  purpose: "order" | "change" | "cancel";
  /** The canonical order of this revision, as JSON. */
  order: string;
  /** Its decision event, as JSON. */
  event: string;
  state: OrderState;
  recordedAt: number;
}

/** An order across its revisions: the latest decided one, its state, whether it was picked, and every revision's record. */
export interface OrderRevisionState {
  orderRef: string;
  revision: number;
  state: OrderState;
  /** When the warehouse picked it (epoch ms); a change from then on needs approval. */
  pickedAt?: number;
  revisions: { revision: number; purpose: string; state: string; order?: string; event?: string; document?: string }[];
}

export interface OrderBookWrite {
  /** The revision decided, with the order's new state (only a revision at least as recent as the current one moves it). */
  revision?: OrderRevisionRecord;
  decisions?: readonly DecisionEntry[];
  held?: readonly HeldOrderRecord[];
  releases?: readonly OrderRelease[];
  payment?: PaymentRecord;
  master?: readonly MasterWrite[];
  /**
   * Written once per event: when the first of `decisions` is recorded already (the same event recorded before a
   * crash), nothing is written (`recorded`). For writes whose master data is not idempotent (a reservation moved).
   */
  once?: boolean;
}

/**
 * `done`: written. `payment-known`: the payment was applied before, nothing written. `not-held`: an order to release is
 * not held any more (released meanwhile), nothing written; `orders` names them. `recorded`: a `once` write whose
 * event was recorded before, nothing written.
 */
export type OrderBookWriteResult = { outcome: "done" } | { outcome: "payment-known" } | { outcome: "not-held"; orders: string[] } | { outcome: "recorded" };

export interface OrderQuery {
  orderKey?: string;
  orderNumber?: string;
  buyer?: string;
  customer?: string;
  /** Default: held. */
  status?: "held" | "released" | "any";
  payment?: string;
}

export interface OrderStore {
  writeOrderBook(write: OrderBookWrite): Promise<OrderBookWriteResult>;
  /** An order's history by key, or every order with the number (of the buyer), oldest entry first. */
  orderHistory(query: Pick<OrderQuery, "orderKey" | "orderNumber" | "buyer">): Promise<DecisionEntry[]>;
  /** Held (or released) orders, oldest held first. */
  heldOrders(query: OrderQuery): Promise<HeldOrderState[]>;
  paymentRecord(payment: string): Promise<PaymentRecord | undefined>;
  /**
   * The revision of a change or cancellation whose document gives none: the one given to the same document before
   * (a redelivery), else the order's highest revision known + 1 (1 when none is known: the original is revision 0).
   */
  assignRevision(orderRef: string, document: string, purpose: "change" | "cancel", now: number): Promise<number>;
  /** The order's revisions and state, or undefined for an order the hub never decided or numbered. */
  orderState(orderRef: string): Promise<OrderRevisionState | undefined>;
  /** The warehouse picked the order: a change from now on needs approval. False for an order the hub does not know. */
  markPicked(orderRef: string, now: number): Promise<boolean>;
  /**
   * The decision an order revision stands under now (its event's JSON): the revision's own, or for one held for credit
   * and let go since (by a payment or a credit controller), the release, which the hold keeps; undefined for a
   * revision the hub never decided. The revision's own stays as it was decided (the change and cancellation rules read
   * it), so readers that ship and bill ask here.
   */
  decisionInForce(orderKey: string): Promise<string | undefined>;
}
