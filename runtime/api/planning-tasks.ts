import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { BrokerConnection } from "../../connectors/amqp";
import { BomCycleError, PlanningInputError } from "../../domain/planning/errors";
import { isoDate } from "../../domain/planning/input-checks";
import type { TaskStatus } from "../../domain/planning/production-tasks";
import type { PlanningBook } from "../../store/planning-book";
import type { HubStore } from "../../store/types";
import type { MasterDataService } from "../master-data";
import { costFromHub, createTaskBatch, OrderNotReadyError, orderTasks, publishRequisitions, quoteFromHub, saveQuote, shortageReport, tasksOf, type TaskSources } from "../planning-tasks";
import { today } from "../today";

export interface PlanningTasksApiDeps {
  store(): HubStore;
  book(): PlanningBook;
  master(): MasterDataService;
  /** The connection requisitions are published on. */
  broker?: BrokerConnection;
  clock?: () => number;
}

const STATUSES: readonly TaskStatus[] = ["open", "released", "done", "cancelled"];

function handled(run: (req: Request, res: Response) => Promise<unknown>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await run(req, res);
    } catch (err) {
      if (err instanceof BomCycleError) return void res.status(409).json({ error: err.message, code: "bom-cycle", loop: err.loop });
      if (err instanceof OrderNotReadyError) return void res.status(err.status).json({ error: err.message });
      if (err instanceof PlanningInputError) return void res.status(400).json({ error: err.message, code: "invalid-planning-input" });
      next(err);
    }
  };
}

const query = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/**
 * Production tasks, shortages, requisitions, quotes and BOM costs (docs/PLANNING-TASKS.md):
 * - `POST /api/planning/production-tasks/batch` `{orders: [number | buyer/number | order key …]}` or `{items: [{item, quantity, due}]}`
 * - `GET /api/planning/production-tasks[?order=&status=&limit=]`, `POST …/production-tasks/{id}/issues` `{sku: quantity}`
 * - `GET /api/planning/shortages?task=|order=`, `POST /api/planning/shortages/requisitions?task=|order=` (publishes `planning.requisition`)
 * - `POST /api/quotes`, `GET /api/quotes/{id}`, `GET /api/planning/items/{item}/cost[?date=]`
 */
export function planningTasksRouter(deps: PlanningTasksApiDeps): Router {
  const router = express.Router();
  const clock = deps.clock ?? Date.now;
  const sources = (): TaskSources => ({ store: deps.store(), book: deps.book(), master: deps.master(), today: today(clock) });
  const json = express.json({ limit: 4 * 1024 * 1024 });

  router.post("/planning/production-tasks/batch", json, handled(async (req, res) => {
    const answer = await createTaskBatch(req.body, sources(), clock());
    res.status(answer.created.length ? 201 : 200).json({ created: answer.created.length, tasks: answer.created, skipped: answer.skipped });
  }));

  router.get("/planning/production-tasks", handled(async (req, res) => {
    const statuses = query(req.query.status)?.split(",").map((s) => s.trim());
    const bad = statuses?.find((s) => !STATUSES.includes(s as TaskStatus));
    if (bad) throw new PlanningInputError(`status: ${bad} is none of ${STATUSES.join(", ")}`);
    const limit = query(req.query.limit) ? Number(req.query.limit) : undefined;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit <= 10000)) throw new PlanningInputError(`limit: must be a whole number from 1 to 10000 (is ${JSON.stringify(req.query.limit)})`);
    const order = query(req.query.order);
    const tasks = order ? await orderTasks(deps.store(), order) : await deps.store().production.tasks({ status: statuses as TaskStatus[] | undefined, limit });
    const shown = order && statuses ? tasks.filter((t) => statuses.includes(t.status)) : tasks;
    res.json({ count: shown.length, tasks: shown.map((t) => ({ ...t, createdAt: new Date(t.createdAt).toISOString(), updatedAt: new Date(t.updatedAt).toISOString() })) });
  }));

  router.post("/planning/production-tasks/:id/issues", json, handled(async (req, res) => {
    const body = (typeof req.body === "object" && req.body !== null && !Array.isArray(req.body) ? req.body : undefined) as Record<string, unknown> | undefined;
    if (!body || Object.keys(body).length === 0) throw new PlanningInputError(`body: must give the quantities issued by SKU, {"CASTING": 5} (is ${JSON.stringify(req.body)})`);
    for (const [sku, q] of Object.entries(body)) if (typeof q !== "number" || !Number.isFinite(q) || q <= 0) throw new PlanningInputError(`${sku}: the quantity issued must be a number above 0 (is ${JSON.stringify(q)})`);
    if (!(await deps.store().production.issue(req.params.id, body as Record<string, number>, clock()))) throw new OrderNotReadyError(`task: ${req.params.id} is not a production task`);
    const [task] = await deps.store().production.tasks({ ids: [req.params.id] });
    res.json({ id: task.id, issued: task.issued });
  }));

  router.get("/planning/shortages", handled(async (req, res) => {
    const { scope, tasks } = await tasksOf(deps.store(), { task: query(req.query.task), order: query(req.query.order) });
    res.json(await shortageReport(scope, tasks, sources()));
  }));

  router.post("/planning/shortages/requisitions", json, handled(async (req, res) => {
    const body = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const pick = (name: string) => query(req.query[name]) ?? (typeof body[name] === "string" ? (body[name] as string) : undefined);
    const { scope, tasks } = await tasksOf(deps.store(), { task: pick("task"), order: pick("order") });
    const report = await shortageReport(scope, tasks, sources());
    if (report.requisitions.length && !deps.broker) return void res.status(503).json({ error: "no broker connection to publish the requisitions on", requisitions: report.requisitions });
    try {
      const published = deps.broker ? await publishRequisitions(deps.broker, report.requisitions) : [];
      res.status(published.length ? 201 : 200).json({ scope, published, requisitions: report.requisitions, shortages: report.shortages });
    } catch (err) {
      res.status(503).json({ error: `the broker did not take the requisitions: ${(err as Error).message}; POST again to send them (same message ids)`, requisitions: report.requisitions });
    }
  }));

  router.post("/quotes", json, handled(async (req, res) => {
    const src = sources();
    const answer = await quoteFromHub(req.body, src);
    const id = await saveQuote(src.store, req.body, answer, clock());
    res.status(201).json({ id, ...answer });
  }));

  router.get("/quotes/:id", handled(async (req, res) => {
    const q = await deps.store().production.getQuote(req.params.id);
    if (!q) return void res.status(404).json({ error: `quote ${req.params.id} is not known` });
    res.json({ id: q.id, createdAt: new Date(q.createdAt).toISOString(), request: JSON.parse(q.body), ...JSON.parse(q.answer) });
  }));

  router.get("/planning/items/:item/cost", handled(async (req, res) => {
    const date = query(req.query.date);
    res.json(await costFromHub(req.params.item, sources(), date === undefined ? undefined : isoDate(date, "date").slice(0, 10)));
  }));

  return router;
}
