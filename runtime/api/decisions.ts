import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { bodyMessageId, type BrokerConnection } from "../../connectors/amqp";
import { isIsoDay } from "../../domain/order/dates";
import { dryRunAnswer, type OrderDecidedEvent } from "../../domain/order/decided";
import { evaluateOrder } from "../../domain/order/evaluate";
import { proposeRushRescheduling } from "../../domain/order/rush";
import { DocumentError, type OrderOutcome as DocumentOutcome } from "../../mappings";
import { normalizeDocument } from "../../mappings/mapping-thread";
import type { DecisionEntry, HeldOrderState } from "../../store/order-types";
import type { HubStore } from "../../store/types";
import { announceRelease, releaseByController, type ReleaseOutcome } from "../credit-release";
import { today, type OrderBook } from "../order-book";
import { MAX_ORDER_BYTES } from "./orders";

export interface DecisionsDeps {
  book(): OrderBook;
  store(): HubStore;
  /** The connection the API publishes on. */
  broker: BrokerConnection;
}

function problem(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

/** The orders of a document, or undefined after a 400 naming what is wrong (a refused order in a batch refuses the batch). */
async function ordersOf(req: Request, res: Response): Promise<DocumentOutcome[] | undefined> {
  const body = req.body as unknown;
  if (!Buffer.isBuffer(body) || body.length === 0) {
    problem(res, 400, "empty body: send an order document (UBL, IDoc, EDIFACT, cXML, CSV or canonical JSON)");
    return undefined;
  }
  const channel = { system: req.get("x-source-system") || "orderhub-api", documentId: req.get("idempotency-key") ?? bodyMessageId(body) };
  let outcomes: DocumentOutcome[];
  try {
    outcomes = await normalizeDocument(body, { contentType: req.get("content-type"), channel, maxBytes: MAX_ORDER_BYTES });
  } catch (err) {
    if (!(err instanceof DocumentError)) throw err;
    problem(res, 400, err.message, { code: err.code, format: err.format, line: err.line });
    return undefined;
  }
  const refused = outcomes.filter((o) => o.error);
  if (refused.length === 0) return outcomes;
  problem(res, 400, `${refused.length} of ${outcomes.length} orders in the document refused: ${refused.slice(0, 3).map((o) => o.error!.message).join("; ")}`, {
    code: "orders-refused",
    refused: refused.map(({ part, error }) => ({ ...part, code: error!.code, error: error!.message, line: error!.line })),
  });
  return undefined;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : new Date(ms).toISOString());

function entryView(e: DecisionEntry) {
  return {
    at: e.at,
    recordedAt: iso(e.recordedAt),
    rule: e.rule,
    outcome: e.outcome,
    reasons: e.reasons,
    ...(e.by !== undefined ? { by: e.by, comment: e.comment } : {}),
    event: e.event,
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
  };
}

function heldView(h: HeldOrderState) {
  return {
    status: h.status,
    customer: h.customer,
    amount: h.amount,
    currency: h.currency,
    heldAt: iso(h.heldAt),
    ...(h.status === "released" ? { releasedAt: iso(h.releasedAt), releasedBy: h.releasedBy ?? undefined, comment: h.comment ?? undefined, payment: h.payment ?? undefined } : {}),
  };
}

/** How the release answer names the order and what became of it. */
function releasedView(event: OrderDecidedEvent, messageId: string, sent: boolean) {
  return {
    orderNumber: event.orderNumber,
    revision: event.revision,
    buyer: event.buyer,
    orderKey: event.orderKey,
    outcome: event.outcome,
    event: event.event,
    messageId,
    published: sent,
    release: event.release,
    reasons: event.reasons,
    ...(event.confirmations ? { confirmations: event.confirmations } : {}),
  };
}

function releaseRefusal(res: Response, outcome: Exclude<ReleaseOutcome, { kind: "released" } | { kind: "not-held" }>, name: string): void {
  switch (outcome.kind) {
    case "unknown":
      return problem(res, 404, `order ${name} is not known to the hub's order book`, { code: "unknown-order" });
    case "ambiguous":
      return problem(res, 409, `order ${name} was held for ${outcome.buyers.length} buyers (${outcome.buyers.join(", ")}): name the buyer with ?buyer=`, { code: "ambiguous-order", buyers: outcome.buyers });
    case "never-held":
      return problem(res, 409, `order ${outcome.orderKey} is not held for credit: it was ${outcome.outcome}`, { code: "not-held", orderKey: outcome.orderKey, outcome: outcome.outcome });
    case "still-held":
      return problem(res, 409, `order ${outcome.orderKey} cannot be released: ATP cannot promise it (${outcome.reasons.join("; ")})`, { code: "cannot-promise", orderKey: outcome.orderKey });
  }
}

/**
 * The order desk's own routes:
 * - `POST /api/orders/evaluate[?at=DATE]`: the dry run. Any supported order document, judged on the hub's master data
 *   as the decisions flow would judge it, with no side effects: `{ orderNumber, outcome, decisions }` (`{ orders }` for
 *   a document with several).
 * - `POST /api/orders/{orderNumber}/release[?buyer=…&revision=…]` with `{ by, comment }`: a credit controller lets a held
 *   order go; recorded who and why, announced once (outbox).
 * - `GET /api/orders/{orderNumber}/decisions[?buyer=…]`: every decision about the order (each revision, each buyer
 *   whose order has the number unless one is named), oldest first.
 */
export function decisionsRouter(deps: DecisionsDeps): Router {
  const router = express.Router();

  router.post("/orders/evaluate", express.raw({ type: () => true, limit: MAX_ORDER_BYTES }), async (req: Request, res: Response, next: NextFunction) => {
    try {
      const at = typeof req.query.at === "string" && req.query.at !== "" ? req.query.at : today();
      if (!isIsoDay(at)) return problem(res, 400, `at=${at} is not an ISO 8601 date (YYYY-MM-DD)`, { code: "bad-date" });
      const outcomes = await ordersOf(req, res);
      if (!outcomes) return;
      const book = deps.book();
      await book.ready();
      const master = book.view();
      const answers = outcomes.map((o) => dryRunAnswer(evaluateOrder(o.order!, master, at.slice(0, 10), { proposeRushRescheduling })));
      res.json(answers.length === 1 ? answers[0] : { orders: answers });
    } catch (err) {
      next(err);
    }
  });

  router.post("/orders/:orderNumber/release", express.json({ type: () => true, limit: "64kb" }), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { by?: unknown; comment?: unknown };
    const by = typeof body.by === "string" ? body.by.trim() : "";
    const comment = typeof body.comment === "string" ? body.comment.trim() : "";
    if (!by || !comment) return problem(res, 400, "say who releases the order and why: { \"by\": \"…\", \"comment\": \"…\" }", { code: "who-and-why" });
    const buyer = typeof req.query.buyer === "string" && req.query.buyer !== "" ? req.query.buyer : undefined;
    const revisionText = typeof req.query.revision === "string" ? req.query.revision : undefined;
    const revision = revisionText === undefined ? undefined : Number(revisionText);
    if (revision !== undefined && !(Number.isInteger(revision) && revision >= 0)) return problem(res, 400, `revision=${revisionText} is not a revision number`);
    const name = `${req.params.orderNumber}${buyer ? ` of buyer ${buyer}` : ""}${revision !== undefined ? ` rev ${revision}` : ""}`;
    let outcome: ReleaseOutcome;
    try {
      outcome = await releaseByController(deps.book(), { orderNumber: req.params.orderNumber, buyer, revision, by, comment });
    } catch (err) {
      return problem(res, 503, `the release could not be recorded: ${(err as Error).message}; nothing was released, send it again`);
    }
    if (outcome.kind !== "released" && outcome.kind !== "not-held") return releaseRefusal(res, outcome, name);
    const event = outcome.kind === "released" ? outcome.event : outcome.row.releaseEvent ? (JSON.parse(outcome.row.releaseEvent) as OrderDecidedEvent) : undefined;
    if (!event) return problem(res, 409, `order ${name} is not held`, { code: "not-held" });
    try {
      const announced = await announceRelease(deps.store(), deps.broker, event);
      if (outcome.kind === "not-held" && !announced.sent) {
        const row = outcome.row;
        const how = row.payment ? `on payment ${row.payment}` : `by ${row.releasedBy}${row.comment ? ` (${row.comment})` : ""}`;
        return problem(res, 409, `order ${row.orderKey} was released already, ${iso(row.releasedAt)} ${how}`, { code: "released-already", orderKey: row.orderKey, ...heldView(row) });
      }
      res.status(200).json(releasedView(announced.event, announced.messageId, announced.sent));
    } catch (err) {
      problem(res, 503, `order ${event.orderKey} is released and recorded, but ${event.event} could not be published: ${(err as Error).message}; POST the release again to send it`, { code: "not-published", orderKey: event.orderKey });
    }
  });

  router.get("/orders/:orderNumber/decisions", async (req: Request, res: Response, next: NextFunction) => {
    try {
      const buyer = typeof req.query.buyer === "string" && req.query.buyer !== "" ? req.query.buyer : undefined;
      const book = deps.book();
      const [entries, held] = await Promise.all([
        book.history({ orderNumber: req.params.orderNumber, buyer }),
        book.store.orders.heldOrders({ orderNumber: req.params.orderNumber, buyer, status: "any" }),
      ]);
      if (entries.length === 0) return problem(res, 404, `no decision about order ${req.params.orderNumber}${buyer ? ` of buyer ${buyer}` : ""} is recorded`, { code: "unknown-order" });
      const keys = [...new Set(entries.map((e) => e.orderKey))];
      const orders = keys.map((key) => {
        const own = entries.filter((e) => e.orderKey === key);
        const last = own.filter((e) => e.rule === "order").at(-1);
        const hold = held.find((h) => h.orderKey === key);
        return { orderKey: key, buyer: own[0].buyer, revision: own[0].revision, outcome: last?.outcome, ...(hold ? { hold: heldView(hold) } : {}), history: own.map(entryView) };
      });
      res.json({ orderNumber: req.params.orderNumber, orders });
    } catch (err) {
      next(err);
    }
  });

  router.use((err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.too.large") return problem(res, 413, `document larger than ${MAX_ORDER_BYTES} bytes refused`, { code: "too-large" });
    if (err.type === "entity.parse.failed") return problem(res, 400, `the body is not JSON: ${err.message}`, { code: "not-json" });
    next(err);
  });
  return router;
}
