// Approvals on their way to and from the writer thread (store/sqlite-approvals.cjs): an operation name and its
// arguments go, rows come back with SQLite's column names and are named here as the rest of the hub names them.
import type { ApprovalCounts, ApprovalMark, ApprovalRow, ApprovalState, ApprovalStore, DueApprovals, NewApproval } from "./approval-store";

interface Row {
  id: string;
  order_key: string;
  correlation_id: string;
  state: ApprovalState;
  request: string;
  context: string;
  created_at: number;
  sent_at: number | null;
  announced_at: number | null;
  escalate_after_ms: number;
  reject_after_ms: number;
  escalate_to: string | null;
  escalate_at: number | null;
  escalated_at: number | null;
  reject_at: number | null;
  escalation_published_at: number | null;
  decided_at: number | null;
  decided_by: string | null;
  comment: string | null;
  published_at: number | null;
}

function toApproval(r: Row): ApprovalRow {
  return {
    id: r.id,
    orderKey: r.order_key,
    correlationId: r.correlation_id,
    state: r.state,
    request: r.request,
    context: r.context,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    announcedAt: r.announced_at,
    escalateAfterMs: r.escalate_after_ms,
    rejectAfterMs: r.reject_after_ms,
    escalateTo: r.escalate_to,
    escalateAt: r.escalate_at,
    escalatedAt: r.escalated_at,
    rejectAt: r.reject_at,
    escalationPublishedAt: r.escalation_published_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    comment: r.comment,
    publishedAt: r.published_at,
  };
}

const maybe = (r: Row | null | undefined) => (r ? toApproval(r) : undefined);

/** `send(operation, args)`: one operation, one transaction on the writer thread; resolves with its result. */
export type ApprovalSend = (operation: string, args: unknown[]) => Promise<unknown>;

export class SqliteApprovalStore implements ApprovalStore {
  constructor(private readonly send: ApprovalSend) {}

  async create(a: NewApproval): Promise<{ created: boolean; row: ApprovalRow }> {
    const { created, row } = (await this.send("create", [a])) as { created: boolean; row: Row };
    return { created, row: toApproval(row) };
  }

  async get(id: string): Promise<ApprovalRow | undefined> {
    return maybe((await this.send("get", [id])) as Row | null);
  }

  async list(states: readonly ApprovalState[], limit: number): Promise<ApprovalRow[]> {
    return ((await this.send("list", [states, limit])) as Row[]).map(toApproval);
  }

  async markSent(id: string, at: number): Promise<ApprovalRow | undefined> {
    return maybe((await this.send("markSent", [id, at])) as Row | null);
  }

  async mark(id: string, what: ApprovalMark, at: number): Promise<void> {
    await this.send("mark", [id, what, at]);
  }

  async escalate(id: string, at: number): Promise<ApprovalRow | undefined> {
    return maybe((await this.send("escalate", [id, at])) as Row | null);
  }

  async expire(id: string, at: number, by: string, comment: string): Promise<ApprovalRow | undefined> {
    return maybe((await this.send("expire", [id, at, by, comment])) as Row | null);
  }

  async decide(id: string, state: "approved" | "rejected", by: string, comment: string | null, at: number): Promise<{ decided: boolean; row?: ApprovalRow }> {
    const { decided, row } = (await this.send("decide", [id, state, by, comment, at])) as { decided: boolean; row: Row | null };
    return { decided, row: maybe(row) };
  }

  async due(at: number): Promise<DueApprovals> {
    const due = (await this.send("due", [at])) as { escalate: string[]; expire: string[]; unpublished: Row[]; next: number | null };
    return { ...due, unpublished: due.unpublished.map(toApproval) };
  }

  async counts(): Promise<ApprovalCounts> {
    return (await this.send("counts", [])) as ApprovalCounts;
  }
}
