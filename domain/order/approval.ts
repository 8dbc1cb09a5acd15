import { buyerIdentity, type CanonicalOrder } from "./canonical-order";
import { formatQuantity, type AtpDecision, type AtpLine, type Decision, type Exposure, type PriceLine, type PushedBack, type RushProposal } from "./decision";

/**
 * An order that needs approval waits for a person (in OA) to say yes or no. What it waits in is an approval: one per
 * order revision, pending until someone decides, escalated when nobody did by the first deadline, and rejected by the
 * hub itself when nobody did by the second. Pure: the caller gives the ids, the clock and the terms.
 */

export type ApprovalState = "pending" | "escalated" | "approved" | "rejected";

/** What a person says to an approval. */
export type Verdict = "approve" | "reject";

export const VERDICTS: readonly Verdict[] = ["approve", "reject"];

/** Who decides when the second deadline passes: the hub, not a person. */
export const DEADLINE_DECIDER = "orderhub";

/** How long an approval may wait: escalated after the first span, rejected the second span after the escalation. */
export interface ApprovalTerms {
  escalateAfterMs: number;
  rejectAfterMs: number;
  /** Who the escalation goes to (a role or person OA knows), when someone is named. */
  escalateTo?: string;
}

/** A line whose price made the order need approval, with the figures. */
export type PriceDeviation = Pick<PriceLine, "lineNumber" | "sku" | "expected" | "actual" | "deviationPercent">;

/** A rule that asked for approval, with its reasons. */
export interface ApprovalGround {
  rule: Decision["rule"];
  reasons: string[];
}

/** What OA is asked, and what `approval.requested` announces: the order, why it needs approval, and the amounts. */
export interface ApprovalRequest {
  approvalId: string;
  correlationId: string;
  orderKey: string;
  orderNumber: string;
  revision: number;
  buyer: string;
  buyerName?: string;
  orderType: CanonicalOrder["orderType"];
  issueDate: string;
  amount: { payable: number; currency: string };
  /** Every reason of every rule that asked for approval, in the order of the rules. */
  reasons: string[];
  grounds: ApprovalGround[];
  /** The price lines off their list price (price-check's figures). */
  priceDeviations: PriceDeviation[];
  /** The customer's exposure as credit-check counted it, when it did. */
  exposure?: Exposure;
  /** A rush order's proposal to push other orders back, for the approver to weigh: approving it moves them (`order.rescheduled`). */
  rushProposal?: RushProposal;
  requestedAt: string;
  /** The first deadline, in words ("24 hours"): escalated after it. */
  escalateAfter: string;
  escalateTo?: string;
}

/** What the approval holds besides the request: the order and its decisions, to release or reject it later. */
export interface ApprovalContext {
  order: CanonicalOrder;
  decisions: Decision[];
  /** The evaluation date the decisions were made on, when the flow gave it. */
  at?: string;
}

/** An approval as the events name it. Times are ISO 8601. */
export interface ApprovalFacts {
  id: string;
  correlationId: string;
  orderKey: string;
  state: ApprovalState;
  requestedAt: string;
  escalatedAt?: string;
  escalateTo?: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "24 hours", "2 days", "90 minutes", "5 seconds": a span as a person says it, in the largest unit it is at least two
 * whole of (a day is "24 hours", an hour "60 minutes").
 */
export function durationWords(ms: number): string {
  const units: Array<[string, number]> = [["day", DAY], ["hour", HOUR], ["minute", MINUTE]];
  const [unit, size] = units.find(([, size]) => ms >= 2 * size && ms % size === 0) ?? ["second", SECOND];
  const n = Number((ms / size).toPrecision(6));
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** The decisions that ask for approval. An order some rule rejects or holds is not for approval: undefined then names why. */
export function approvalGrounds(decisions: readonly Decision[]): { grounds: ApprovalGround[]; refusal?: string } {
  const blocking = decisions.filter((d) => d.outcome === "reject" || d.outcome === "hold");
  if (blocking.length > 0) {
    const named = blocking.map((d) => `${d.rule} ${d.outcome === "reject" ? "rejects" : "holds"} it (${d.reasons[0] ?? "no reason given"})`);
    return { grounds: [], refusal: `it is not waiting for approval: ${named.join("; ")}` };
  }
  return { grounds: decisions.filter((d) => d.outcome === "approval").map((d) => ({ rule: d.rule, reasons: [...d.reasons] })) };
}

function priceDeviations(decisions: readonly Decision[]): PriceDeviation[] {
  const price = decisions.find((d) => d.rule === "price");
  if (!price || !("lines" in price)) return [];
  return (price.lines as PriceLine[])
    .filter((l) => l.deviationPercent !== 0 && !l.giftOf)
    .map(({ lineNumber, sku, expected, actual, deviationPercent }) => ({ lineNumber, sku, expected, actual, deviationPercent }));
}

function exposureOf(decisions: readonly Decision[]): Exposure | undefined {
  const credit = decisions.find((d) => d.rule === "credit");
  return credit && "exposure" in credit ? credit.exposure : undefined;
}

function rushProposalOf(decisions: readonly Decision[]): RushProposal | undefined {
  const atp = decisions.find((d) => d.rule === "atp");
  return atp && "rushProposal" in atp ? atp.rushProposal : undefined;
}

/** A quantity ATP confirmed for a line, as every `order.released` carries it: what ships, when and from where. */
export interface ConfirmedQuantity {
  lineNumber: string;
  sku: string;
  quantity: number;
  date: string;
  warehouse: string;
  source: "supply" | "lead-time" | "consignment";
}

/** What releasing the order promises: ATP's confirmations, line by line. */
export function confirmationsOf(decisions: readonly Decision[]): ConfirmedQuantity[] {
  const atp = decisions.find((d) => d.rule === "atp");
  const lines = atp && "lines" in atp ? (atp.lines as AtpLine[]) : [];
  return lines.flatMap((l) => (l.confirmations ?? []).map((c) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: c.quantity, date: c.date, warehouse: c.warehouse, source: c.source })));
}

/** A feasible proposal's promise: ATP's confirmations, each short line's late part replaced by what the proposal serves on time. */
export function rushConfirmations(decisions: readonly Decision[], proposal: RushProposal): ConfirmedQuantity[] {
  const atp = decisions.find((d): d is AtpDecision => d.rule === "atp");
  if (!atp || !proposal.feasible || !proposal.served) return confirmationsOf(decisions);
  const short = new Set(proposal.served.map((s) => s.lineNumber));
  return atp.lines.flatMap((l) => {
    const kept = l.confirmations.filter((c) => !short.has(l.lineNumber) || c.date === l.requestedDate);
    const served = short.has(l.lineNumber) ? proposal.served!.filter((s) => s.lineNumber === l.lineNumber).map((s) => ({ quantity: s.quantity, date: s.date, warehouse: s.warehouse, source: "supply" as const })) : [];
    return [...kept, ...served].map((c) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: c.quantity, date: c.date, warehouse: c.warehouse, source: c.source }));
  });
}

/** The approval request for an order and its decisions (`grounds` from approvalGrounds). */
export function approvalRequest(
  order: CanonicalOrder,
  decisions: readonly Decision[],
  ids: { approvalId: string; correlationId: string; orderKey: string },
  terms: ApprovalTerms,
  requestedAt: string,
): ApprovalRequest {
  const { grounds } = approvalGrounds(decisions);
  const request: ApprovalRequest = {
    ...ids,
    orderNumber: order.orderNumber,
    revision: order.revision,
    buyer: buyerIdentity(order.buyer),
    buyerName: order.buyer.name,
    orderType: order.orderType,
    issueDate: order.issueDate,
    amount: { payable: order.totals?.payable, currency: order.currency },
    reasons: grounds.flatMap((g) => g.reasons),
    grounds,
    priceDeviations: priceDeviations(decisions),
    exposure: exposureOf(decisions),
    rushProposal: rushProposalOf(decisions),
    requestedAt,
    escalateAfter: durationWords(terms.escalateAfterMs),
    escalateTo: terms.escalateTo || undefined,
  };
  if (request.reasons.length === 0) request.reasons = ["approval asked by the flow: no rule asked for it"];
  return request;
}

/**
 * The order as the decision events name it (the same fields as the decisions flow's `order.released`, `order.held`,
 * `order.rejected`): key, number, revision, the buyer as the hub names it, the evaluation date, the amount.
 */
function orderHead(context: ApprovalContext, orderKey: string, requestedAt: string) {
  const { order } = context;
  return {
    orderKey,
    orderNumber: order.orderNumber,
    revision: order.revision,
    buyer: buyerIdentity(order.buyer),
    at: context.at ?? requestedAt.slice(0, 10),
    amount: { payable: order.totals?.payable, currency: order.currency },
  };
}

function approvalPart(a: ApprovalFacts) {
  return { id: a.id, correlationId: a.correlationId, state: a.state, requestedAt: a.requestedAt, escalatedAt: a.escalatedAt ?? null, decidedBy: a.decidedBy ?? null, decidedAt: a.decidedAt ?? null, comment: a.comment ?? null };
}

/** `approval.escalated`: nobody decided by the first deadline; `rejectAt` is the second. */
export function escalatedEvent(a: ApprovalFacts, context: ApprovalContext, request: ApprovalRequest, rejectAt: string) {
  return {
    event: "approval.escalated" as const,
    ...orderHead(context, a.orderKey, a.requestedAt),
    approvalId: a.id,
    correlationId: a.correlationId,
    escalateTo: a.escalateTo ?? null,
    reason: `no decision within ${request.escalateAfter}${a.escalateTo ? `: escalated to ${a.escalateTo}` : ""}`,
    reasons: request.reasons,
    requestedAt: a.requestedAt,
    escalatedAt: a.escalatedAt,
    rejectAt,
  };
}

/** `order.released`: approved; carries the order, its decisions and the confirmations ATP gave it. */
export function releasedEvent(a: ApprovalFacts, context: ApprovalContext, request: ApprovalRequest) {
  return {
    event: "order.released" as const,
    ...orderHead(context, a.orderKey, a.requestedAt),
    outcome: "released" as const,
    reasons: request.reasons,
    // an approved rush order whose proposal is feasible is promised its requested dates
    confirmations: request.rushProposal?.feasible ? rushConfirmations(context.decisions, request.rushProposal) : confirmationsOf(context.decisions),
    decisions: context.decisions,
    order: context.order,
    approval: approvalPart(a),
    releasedAt: a.decidedAt,
  };
}

/**
 * `order.rescheduled`, one per reservation an approved rush order pushes back (its proposal was feasible; one per order
 * unless it is pushed back in several items or warehouses): the order, the item and warehouse, how much moves, from and to which date, and the rush order that took it. None for a take that
 * keeps its date (replenishment covers it there) or an infeasible proposal, which pushes nobody back. `moved`: what the
 * approval's record moved (approved-release.ts), in place of the proposal (a proposal that no longer holds moves nothing).
 */
export function rescheduledEvents(a: ApprovalFacts, context: ApprovalContext, request: ApprovalRequest, moved?: readonly PushedBack[]) {
  const proposal = request.rushProposal;
  const pushedBack = moved ?? (proposal?.feasible ? proposal.pushedBack : []);
  const rush = a.orderKey;
  return pushedBack
    .filter((p) => p.to !== p.from)
    .map((p) => ({
      event: "order.rescheduled" as const,
      orderKey: p.order,
      sku: p.sku,
      warehouse: p.warehouse,
      quantity: p.quantity,
      from: p.from,
      to: p.to,
      reason: `rush order ${rush} takes ${formatQuantity(p.quantity)} × ${p.sku} at ${p.warehouse}: the delivery moves from ${p.from} to ${p.to}`,
      rushOrder: rush,
      at: context.at ?? a.requestedAt.slice(0, 10),
      approval: approvalPart(a),
      rescheduledAt: a.decidedAt,
    }));
}

/** The reason an approval was rejected: by whom and why, or the deadline that passed (the hub's comment says which). */
export function rejectionReason(a: ApprovalFacts, waitedMs?: number): string {
  if (a.decidedBy === DEADLINE_DECIDER) {
    return a.comment ?? `no approval within ${durationWords(waitedMs ?? 0)}${a.escalateTo ? ` (escalated to ${a.escalateTo})` : ""}`;
  }
  return `approval rejected by ${a.decidedBy ?? "someone unnamed"}${a.comment ? `: ${a.comment}` : ""}`;
}

/** `order.rejected`: rejected by a person, or by the hub once the second deadline passed. */
export function rejectedEvent(a: ApprovalFacts, context: ApprovalContext, request: ApprovalRequest, waitedMs?: number) {
  const reason = rejectionReason(a, waitedMs);
  return {
    event: "order.rejected" as const,
    ...orderHead(context, a.orderKey, a.requestedAt),
    outcome: "rejected" as const,
    reason,
    reasons: [reason, ...request.reasons],
    rejectedBy: a.decidedBy,
    comment: a.comment ?? null,
    decisions: context.decisions,
    order: context.order,
    approval: approvalPart(a),
    rejectedAt: a.decidedAt,
  };
}
