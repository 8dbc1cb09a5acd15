import express, { type Request, type Response, type Router } from "express";
import { INBOUND_ORDERS_QUEUE, bodyMessageId, type BrokerConnection } from "../../connectors/amqp";
import { buyerIdentity, orderKey } from "../../domain/order/canonical-order";
import { DocumentError, type CanonicalOrder, type OrderOutcome, type SourceChannel } from "../../mappings";
import { mappedDocuments } from "../../mappings/mapped-documents";
import { normalizeDocument } from "../../mappings/mapping-thread";

/** Documents over this size are refused before they are read (the same limit as order-normalize's default). */
export const MAX_ORDER_BYTES = 10 * 1024 * 1024;

function problem(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

function readDocument(req: Request, res: Response): Buffer | undefined {
  const body = req.body as unknown;
  if (!Buffer.isBuffer(body) || body.length === 0) {
    problem(res, 400, "empty body: send an order document (UBL, IDoc, EDIFACT, cXML, CSV or canonical JSON)");
    return undefined;
  }
  return body;
}

/**
 * How an answer names an order: its number and revision, its buyer (buyers number their orders each on their own, so
 * the number alone is ambiguous) and the key the hub knows it by, `<buyer>/<order number>/<revision>`.
 */
const summary = (order: CanonicalOrder) => ({ orderNumber: order.orderNumber, revision: order.revision, buyer: buyerIdentity(order.buyer), orderKey: orderKey(order) });

/** The app-id of a document the API queues for a sender that does not name its system. */
const API_APP_ID = "orderhub-api";

/**
 * The channel a posted document came by, as the intake flow sees it on the queue: the sending system (the
 * X-Source-System header, else orderhub-api), which it is queued with as app-id, and its message id (the
 * Idempotency-Key header, else one derived from the body). A JSON order that does not give its source gets it from here.
 */
function channelOf(req: Request, body: Buffer): Required<SourceChannel> {
  return { system: req.get("x-source-system") || API_APP_ID, documentId: req.get("idempotency-key") ?? bodyMessageId(body) };
}

/** Refused orders the 400's sentence names one by one; `refused` lists them all. */
const NAMED_REFUSALS = 3;

/**
 * The document's outcomes, each of them an order, or undefined after answering 400: for a document that cannot be read,
 * and for one with several orders of which any is refused (each refusal listed, the orders that could be read beside
 * them).
 */
async function normalizeOr400(body: Buffer, contentType: string | undefined, channel: SourceChannel, res: Response): Promise<OrderOutcome[] | undefined> {
  let outcomes: OrderOutcome[];
  try {
    outcomes = await normalizeDocument(body, { contentType, channel, maxBytes: MAX_ORDER_BYTES });
  } catch (err) {
    if (!(err instanceof DocumentError)) throw err;
    problem(res, 400, err.message, { code: err.code, format: err.format, line: err.line });
    return undefined;
  }
  const refused = outcomes.filter((o) => o.error);
  if (refused.length === 0) return outcomes;
  const named = refused.slice(0, NAMED_REFUSALS).map((o) => o.error!.message);
  if (refused.length > NAMED_REFUSALS) named.push(`and ${refused.length - NAMED_REFUSALS} more (see refused)`);
  problem(res, 400, `${refused.length} of ${outcomes.length} orders in the document refused: ${named.join("; ")}`, {
    code: "orders-refused",
    refused: refused.map(({ part, error }) => ({ ...part, code: error!.code, error: error!.message, line: error!.line })),
    orders: outcomes.filter((o) => o.order).map(({ part, order }) => ({ ...part, ...summary(order!) })),
  });
  return undefined;
}


/**
 * REST front doors onto the order intake:
 * - POST /api/orders: any supported document is checked and put on orderhub.orders.inbound (202 + order number, or
 *   the list of orders for a document with several); the intake flow takes it from there. The queue gets the
 *   document as sent, so the flow and the DLQ see the original; the orders read from a large one are left for the
 *   flow on this hub (mappings/mapped-documents.ts), which then need not map it again. Nothing is queued while any
 *   order in it is refused.
 * - POST /api/orders/normalize: the canonical order, straight back (what `orderhub normalize` prints); for a
 *   document with several, `{ orders: [...] }`.
 */
export function ordersRouter(broker: BrokerConnection): Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: MAX_ORDER_BYTES }));

  router.post("/orders/normalize", async (req, res, next) => {
    const body = readDocument(req, res);
    const outcomes = body && (await normalizeOr400(body, req.get("content-type"), channelOf(req, body), res).catch(next));
    const orders = outcomes?.map((o) => o.order!);
    if (orders) res.json(orders.length === 1 ? orders[0] : { orders });
  });

  router.post("/orders", async (req, res) => {
    let messageId: string | undefined;
    try {
      const body = readDocument(req, res);
      // mapped with the content type it is queued with, so that the flow would map it alike
      const contentType = req.get("content-type") ?? "application/octet-stream";
      if (!body) return;
      const channel = channelOf(req, body);
      const outcomes = await normalizeOr400(body, contentType, channel, res);
      if (!outcomes) return;
      messageId = channel.documentId;
      const orders = outcomes.map((o) => o.order!);
      const queued = { messageId, queue: INBOUND_ORDERS_QUEUE };
      const answer = orders.length === 1 ? { ...summary(orders[0]), ...queued } : { orders: orders.map(summary), ...queued };
      // the intake flow on this hub takes these orders instead of mapping a large document again (from here on they
      // are the flow's: the answer above is made already)
      mappedDocuments.keep(messageId, body, contentType, outcomes);
      await broker.publish("", INBOUND_ORDERS_QUEUE, body, {
        contentType,
        messageId,
        correlationId: req.get("x-correlation-id") ?? messageId,
        appId: channel.system,
      });
      res.status(202).json(answer);
    } catch (err) {
      if (messageId) mappedDocuments.forget(messageId);
      problem(res, 503, `the order could not be queued: ${(err as Error).message}; nothing was accepted, send it again`);
    }
  });

  router.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err.type === "entity.too.large") return problem(res, 413, `document larger than ${MAX_ORDER_BYTES} bytes refused`, { code: "too-large" });
    next(err);
  });
  return router;
}
