import express, { type Request, type Response, type Router } from "express";
import { EVENTS_EXCHANGE, INBOUND_ORDERS_QUEUE, type BrokerConnection } from "../../connectors/amqp";
import { MOVEMENT_KINDS, type Movement, type MovementDocument, type MovementKind } from "../../domain/settlement/consignment";
import type { HubStore } from "../../store/types";
import type { MasterDataService } from "../master-data";
import { consignmentMessageId, documentMovements, fillUpRequest, movementEvent, type FillUpLine } from "../consignment-orders";
import { creditConsignmentReturn, returnReference } from "../consignment-returns";
import { applyConsignment, consignmentLedger, countConsignment } from "../settlement";
import { today } from "../today";
import { handled, problem, SETTLEMENT_JSON_LIMIT } from "./settlement";

/**
 * The consignment ledger over REST: GET /consignment/{customer}/{site} (the ledger per item, every movement with its
 * document), POST …/movements (a fill-up, issue, pick-up or return as a document, applied once) and POST …/count (the
 * customer's stock count reconciled against the ledger). An applied movement is announced on orderhub.events as
 * `consignment.<kind>`; an issue also becomes an order of type consignment-issue on the intake queue, so that the
 * order, its invoice and the ownership transfer follow for exactly what was used.
 */

export interface ConsignmentApiDeps {
  store(): HubStore;
  broker: BrokerConnection;
  master(): MasterDataService;
  clock?: () => number;
}


function linesOf(body: Record<string, unknown>): Array<{ sku: string; quantity: number }> {
  return Array.isArray(body.lines) ? (body.lines as Array<{ sku: string; quantity: number }>) : [];
}

function movementDocument(req: Request, day: string): MovementDocument {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    customer: req.params.customer,
    site: req.params.site,
    kind: body.kind as MovementKind,
    document: typeof body.document === "string" ? body.document : "",
    at: typeof body.at === "string" ? body.at.slice(0, 10) : day,
    lines: linesOf(body),
  };
}

async function announce(broker: BrokerConnection, master: MasterDataService, doc: MovementDocument, movements: Movement[]): Promise<{ event: string; order?: string }> {
  const { messageId, event: body } = movementEvent(doc, movements);
  const event = body.event;
  await broker.publish(EVENTS_EXCHANGE, event, Buffer.from(JSON.stringify(body), "utf8"), { messageId, contentType: "application/json", appId: "orderhub", type: event });
  if (doc.kind !== "issue") return { event };
  const currency = (await master.ready()).customers.get(doc.customer)?.currency ?? "EUR";
  const order = {
    orderNumber: doc.document,
    issueDate: doc.at,
    currency,
    orderType: "consignment-issue",
    buyer: { id: doc.customer },
    shipTo: { id: doc.site },
    notes: [`consumption report ${doc.document} of consignment site ${doc.site}`],
    lines: movements.map((m, n) => ({ lineNumber: String(n + 1), sku: m.sku, quantity: m.quantity })),
  };
  await broker.publish("", INBOUND_ORDERS_QUEUE, Buffer.from(JSON.stringify(order), "utf8"), { messageId: consignmentMessageId(doc.customer, doc.site, "consignment-issue", doc.document), contentType: "application/json", appId: "orderhub-consignment" });
  return { event, order: doc.document };
}

export function consignmentRouter(deps: ConsignmentApiDeps): Router {
  const router = express.Router();
  const day = () => today(deps.clock);
  router.use("/consignment", express.json({ limit: SETTLEMENT_JSON_LIMIT }));

  router.get(
    "/consignment/:customer/:site",
    handled(async (req: Request, res: Response) => {
      res.json(await consignmentLedger(deps.store(), req.params.customer, req.params.site));
    }),
  );

  router.post(
    "/consignment/:customer/:site/movements",
    handled(async (req: Request, res: Response) => {
      const doc = movementDocument(req, day());
      if (!MOVEMENT_KINDS.includes(doc.kind)) return problem(res, 400, `kind: must be one of ${MOVEMENT_KINDS.join(", ")}, is ${JSON.stringify(doc.kind)}`);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const reference = doc.kind === "return" ? returnReference(body, doc.document) : undefined;
      const result = await applyConsignment(deps.store(), doc);
      if (result.outcome === "refused") return problem(res, 400, result.reasons.join("; "), { code: "beyond-ledger", reasons: result.reasons, ledger: result.ledger });
      // announced again on a repeat, under the same message ids: a crash after the ledger took it loses nothing
      const movements = await documentMovements(deps.store(), doc, result);
      const announced = await announce(deps.broker, deps.master(), doc, movements);
      let credit: Record<string, unknown> = {};
      if (reference) {
        const warehouse = typeof body.warehouse === "string" && body.warehouse ? body.warehouse : undefined;
        const credited = await creditConsignmentReturn(deps.store(), deps.master(), { ...doc, lines: movements.map((m) => ({ sku: m.sku, quantity: m.quantity })) }, reference, warehouse);
        const { messageId, event } = credited.credited;
        await deps.broker.publish(EVENTS_EXCHANGE, "return.credited", Buffer.from(JSON.stringify(event), "utf8"), { messageId, contentType: "application/json", appId: "orderhub", type: "return.credited" });
        credit = { rma: credited.rma, creditNote: credited.creditNote.creditNoteId, credited: credited.creditNote.totals.payable };
      }
      if (result.outcome === "repeat") return res.status(200).json({ outcome: "repeat", document: doc.document, ledger: result.ledger, ...announced, ...credit });
      res.status(201).json({ outcome: "applied", document: doc.document, kind: doc.kind, movements: result.movements, ledger: result.ledger, ...announced, ...credit });
    }),
  );

  // a fill-up through the systems: a delivery note to the WMS, the TMS shipment, and the ledger from what the WMS
  // reports shipped (flows/settlement-systems.json); the movements route above books one done outside the hub
  router.post(
    "/consignment/:customer/:site/fill-ups",
    handled(async (req: Request, res: Response) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const { customer, site } = req.params;
      const at = typeof body.at === "string" ? body.at.slice(0, 10) : day();
      const given = Array.isArray(body.lines) ? (body.lines as FillUpLine[]) : [];
      const { messageId, event, lines } = await fillUpRequest(deps.master(), customer, site, typeof body.document === "string" ? body.document : "", at, given);
      await deps.broker.publish(EVENTS_EXCHANGE, event.event, Buffer.from(JSON.stringify(event), "utf8"), { messageId, contentType: "application/json", appId: "orderhub", type: event.event });
      res.status(202).json({ outcome: "requested", document: event.document, deliveryNote: event.document, event: event.event, messageId, lines });
    }),
  );

  router.post(
    "/consignment/:customer/:site/count",
    handled(async (req: Request, res: Response) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const lines = linesOf(body);
      if (typeof body.document !== "string" || !body.document) return problem(res, 400, "document: the count's id is required");
      if (lines.length === 0 || lines.some((l) => typeof l.sku !== "string" || typeof l.quantity !== "number" || l.quantity < 0)) {
        return problem(res, 400, `lines: each counted item needs sku and quantity (0 or more): ${JSON.stringify(lines.find((l) => typeof l.quantity !== "number" || l.quantity < 0) ?? lines)}`);
      }
      const at = typeof body.at === "string" ? body.at.slice(0, 10) : day();
      res.json(await countConsignment(deps.store(), req.params.customer, req.params.site, { document: body.document, at, lines }));
    }),
  );
  router.use("/consignment", (err: Error & { type?: string }, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err.type === "entity.parse.failed") return problem(res, 400, `the body is not JSON: ${err.message}`);
    if (err.type === "entity.too.large") return problem(res, 413, `a consignment body is at most ${SETTLEMENT_JSON_LIMIT / 1024 / 1024} MB`);
    next(err);
  });
  return router;
}
