import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { ORDER_STATES } from "../../domain/order/timeline";
import { inTimeOrder, isLate, orderProgress } from "../../domain/order/timeline-progress";
import type { ProgressRow, StoredTimelineEntry, TimelineRead, TimelineStore } from "../../store/timeline-types";
import { today } from "../today";

export interface TimelineDeps {
  timeline(): TimelineStore;
  /** The day lateness is judged on (YYYY-MM-DD): the hub's today. */
  today?: () => string;
}

function problem(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

const iso = (ms: number) => new Date(ms).toISOString();

function entryView(e: StoredTimelineEntry) {
  const outcome = e.detail?.outcome;
  return {
    milestone: e.milestone,
    event: e.event,
    at: e.at,
    system: e.system,
    document: e.document,
    messageId: e.messageId,
    revision: e.revision,
    // a rule that did not say ok: the milestone is recorded, and did not move the order
    ...(outcome !== undefined && outcome !== "ok" ? { outcome } : {}),
    ...(e.detail?.by ? { by: e.detail.by } : {}),
    ...(e.detail?.reasons?.length && outcome !== "ok" ? { reasons: e.detail.reasons } : {}),
    recordedAt: iso(e.recordedAt),
  };
}

function orderView(read: TimelineRead, asOf: string) {
  const p = orderProgress(read.entries)!;
  return {
    orderKey: p.orderKey,
    buyer: p.buyer,
    revision: p.revision,
    state: p.state,
    promisedDate: p.promisedDate,
    late: isLate(p, asOf),
    delivered: p.delivered,
    lines: p.lines,
    documents: p.documents,
  };
}

function rowView(r: ProgressRow, asOf: string) {
  return { orderNumber: r.orderNumber, buyer: r.buyer, orderKey: r.orderKey, state: r.state, promisedDate: r.promisedDate, late: isLate(r, asOf), updatedAt: iso(r.updatedAt) };
}

const buyerOf = (req: Request) => (typeof req.query.buyer === "string" && req.query.buyer !== "" ? req.query.buyer : undefined);

/**
 * The order timeline's routes (the events the *Order timeline* flow recorded, store/timeline.ts):
 * - `GET /api/orders/{orderNumber}[?buyer=…]`: where each order with the number stands: state, promised date, late,
 *   open quantities per line, the documents of each system.
 * - `GET /api/orders/{orderNumber}/timeline[?buyer=…]`: every milestone in time order.
 * - `GET /api/orders[?state=a,b&late=true&buyer=…&limit=100]`: orders by state and lateness, most recently moved first.
 */
export function timelineRouter(deps: TimelineDeps): Router {
  const router = express.Router();
  const asOf = deps.today ?? (() => today());

  router.get("/orders", async (req: Request, res: Response, next: NextFunction) => {
    try {
      const stateText = typeof req.query.state === "string" ? req.query.state : "";
      const states = stateText.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = states.filter((s) => !ORDER_STATES.includes(s));
      if (unknown.length) return problem(res, 400, `state=${unknown.join(",")} is no order state; the states are ${ORDER_STATES.join(", ")}`, { code: "bad-state", states: ORDER_STATES });
      const lateText = typeof req.query.late === "string" ? req.query.late : undefined;
      if (lateText !== undefined && lateText !== "true" && lateText !== "false") return problem(res, 400, `late=${lateText} must be true or false`, { code: "bad-late" });
      const limitText = typeof req.query.limit === "string" ? req.query.limit : undefined;
      const limit = limitText === undefined ? 100 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return problem(res, 400, `limit=${limitText} must be a whole number from 1 to 1000`, { code: "bad-limit" });
      const day = asOf();
      const rows = await deps.timeline().list({ states, late: lateText === undefined ? undefined : lateText === "true", asOf: day, buyer: buyerOf(req), limit });
      res.json({ count: rows.length, orders: rows.map((r) => rowView(r, day)) });
    } catch (err) {
      next(err);
    }
  });

  const ordersOf = async (req: Request, res: Response): Promise<TimelineRead[] | undefined> => {
    const buyer = buyerOf(req);
    const reads = (await deps.timeline().byNumber(req.params.orderNumber, buyer)).filter((r) => r.entries.length > 0);
    if (reads.length) return reads;
    problem(res, 404, `the timeline knows no order ${req.params.orderNumber}${buyer ? ` of buyer ${buyer}` : ""}`, { code: "unknown-order" });
    return undefined;
  };

  router.get("/orders/:orderNumber", async (req: Request, res: Response, next: NextFunction) => {
    try {
      const reads = await ordersOf(req, res);
      if (!reads) return;
      const day = asOf();
      res.json({ orderNumber: req.params.orderNumber, orders: reads.map((r) => orderView(r, day)) });
    } catch (err) {
      next(err);
    }
  });

  router.get("/orders/:orderNumber/timeline", async (req: Request, res: Response, next: NextFunction) => {
    try {
      const reads = await ordersOf(req, res);
      if (!reads) return;
      const day = asOf();
      res.json({
        orderNumber: req.params.orderNumber,
        orders: reads.map((r) => {
          const view = orderView(r, day);
          return { orderKey: view.orderKey, buyer: view.buyer, state: view.state, late: view.late, entries: inTimeOrder(r.entries).map(entryView) };
        }),
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
