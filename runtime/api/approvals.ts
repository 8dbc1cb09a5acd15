import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { DEADLINE_DECIDER, VERDICTS, type ApprovalState, type Verdict } from "../../domain/order/approval";
import { approvalView, type ApprovalBook } from "../../store/approvals";
import type { ApprovalRow } from "../../store/approval-store";
import type { ApprovalDesk, DecideOutcome } from "../approval-desk";

const STATES: readonly ApprovalState[] = ["pending", "escalated", "approved", "rejected"];
/** `?status=` words that stand for several states. */
const STATUS_GROUPS: Record<string, readonly ApprovalState[]> = { open: ["pending", "escalated"], decided: ["approved", "rejected"], all: STATES };
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_BY = 200;
const MAX_COMMENT = 4000;

function problem(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

/** `pending`, `pending,escalated`, `open` … → the states; undefined when a word is none of them. */
function statesOf(status: unknown): readonly ApprovalState[] | undefined {
  if (status === undefined || status === "") return STATES;
  if (typeof status !== "string") return undefined;
  const states = new Set<ApprovalState>();
  for (const word of status.split(",").map((w) => w.trim())) {
    const group = STATUS_GROUPS[word] ?? (STATES.includes(word as ApprovalState) ? [word as ApprovalState] : undefined);
    if (!group) return undefined;
    group.forEach((s) => states.add(s));
  }
  return [...states];
}

interface DecisionBody {
  decision: Verdict;
  by: string;
  comment: string | null;
}

/** The decision a body asks for, or what is wrong with it, in a sentence. */
function decisionOf(body: unknown): DecisionBody | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return 'send JSON: {"decision": "approve" | "reject", "by": "<who decides>", "comment": "<why>"}';
  const { decision, by, comment } = body as Record<string, unknown>;
  if (!VERDICTS.includes(decision as Verdict)) return `decision must be "approve" or "reject" (is ${JSON.stringify(decision) ?? "missing"})`;
  if (typeof by !== "string" || by.trim() === "") return `by must name who decides (is ${JSON.stringify(by) ?? "missing"})`;
  if (by.length > MAX_BY) return `by is longer than ${MAX_BY} characters`;
  if (by.trim() === DEADLINE_DECIDER) return `by "${DEADLINE_DECIDER}" is the hub itself (it rejects approvals nobody decided in time); name the person who decides`;
  if (comment !== undefined && comment !== null && typeof comment !== "string") return `comment must be text (is ${typeof comment})`;
  if (typeof comment === "string" && comment.length > MAX_COMMENT) return `comment is longer than ${MAX_COMMENT} characters`;
  return { decision: decision as Verdict, by: by.trim(), comment: typeof comment === "string" && comment.trim() !== "" ? comment.trim() : null };
}

/** 409: the approval was decided before; names who decided, how and when. */
function conflict(res: Response, row: ApprovalRow): void {
  const view = approvalView(row);
  const when = view.decision?.at ?? "an unknown time";
  problem(res, 409, `approval ${row.id} (order ${row.orderKey}) was ${row.state} by ${row.decidedBy ?? "someone unnamed"} at ${when}${row.comment ? ` (${row.comment})` : ""}; a decision stands`, {
    state: row.state,
    decidedBy: row.decidedBy,
    decidedAt: when,
    approval: view,
  });
}

/** Without a desk (a hub not running one): the decision is recorded, and the desk publishes it when it runs. */
async function recordOnly(book: ApprovalBook, id: string, d: DecisionBody): Promise<DecideOutcome> {
  const { decided, row } = await book.decide(id, d.decision, d.by, d.comment, Date.now());
  if (!row) return { kind: "unknown" };
  return decided ? { kind: "decided", row, published: false, error: "the hub's approval desk is not running" } : { kind: "conflict", row };
}

/**
 * Approvals (store/approvals.ts, runtime/approval-desk.ts):
 * - GET /api/approvals?status=pending|escalated|approved|rejected|open|decided|all[,…]&limit=N: oldest first.
 * - GET /api/approvals/{id}: one approval, with the request OA got and the decision's event.
 * - POST /api/approvals/{id} `{decision: "approve"|"reject", by, comment}`: 200 once the decision's event
 *   (`order.released` / `order.rejected`) is confirmed, 202 when it is recorded but the event could not go yet (the
 *   desk sends it as soon as it can), 409 naming who decided when, 404 for an unknown id.
 */
export function approvalsRouter(book: () => ApprovalBook, desk: () => ApprovalDesk | undefined): Router {
  const router = express.Router();

  router.get("/approvals", async (req, res, next) => {
    const states = statesOf(req.query.status);
    if (!states) return problem(res, 400, `status must be one or more (comma-separated) of ${[...STATES, ...Object.keys(STATUS_GROUPS)].join(", ")} (is ${JSON.stringify(req.query.status)})`);
    const limit = req.query.limit === undefined ? DEFAULT_LIMIT : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return problem(res, 400, `limit must be a whole number from 1 to ${MAX_LIMIT} (is ${JSON.stringify(req.query.limit)})`);
    try {
      const rows = await book().list(states, limit);
      res.json({ count: rows.length, approvals: rows.map(approvalView) });
    } catch (err) {
      next(err);
    }
  });

  router.get("/approvals/:id", async (req, res, next) => {
    try {
      const row = await book().get(req.params.id);
      if (!row) return problem(res, 404, `no approval ${req.params.id}`);
      res.json(approvalView(row));
    } catch (err) {
      next(err);
    }
  });

  router.post("/approvals/:id", express.json({ type: () => true, limit: "64kb" }), async (req, res, next) => {
    const asked = decisionOf(req.body);
    if (typeof asked === "string") return problem(res, 400, asked);
    try {
      const running = desk();
      const outcome = running ? await running.decide(req.params.id, asked.decision, asked.by, asked.comment) : await recordOnly(book(), req.params.id, asked);
      if (outcome.kind === "unknown") return problem(res, 404, `no approval ${req.params.id}`);
      if (outcome.kind === "conflict") return conflict(res, outcome.row);
      const view = approvalView(outcome.row);
      if (outcome.published) return res.json(view);
      res.status(202).json({ ...view, warning: `decision recorded; ${view.event?.routingKey} is not confirmed yet (${outcome.error ?? "unknown"}); the hub publishes it as soon as it can` });
    } catch (err) {
      next(err);
    }
  });

  router.use("/approvals", (err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.parse.failed") return problem(res, 400, `the body is not JSON: ${err.message}`);
    if (err.type === "entity.too.large") return problem(res, 413, "a decision's body is at most 64 KB");
    if (err.message?.startsWith("store:") || err.message?.includes("the store")) return problem(res, 503, `the store cannot answer: ${err.message}`);
    next(err);
  });
  return router;
}
