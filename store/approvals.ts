import { hash } from "node:crypto";
import {
  approvalRequest,
  durationWords,
  type ApprovalContext,
  type ApprovalFacts,
  type ApprovalRequest,
  type ApprovalState,
  type ApprovalTerms,
  type Verdict,
} from "../domain/order/approval";
import type { CanonicalOrder } from "../domain/order/canonical-order";
import type { Decision } from "../domain/order/decision";
import { logger } from "../observability/logger";
import type { ApprovalCounts, ApprovalMark, ApprovalRow, DueApprovals } from "./approval-store";
import { getHubStore } from "./index";
import type { HubStore } from "./types";

/** One approval per order revision: its id derives from the order's key, so a redelivered order finds its own. */
export function approvalIdOf(orderKey: string): string {
  return `apr-${hash("sha256", orderKey, "hex").slice(0, 24)}`;
}

/** The events an approval owes, as routing keys on orderhub.events. */
export type ApprovalEvent = "approval.requested" | "approval.escalated" | "order.released" | "order.rejected" | "order.rescheduled";

/** An approval's event always carries the same message id, whoever publishes it and however often: `<event>:<id>`. */
export function approvalMessageId(event: ApprovalEvent, approvalId: string): string {
  return `${event}:${approvalId}`;
}

/**
 * An approved rush order's `order.rescheduled` for one reservation of an order it pushes back (an order, an item, a
 * warehouse, as a reservation is keyed): `order.rescheduled:<approval id>:<order key>:<sku>:<warehouse>`.
 */
export function rescheduledMessageId(approvalId: string, moved: { orderKey: string; sku: string; warehouse: string }): string {
  return `${approvalMessageId("order.rescheduled", approvalId)}:${moved.orderKey}:${moved.sku}:${moved.warehouse}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The domain's view of a stored approval (the events are built from it). */
export function factsOf(row: ApprovalRow): ApprovalFacts {
  return {
    id: row.id,
    correlationId: row.correlationId,
    orderKey: row.orderKey,
    state: row.state,
    requestedAt: new Date(row.createdAt).toISOString(),
    escalatedAt: iso(row.escalatedAt) ?? undefined,
    escalateTo: row.escalateTo ?? undefined,
    decidedBy: row.decidedBy ?? undefined,
    decidedAt: iso(row.decidedAt) ?? undefined,
    comment: row.comment ?? undefined,
  };
}

export const requestOf = (row: ApprovalRow) => JSON.parse(row.request) as ApprovalRequest;
export const contextOf = (row: ApprovalRow) => JSON.parse(row.context) as ApprovalContext;

/** The decision's event of a decided approval. */
export const decisionEventOf = (row: ApprovalRow): ApprovalEvent => (row.state === "approved" ? "order.released" : "order.rejected");

/** An approval as the REST API and the editor show it: times in ISO 8601, the events it owes and whether they went. */
export function approvalView(row: ApprovalRow) {
  const request = requestOf(row);
  const decided = row.state === "approved" || row.state === "rejected";
  const event = decided ? decisionEventOf(row) : undefined;
  return {
    id: row.id,
    orderKey: row.orderKey,
    orderNumber: request.orderNumber,
    revision: request.revision,
    buyer: request.buyer,
    correlationId: row.correlationId,
    state: row.state,
    reasons: request.reasons,
    amount: request.amount,
    requestedAt: iso(row.createdAt),
    sentToOaAt: iso(row.sentAt),
    escalateAt: iso(row.escalateAt),
    escalateTo: row.escalateTo,
    escalatedAt: iso(row.escalatedAt),
    rejectAt: iso(row.rejectAt),
    decision: decided ? { decision: row.state === "approved" ? "approve" : "reject", by: row.decidedBy, comment: row.comment, at: iso(row.decidedAt) } : null,
    event: event ? { routingKey: event, messageId: approvalMessageId(event, row.id), published: row.publishedAt !== null, publishedAt: iso(row.publishedAt) } : null,
    request,
  };
}

export type ApprovalView = ReturnType<typeof approvalView>;

/** What an approval-request node opens an approval with. */
export interface OpenApproval {
  order: CanonicalOrder;
  decisions: Decision[];
  orderKey: string;
  correlationId?: string;
  /** The evaluation date the decisions were made on, when the flow gives it. */
  at?: string;
  terms: ApprovalTerms;
  now: number;
}

export type ApprovalListener = () => void;

/**
 * The approvals of the process's store: opened by the approval-request node, decided by `POST /api/approvals/{id}`,
 * escalated and expired by the hub's approval desk (runtime/approval-desk.ts). Every change is the store's
 * compare-and-set; listeners hear that something changed (to reschedule a deadline, to show a count).
 */
export class ApprovalBook {
  private readonly listeners = new Set<ApprovalListener>();

  constructor(readonly store: HubStore) {}

  /** The approval for the order: opened now (`created`), or the one opened before for the same order revision. */
  async open(input: OpenApproval): Promise<{ created: boolean; row: ApprovalRow }> {
    const id = approvalIdOf(input.orderKey);
    const correlationId = input.correlationId || id;
    const request = approvalRequest(input.order, input.decisions, { approvalId: id, correlationId, orderKey: input.orderKey }, input.terms, new Date(input.now).toISOString());
    const context: ApprovalContext = { order: input.order, decisions: input.decisions, ...(input.at ? { at: input.at } : {}) };
    const result = await this.store.approvals.create({
      id,
      orderKey: input.orderKey,
      correlationId,
      request: JSON.stringify(request),
      context: JSON.stringify(context),
      createdAt: input.now,
      escalateAfterMs: input.terms.escalateAfterMs,
      rejectAfterMs: input.terms.rejectAfterMs,
      escalateTo: input.terms.escalateTo || null,
    });
    if (result.created) this.tell();
    return result;
  }

  get(id: string): Promise<ApprovalRow | undefined> {
    return this.store.approvals.get(id);
  }

  list(states: readonly ApprovalState[], limit: number): Promise<ApprovalRow[]> {
    return this.store.approvals.list(states, limit);
  }

  async markSent(id: string, now: number): Promise<ApprovalRow | undefined> {
    const row = await this.store.approvals.markSent(id, now);
    this.tell();
    return row;
  }

  mark(id: string, what: ApprovalMark, now: number): Promise<void> {
    return this.store.approvals.mark(id, what, now);
  }

  /** A person's decision; `decided` false when someone (or the deadline) decided first. */
  async decide(id: string, verdict: Verdict, by: string, comment: string | null, now: number): Promise<{ decided: boolean; row?: ApprovalRow }> {
    const result = await this.store.approvals.decide(id, verdict === "approve" ? "approved" : "rejected", by, comment, now);
    if (result.decided) {
      this.tell();
      logger.info({ approval: id, orderKey: result.row?.orderKey, decision: verdict, by }, `approval ${id} (${result.row?.orderKey}): ${verdict === "approve" ? "approved" : "rejected"} by ${by}`);
    }
    return result;
  }

  async escalate(id: string, now: number): Promise<ApprovalRow | undefined> {
    const row = await this.store.approvals.escalate(id, now);
    if (row) {
      this.tell();
      logger.info({ approval: id, orderKey: row.orderKey, escalateTo: row.escalateTo }, `approval ${id} (${row.orderKey}): no decision within ${durationWords(row.escalateAfterMs)}, escalated${row.escalateTo ? ` to ${row.escalateTo}` : ""}`);
    }
    return row;
  }

  async expire(id: string, now: number, by: string, comment: string): Promise<ApprovalRow | undefined> {
    const row = await this.store.approvals.expire(id, now, by, comment);
    if (row) {
      this.tell();
      logger.info({ approval: id, orderKey: row.orderKey }, `approval ${id} (${row.orderKey}): ${comment}, rejected`);
    }
    return row;
  }

  due(now: number): Promise<DueApprovals> {
    return this.store.approvals.due(now);
  }

  counts(): Promise<ApprovalCounts> {
    return this.store.approvals.counts();
  }

  /** Hears of every change made through this book; returns the function that stops it. */
  onChange(listener: ApprovalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (err) {
        logger.error({ err }, `approvals: a change listener failed: ${(err as Error).message}`);
      }
    }
  }
}

let book: ApprovalBook | undefined;

/** The process's approvals, on the process's store (a store replaced in tests gets a book of its own). */
export function getApprovals(): ApprovalBook {
  const store = getHubStore();
  if (book?.store !== store) book = new ApprovalBook(store);
  return book;
}
