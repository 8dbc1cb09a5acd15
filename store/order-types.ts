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
export interface OrderBookWrite {
  decisions?: readonly DecisionEntry[];
  held?: readonly HeldOrderRecord[];
  releases?: readonly OrderRelease[];
  payment?: PaymentRecord;
  master?: readonly MasterWrite[];
}

/**
 * `done`: written. `payment-known`: the payment was applied before, nothing written. `not-held`: an order to release is
 * not held any more (released meanwhile), nothing written; `orders` names them.
 */
export type OrderBookWriteResult = { outcome: "done" } | { outcome: "payment-known" } | { outcome: "not-held"; orders: string[] };

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
}
