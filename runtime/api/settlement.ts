import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { EVENTS_EXCHANGE, type BrokerConnection } from "../../connectors/amqp";
import { isIsoDay } from "../../domain/order/dates";
import { SettlementError } from "../../domain/settlement/common";
import type { GoodsReceipt, Rma } from "../../domain/settlement/returns";
import { statementHtml } from "../../domain/settlement/statement";
import type { HubStore } from "../../store/types";
import type { MasterDataService } from "../master-data";
import { applyIncomingPayment, paymentEvent, paymentOf, runReconciliation, statementFor } from "../settlement";
import { authoriseReturn, NotFound, receiveReturn } from "../settlement-returns";
import { authorisedEvent, creditedEvent } from "../returns-wms";
import { today } from "../today";

/**
 * Settlement over REST: returns (RMA, goods receipt → credit note), reconciliation runs, the customer statement,
 * payments (applied, then announced as payment.received); inter-company orders in ./intercompany.ts. docs/SETTLEMENT.md.
 */

export const SETTLEMENT_JSON_LIMIT = 16 * 1024 * 1024;

export interface SettlementApiDeps {
  store(): HubStore;
  broker: BrokerConnection;
  master(): MasterDataService;
  clock?: () => number;
}

export function problem(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

/** Runs a handler: a settlement rule's refusal is a 400 naming the field, an unknown document a 404. */
export function handled(run: (req: Request, res: Response) => Promise<unknown>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await run(req, res);
    } catch (err) {
      if (err instanceof SettlementError) return problem(res, 400, err.message, { code: "invalid-settlement-input" });
      if (err instanceof NotFound) return problem(res, 404, err.message);
      next(err);
    }
  };
}

function dateParam(value: unknown, name: string, fallback?: string): string {
  if (value === undefined || value === "") {
    if (fallback) return fallback;
    throw new SettlementError(`${name}: is required (YYYY-MM-DD)`);
  }
  if (typeof value !== "string" || !isIsoDay(value)) throw new SettlementError(`${name}: must be a date (YYYY-MM-DD), is ${JSON.stringify(value)}`);
  return value.slice(0, 10);
}

/** A JSON body as an object ({} for anything else): a missing field is then named by the route's own check. */
export const object = (body: unknown): Record<string, unknown> => (typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {});

export function settlementRouter(deps: SettlementApiDeps): Router {
  const router = express.Router();
  const day = () => today(deps.clock);
  router.use(["/returns", "/reconciliation", "/payments"], express.json({ limit: SETTLEMENT_JSON_LIMIT }));

  router.post(
    "/returns",
    handled(async (req, res) => {
      const b = object(req.body);
      const rma: Rma = { rma: String(b.rma ?? ""), orderKey: String(b.orderKey ?? ""), customer: String(b.customer ?? String(b.orderKey ?? "").split("/")[0]), invoice: String(b.invoice ?? ""), reason: String(b.reason ?? ""), lines: Array.isArray(b.lines) ? (b.lines as Rma["lines"]) : [] };
      for (const field of ["rma", "orderKey", "invoice"] as const) if (!rma[field]) return problem(res, 400, `${field}: is required`);
      const result = await authoriseReturn(deps.store(), rma);
      if (result.outcome === "refused") return problem(res, 400, result.reasons.join("; "), { code: "return-refused", reasons: result.reasons });
      // for the WMS (its return notice): announced when authorised, again under the same id when the RMA is sent again
      if (result.rma.status === "authorised") {
        const authorised = authorisedEvent(result.rma);
        await deps.broker.publish(EVENTS_EXCHANGE, "return.authorised", Buffer.from(JSON.stringify(authorised.event), "utf8"), { messageId: authorised.messageId, contentType: "application/json", appId: "orderhub", type: "return.authorised" });
      }
      res.status(result.outcome === "authorised" ? 201 : 200).json(result);
    }),
  );

  router.post(
    "/returns/:rma/receipt",
    handled(async (req, res) => {
      const b = object(req.body);
      if (typeof b.document !== "string" || !b.document) return problem(res, 400, "document: the goods receipt's id is required");
      const receipt: GoodsReceipt = { document: b.document, at: typeof b.at === "string" ? b.at.slice(0, 10) : day(), ...(typeof b.warehouse === "string" ? { warehouse: b.warehouse } : {}), lines: Array.isArray(b.lines) ? (b.lines as GoodsReceipt["lines"]) : [] };
      const result = await receiveReturn(deps.store(), deps.master(), req.params.rma, receipt, receipt.at);
      if (result.outcome === "nothing-to-credit") return res.status(200).json(result);
      // for finance (the UBL CreditNote) and ERP (the AR voucher): announced once per credit note, again on a repeat under the same id
      const credited = creditedEvent(result);
      await deps.broker.publish(EVENTS_EXCHANGE, "return.credited", Buffer.from(JSON.stringify(credited.event), "utf8"), { messageId: credited.messageId, contentType: "application/json", appId: "orderhub", type: "return.credited" });
      if (req.accepts(["json", "application/xml"]) === "application/xml") return res.type("application/xml").send(result.xml);
      res.status(result.outcome === "credit-note" ? 201 : 200).json(result);
    }),
  );

  router.post(
    "/reconciliation/runs",
    handled(async (req, res) => {
      const date = dateParam(req.query.date ?? object(req.body).date, "date", day());
      const run = await runReconciliation(deps.store(), date);
      res.status(201).json({ id: run.id, ...run.report, comparison: { previousDate: run.comparison.previousDate ?? null, new: run.comparison.new.length, resolved: run.comparison.resolved.length, stillOpen: run.comparison.stillOpen.length } });
    }),
  );

  router.get(
    "/reconciliation/runs/:id",
    handled(async (req, res) => {
      const id = Number(req.params.id);
      const run = Number.isInteger(id) ? await deps.store().settlement.run(id) : undefined;
      if (!run) return problem(res, 404, `reconciliation run ${req.params.id}: no such run`);
      if (req.query.compare !== "previous") return res.json({ id: run.id, recordedAt: new Date(run.recordedAt).toISOString(), ...run.report });
      const { compareRuns } = await import("../../domain/settlement/reconciliation");
      const previous = await deps.store().settlement.previousRun(id);
      res.json({ id: run.id, previous: previous?.id ?? null, ...compareRuns(previous?.report, run.report) });
    }),
  );

  router.get(
    "/customers/:id/statement",
    handled(async (req, res) => {
      const to = dateParam(req.query.to, "to", day());
      const from = dateParam(req.query.from, "from", `${to.slice(0, 7)}-01`);
      const known = (await deps.master().ready()).customers.get(req.params.id);
      const customer = known ?? { id: req.params.id, currency: typeof req.query.currency === "string" ? req.query.currency : "EUR" };
      const statement = await statementFor(deps.store(), customer, from, to);
      if (req.query.format === "html" || (req.query.format === undefined && req.accepts(["json", "html"]) === "html")) return res.type("html").send(statementHtml(statement));
      res.json(statement);
    }),
  );

  router.post(
    "/payments",
    handled(async (req, res) => {
      const payment = paymentOf(object(req.body) as Parameters<typeof paymentOf>[0], day());
      const applied = await applyIncomingPayment(deps.store(), payment);
      const { messageId, event } = await paymentEvent(deps.store(), payment, applied.allocations);
      await deps.broker.publish(EVENTS_EXCHANGE, "payment.received", Buffer.from(JSON.stringify(event), "utf8"), { messageId, contentType: "application/json", appId: "orderhub", type: "payment.received" });
      res.status(applied.outcome === "applied" ? 201 : 200).json({ ...applied, event: "payment.received", messageId });
    }),
  );

  router.use(["/returns", "/reconciliation", "/payments", "/customers", "/consignment"], (err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.parse.failed") return problem(res, 400, `the body is not JSON: ${err.message}`);
    if (err.type === "entity.too.large") return problem(res, 413, `a settlement body is at most ${SETTLEMENT_JSON_LIMIT / 1024 / 1024} MB`);
    next(err);
  });
  return router;
}
