import { buyerIdentity, orderKey, type CanonicalOrder } from "./canonical-order";
import { type AtpDecision, type CreditDecision, type Decision, type RuleOutcome } from "./decision";
import { orderOutcome, type OrderEvaluation, type OrderOutcome } from "./evaluate";

/**
 * What an evaluated order becomes: the event the hub announces (`order.released` with what ATP confirmed,
 * `order.held`, `order.rejected`, `order.needs-approval`, each with its reasons), and the dry run's answer. Pure: the
 * caller publishes, records and reserves.
 */

export type DecisionEventName = "order.released" | "order.held" | "order.rejected" | "order.needs-approval";

export const EVENT_OF_OUTCOME: Readonly<Record<OrderOutcome, DecisionEventName>> = {
  released: "order.released",
  held: "order.held",
  rejected: "order.rejected",
  "needs-approval": "order.needs-approval",
};

/** A quantity ATP confirmed for a line: what the plant ships, when and from where. */
export interface ConfirmedLine {
  lineNumber: string;
  sku: string;
  quantity: number;
  date: string;
  warehouse: string;
  source: "supply" | "lead-time" | "consignment";
}

/** How an order held for credit was let go: by a payment, or by a credit controller who says who and why. */
export interface CreditRelease {
  /** The day the order was released on (its ATP promised from then). */
  at: string;
  payment?: string;
  by?: string;
  comment?: string;
}

/** The body of every decision event, the same for the four outcomes; `confirmations` only on `order.released`. */
export interface OrderDecidedEvent {
  event: DecisionEventName;
  orderKey: string;
  orderNumber: string;
  revision: number;
  /** The buyer as the hub names it (id, else GLN, else name); the order has the whole party. */
  buyer: string;
  outcome: OrderOutcome;
  /** The evaluation date the decisions were made on. */
  at: string;
  /** Why, in the order desk's words: the reasons of the rules that did not say ok, the weightiest first. */
  reasons: string[];
  /** For an `order.rejected` reader of the intake's events: the reasons as one sentence. */
  reason?: string;
  amount: { payable: number; currency: string };
  confirmations?: ConfirmedLine[];
  decisions: Decision[];
  /** Set when the order had been held for credit and is let go now. */
  release?: CreditRelease;
  order: CanonicalOrder;
}

const SEVERITY: Record<RuleOutcome, number> = { ok: 0, approval: 1, hold: 2, reject: 3 };

export function atpDecisionOf(decisions: readonly Decision[]): AtpDecision | undefined {
  return decisions.find((d): d is AtpDecision => d.rule === "atp");
}

export function creditDecisionOf(decisions: readonly Decision[]): CreditDecision | undefined {
  return decisions.find((d): d is CreditDecision => d.rule === "credit");
}

export function confirmationsOf(atp: Pick<AtpDecision, "lines"> | undefined): ConfirmedLine[] {
  return (atp?.lines ?? []).flatMap((l) => l.confirmations.map((c) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: c.quantity, date: c.date, warehouse: c.warehouse, source: c.source })));
}

/** The reasons of the rules that did not say ok, worst first; for an order that passed every rule, ATP's notes on its promise. */
export function reasonsOf(decisions: readonly Decision[]): string[] {
  const questioned = decisions.filter((d) => d.outcome !== "ok").sort((a, b) => SEVERITY[b.outcome] - SEVERITY[a.outcome]);
  if (questioned.length) return questioned.flatMap((d) => d.reasons);
  return atpDecisionOf(decisions)?.reasons ?? [];
}

/** The event for an evaluated order (or one let go from a credit hold, with `release`). */
export function decidedEvent(order: CanonicalOrder, evaluation: Pick<OrderEvaluation, "at" | "decisions">, release?: CreditRelease): OrderDecidedEvent {
  const outcome = orderOutcome(evaluation.decisions);
  const reasons = reasonsOf(evaluation.decisions);
  return {
    event: EVENT_OF_OUTCOME[outcome],
    orderKey: orderKey(order),
    orderNumber: order.orderNumber,
    revision: order.revision,
    buyer: buyerIdentity(order.buyer),
    outcome,
    at: evaluation.at,
    reasons,
    ...(outcome === "rejected" ? { reason: reasons.join("; ") } : {}),
    amount: { payable: order.totals.payable, currency: order.currency },
    ...(outcome === "released" ? { confirmations: confirmationsOf(atpDecisionOf(evaluation.decisions)) } : {}),
    decisions: evaluation.decisions,
    ...(release ? { release } : {}),
    order,
  };
}

/**
 * An order held for credit, let go: credit's hold replaced by the release's own decision, ATP promised again on the day
 * of the release (what was free when it was held may be gone). The order's outcome follows from the decisions as
 * always: an order that also needs approval goes on to approval now.
 */
export function releasedFromHold(held: OrderDecidedEvent, credit: CreditDecision, atp: AtpDecision, release: CreditRelease): OrderDecidedEvent {
  const decisions = held.decisions.map((d) => (d.rule === "credit" ? credit : d.rule === "atp" ? atp : d));
  return decidedEvent(held.order, { at: release.at, decisions }, release);
}

/** The dry run's answer for one order: exactly the fields `POST /api/orders/evaluate` and `orderhub evaluate` print. */
export interface DryRunDecision {
  rule: Decision["rule"];
  outcome: RuleOutcome;
  reasons: string[];
  lines?: Array<Record<string, unknown>>;
  exposure?: { openInvoices: number; openOrders: number; deliveredNotInvoiced: number; thisOrder: number; total: number; limit: number | null };
}

export interface DryRunAnswer {
  orderNumber: string;
  outcome: OrderOutcome;
  decisions: DryRunDecision[];
}

function dryRunDecision(d: Decision): DryRunDecision {
  const base: DryRunDecision = { rule: d.rule, outcome: d.outcome, reasons: d.reasons };
  if (d.rule === "price") {
    return { ...base, lines: d.lines.map((l) => ({ lineNumber: l.lineNumber, expected: l.expected, actual: l.actual, deviationPercent: l.deviationPercent })) };
  }
  if (d.rule === "atp") {
    return { ...base, lines: d.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, confirmations: l.confirmations.map((c) => ({ quantity: c.quantity, date: c.date, warehouse: c.warehouse })) })) };
  }
  if (d.rule === "credit" && d.exposure) {
    const e = d.exposure;
    return { ...base, exposure: { openInvoices: e.openInvoices, openOrders: e.openOrders, deliveredNotInvoiced: e.deliveredNotInvoiced, thisOrder: e.thisOrder, total: e.total, limit: e.limit } };
  }
  return base;
}

export function dryRunAnswer(evaluation: Pick<OrderEvaluation, "orderNumber" | "outcome" | "decisions">): DryRunAnswer {
  return { orderNumber: evaluation.orderNumber, outcome: evaluation.outcome, decisions: evaluation.decisions.map(dryRunDecision) };
}
