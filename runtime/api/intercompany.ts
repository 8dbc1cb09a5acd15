import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { EVENTS_EXCHANGE } from "../../connectors/amqp";
import type { Company, TransferPrice } from "../../domain/master/types";
import { SettlementError } from "../../domain/settlement/common";
import type { IntercompanyOrder } from "../../domain/settlement/intercompany";
import { isMasterDataError } from "../../mappings/master-data";
import { mirrorIntercompany, placedEvent, placeIntercompanyOrder, type IntercompanyEvent } from "../intercompany";
import { today } from "../today";
import { handled, object, problem, SETTLEMENT_JSON_LIMIT, type SettlementApiDeps } from "./settlement";

/**
 * Inter-company orders over REST (docs/SETTLEMENT.md, "Inter-company orders"). The group's companies and transfer
 * prices are master data (`/api/master/companies`, `/api/master/transfer-prices`); `PUT /api/intercompany/companies`
 * takes them in one list, each company with the prices it sells at, and writes both kinds.
 */

type CompanyWithPrices = Company & { transferPrices?: Array<Omit<TransferPrice, "from"> & { from?: string }> };

export function intercompanyRouter(deps: SettlementApiDeps): Router {
  const router = express.Router();
  const day = () => today(deps.clock);
  const publish = ({ messageId, event }: IntercompanyEvent) =>
    deps.broker.publish(EVENTS_EXCHANGE, event.event, Buffer.from(JSON.stringify(event), "utf8"), { messageId, contentType: "application/json", appId: "orderhub", type: event.event });
  router.use("/intercompany", express.json({ limit: SETTLEMENT_JSON_LIMIT }));

  router.put("/intercompany/companies", async (req, res, next) => {
    if (!Array.isArray(req.body)) return problem(res, 400, "the body must be a list of companies [{id, name, currency, erp?, transferPrices?: [{sku, price, currency, to?}]}]");
    const list = req.body as CompanyWithPrices[];
    const companies = list.map(({ transferPrices: _prices, ...company }) => company);
    const transferPrices = list.flatMap((c) => (Array.isArray(c?.transferPrices) ? c.transferPrices.map((p) => ({ ...p, from: p.from ?? c.id })) : []));
    try {
      const change = await deps.master().applyBundle({ companies, transferPrices }, "upsert", `${req.method} ${req.baseUrl}${req.path}`);
      res.json({ upserted: Object.fromEntries(change.kinds.map((k) => [k.kind, k.changed])) });
    } catch (err) {
      if (isMasterDataError(err)) return problem(res, 400, err.message, { code: "invalid-master-data", problems: err.problems });
      next(err);
    }
  });

  router.post(
    "/intercompany/orders",
    handled(async (req, res) => {
      const b = object(req.body) as unknown as IntercompanyOrder;
      for (const f of ["orderNumber", "buyer", "seller"] as const) if (typeof b[f] !== "string" || !b[f]) throw new SettlementError(`${f}: is required`);
      const order = { ...b, orderKey: b.orderKey || `${b.buyer}/${b.orderNumber}/0`, issueDate: b.issueDate || day(), lines: Array.isArray(b.lines) ? b.lines : [] };
      const result = await placeIntercompanyOrder(deps.store(), deps.master(), order);
      // for each company's ERP (flows/settlement-systems.json): the same message again on a repeat, booked once there
      await publish(await placedEvent(deps.master(), order, result.links));
      res.status(result.created.length ? 201 : 200).json({ orderKey: order.orderKey, ...result });
    }),
  );

  router.post(
    "/intercompany/events",
    handled(async (req, res) => {
      const b = object(req.body);
      if (typeof b.orderKey !== "string" || typeof b.document !== "string") throw new SettlementError("orderKey and document: are required");
      const kind = b.kind as "delivery" | "invoice" | "change" | "cancel";
      if (!["delivery", "invoice", "change", "cancel"].includes(kind)) throw new SettlementError(`kind: must be delivery, invoice, change or cancel, is ${JSON.stringify(b.kind)}`);
      const from = b.from === "buyer" ? "buyer" : "seller";
      const at = typeof b.at === "string" && /^\d{4}-\d{2}-\d{2}/.test(b.at) ? b.at.slice(0, 10) : day();
      const input = { from, kind, document: b.document, at, ...(Array.isArray(b.lines) ? { lines: b.lines } : {}), ...(typeof b.amount === "number" ? { amount: b.amount } : {}) } as const;
      const { event, ...result } = await mirrorIntercompany(deps.store(), deps.master(), b.orderKey, input);
      // to the ERP of the side it is for (flows/settlement-systems.json): again on a repeat, booked or changed once there
      await publish(event);
      res.status(result.created.length ? 201 : 200).json(result);
    }),
  );

  router.get(
    "/intercompany/orders/:buyer/:orderNumber",
    handled(async (req, res) => {
      const revision = typeof req.query.revision === "string" ? req.query.revision : "0";
      const links = await deps.store().settlement.links(`${req.params.buyer}/${req.params.orderNumber}/${revision}`);
      if (links.length === 0) return problem(res, 404, `intercompany order ${req.params.buyer}/${req.params.orderNumber}/${revision}: not placed`);
      res.json({ orderKey: links[0].orderKey, documents: links.map((l) => ({ kind: l.kind, side: l.side, company: l.body.company, document: l.document, counterpart: l.body.counterpart, amount: l.body.amount, currency: l.body.currency })) });
    }),
  );

  router.use("/intercompany", (err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.parse.failed") return problem(res, 400, `the body is not JSON: ${err.message}`);
    if (err.type === "entity.too.large") return problem(res, 413, `an inter-company body is at most ${SETTLEMENT_JSON_LIMIT / 1024 / 1024} MB`);
    next(err);
  });
  return router;
}
