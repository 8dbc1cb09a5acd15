import express, { type Request, type Response, type Router } from "express";
import { INBOUND_ORDERS_QUEUE, bodyMessageId, type BrokerConnection } from "../../connectors/amqp";
import { orderKey } from "../../domain/order/canonical-order";
import { DocumentError, normalizeOrder } from "../../mappings";

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

async function normalizeOr400(body: Buffer, req: Request, res: Response) {
  try {
    return await normalizeOrder(body, { contentType: req.get("content-type"), maxBytes: MAX_ORDER_BYTES });
  } catch (err) {
    if (!(err instanceof DocumentError)) throw err;
    problem(res, 400, err.message, { code: err.code, format: err.format, line: err.line });
    return undefined;
  }
}

/**
 * REST front doors onto the order intake:
 * - POST /api/orders: any supported document is checked and put on orderhub.orders.inbound (202 + order number);
 *   the intake flow takes it from there. The queue gets the document as sent, so the flow and the DLQ see the original.
 * - POST /api/orders/normalize: the canonical order, straight back (what `orderhub normalize` prints).
 */
export function ordersRouter(broker: BrokerConnection): Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: MAX_ORDER_BYTES }));

  router.post("/orders/normalize", async (req, res, next) => {
    const body = readDocument(req, res);
    const order = body && (await normalizeOr400(body, req, res).catch(next));
    if (order) res.json(order);
  });

  router.post("/orders", async (req, res, next) => {
    try {
      const body = readDocument(req, res);
      const order = body && (await normalizeOr400(body, req, res));
      if (!body || !order) return;
      const messageId = req.get("idempotency-key") ?? bodyMessageId(body);
      await broker.publish("", INBOUND_ORDERS_QUEUE, body, {
        contentType: req.get("content-type") ?? "application/octet-stream",
        messageId,
        correlationId: req.get("x-correlation-id") ?? messageId,
        appId: "orderhub-api",
      });
      res.status(202).json({ orderNumber: order.orderNumber, revision: order.revision, orderKey: orderKey(order), messageId, queue: INBOUND_ORDERS_QUEUE });
    } catch (err) {
      problem(res, 503, `the order could not be queued: ${(err as Error).message}; nothing was accepted, send it again`);
    }
  });

  router.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err.type === "entity.too.large") return problem(res, 413, `document larger than ${MAX_ORDER_BYTES} bytes refused`, { code: "too-large" });
    next(err);
  });
  return router;
}
