/**
 * Approvals as state in the store (`HubStore.approvals`): an order that needs approval waits here, not on a queue, so a
 * restart resumes it. Each step is a compare-and-set on the row's state, so that two callers (a person's decision and
 * the deadline, two hub processes) never both win; each event the hub owes is marked once its publish is confirmed,
 * so what is still owed after a crash is found again (`due`) and sent under the same message id.
 *
 *   pending ──(first deadline)──▶ escalated ──(second deadline)──▶ rejected (by the hub)
 *      └────────────(a person decides: approve | reject)─────────────▶ approved | rejected
 */
import type { ApprovalState } from "../domain/order/approval";

export type { ApprovalState };

/** A new approval as the approval-request node writes it. Times are epoch ms. */
export interface NewApproval {
  id: string;
  orderKey: string;
  correlationId: string;
  /** The approval request as OA gets it (JSON). */
  request: string;
  /** The order and its decisions (JSON), to release or reject it later. */
  context: string;
  createdAt: number;
  escalateAfterMs: number;
  rejectAfterMs: number;
  escalateTo: string | null;
}

/** An approval as stored. Times are epoch ms, null until the step happened. */
export interface ApprovalRow extends NewApproval {
  state: ApprovalState;
  /** OA answered the request with a 2xx: the first deadline runs from here. */
  sentAt: number | null;
  /** `approval.requested` was confirmed by the broker. */
  announcedAt: number | null;
  escalateAt: number | null;
  escalatedAt: number | null;
  rejectAt: number | null;
  /** `approval.escalated` was confirmed. */
  escalationPublishedAt: number | null;
  decidedAt: number | null;
  decidedBy: string | null;
  comment: string | null;
  /** The decision's event (`order.released` / `order.rejected`) was confirmed. */
  publishedAt: number | null;
}

/** Events whose publish is confirmed, each marked once. */
export type ApprovalMark = "announced" | "escalation-published" | "published";

/** What the deadline timer has to do now, and when it must look again. */
export interface DueApprovals {
  /** Pending past the first deadline. */
  escalate: string[];
  /** Escalated past the second deadline. */
  expire: string[];
  /** Escalated or decided, whose event is not confirmed yet. */
  unpublished: ApprovalRow[];
  /** The earliest deadline still ahead (epoch ms), null when none. */
  next: number | null;
}

export interface ApprovalCounts {
  byState: Record<ApprovalState, number>;
  /** Pending approvals OA has not taken yet (the request failed and waits in the DLQ for a replay). */
  unsent: number;
  /** Escalations and decisions whose event is not confirmed yet. */
  eventsOwed: number;
}

export interface ApprovalStore {
  /** Inserts the approval unless one with its id exists; returns the stored one either way. */
  create(approval: NewApproval): Promise<{ created: boolean; row: ApprovalRow }>;
  get(id: string): Promise<ApprovalRow | undefined>;
  /** Oldest first, without the order context (`context` is ""). */
  list(states: readonly ApprovalState[], limit: number): Promise<ApprovalRow[]>;
  /** OA took the request: `sentAt`, and the first deadline from then (the first time only). */
  markSent(id: string, at: number): Promise<ApprovalRow | undefined>;
  mark(id: string, what: ApprovalMark, at: number): Promise<void>;
  /** pending → escalated when its first deadline has passed at `at`; the row when this call made it so. */
  escalate(id: string, at: number): Promise<ApprovalRow | undefined>;
  /** escalated → rejected by `by` when its second deadline has passed at `at`; the row when this call made it so. */
  expire(id: string, at: number, by: string, comment: string): Promise<ApprovalRow | undefined>;
  /**
   * pending | escalated → approved | rejected. `decided` false when it was decided already (the row says by whom);
   * `row` undefined when there is no such approval.
   */
  decide(id: string, state: "approved" | "rejected", by: string, comment: string | null, at: number): Promise<{ decided: boolean; row?: ApprovalRow }>;
  due(at: number): Promise<DueApprovals>;
  counts(): Promise<ApprovalCounts>;
}
