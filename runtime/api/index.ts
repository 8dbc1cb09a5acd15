import type { Request, RequestHandler, Response, Router } from "express";
import express from "express";
import type { HubStore } from "../../store/types";
import type { HubConfig } from "../config";
import { packageInfo } from "../paths";
import { getApprovals } from "../../store/approvals";
import { runningApprovalDesk } from "../approval-desk";
import { approvalsRouter } from "./approvals";
import { masterRouter } from "./master";
import { masterSyncRouter } from "./master-sync";
import { ordersRouter } from "./orders";
import { decisionsRouter } from "./decisions";
import { planningRouter } from "./planning";
import { planningTasksRouter } from "./planning-tasks";
import { getPlanningBook } from "../../store/planning-book";
import { timelineRouter } from "./timeline";
import { settlementRouter } from "./settlement";
import { intercompanyRouter } from "./intercompany";
import { consignmentRouter } from "./consignment";
import { getOrderBook } from "../order-book";
import type { BrokerConnection } from "../../connectors/amqp";
import type { MasterDataService } from "../master-data";

/**
 * OrderHub's own REST routes, mounted at /api in front of Node-RED's `http in` routes (so ours win on a clash).
 * A path this router does not answer falls through to the flows. Add a resource as `runtime/api/<resource>.ts`
 * exporting a function that takes ApiDeps and returns a Router, and `use` it below.
 */
export interface ApiDeps {
  config: HubConfig;
  store(): HubStore;
  /** The connection the API publishes on (its own, not a flow's). */
  broker: BrokerConnection;
  /** The master data the rules read (runtime/master-data.ts). */
  master(): MasterDataService;
}

export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  const version = packageInfo();
  router.get("/version", (_req, res) => {
    res.json(version);
  });
  // before the master data: /master/sync is no kind
  router.use(masterSyncRouter());
  // before the orders: their router reads every body as raw bytes, up to an order document's limit
  router.use(masterRouter(deps.master));
  router.use(approvalsRouter(getApprovals, runningApprovalDesk));
  router.use(planningRouter({ book: getPlanningBook, master: deps.master, broker: deps.broker }));
  router.use(planningTasksRouter({ store: deps.store, book: getPlanningBook, master: deps.master, broker: deps.broker }));
  // GET /orders, /orders/{n} and /orders/{n}/timeline: the decisions router keeps /orders/{n}/decisions
  // consignment, returns, reconciliation, statements, payments, inter-company (docs/SETTLEMENT.md)
  router.use(consignmentRouter({ store: deps.store, broker: deps.broker, master: deps.master }));
  router.use(settlementRouter({ store: deps.store, broker: deps.broker, master: deps.master }));
  router.use(intercompanyRouter({ store: deps.store, broker: deps.broker, master: deps.master }));
  router.use(timelineRouter({ timeline: () => deps.store().timeline }));
  router.use(decisionsRouter({ book: getOrderBook, store: deps.store, broker: deps.broker }));
  router.use(ordersRouter(deps.broker));
  return router;
}

/**
 * Behind the flows' `http in` routes: what nobody answered under `root` gets JSON an API client can read, naming the
 * routes above (keep the list in step with apiRouter, ordersRouter, masterRouter, approvalsRouter and decisionsRouter).
 */
export function apiNotFound(root: string): RequestHandler {
  return (req: Request, res: Response) => {
    res.status(404).json({
      error: `${req.method} ${root}${req.path}: no such route (OrderHub answers POST ${root}/orders, POST ${root}/orders/normalize, GET|PUT|PATCH ${root}/master, GET|PUT|PATCH|DELETE ${root}/master/<kind> (customers, items, … companies, transfer-prices), GET|POST ${root}/master/sync, GET ${root}/approvals, GET|POST ${root}/approvals/<id>, POST ${root}/orders/evaluate, POST ${root}/orders/<number>/release, GET ${root}/orders/<number>/decisions, GET ${root}/orders[?state=…&late=true], GET ${root}/orders/<number>, GET ${root}/orders/<number>/timeline, PUT ${root}/planning/boms, GET ${root}/planning/boms/<item>[/explode|/where-used|/history], POST ${root}/planning/ecos[/<id>/preview|/submit|/decision|/apply], POST ${root}/planning/kitting, POST ${root}/planning/mrp, POST ${root}/planning/production-tasks/batch, GET ${root}/planning/production-tasks, GET ${root}/planning/shortages, POST ${root}/planning/shortages/requisitions, POST ${root}/quotes, GET ${root}/quotes/<id>, GET ${root}/planning/items/<item>/cost, GET ${root}/consignment/<customer>/<site>, POST ${root}/consignment/<customer>/<site>/movements|count, POST ${root}/returns, POST ${root}/returns/<rma>/receipt, POST ${root}/reconciliation/runs, GET ${root}/reconciliation/runs/<id>, GET ${root}/customers/<id>/statement, POST ${root}/payments, PUT ${root}/intercompany/companies, POST ${root}/intercompany/orders|events and GET ${root}/version; flows add their own with http in nodes)`,
    });
  };
}
