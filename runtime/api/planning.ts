import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { BrokerConnection } from "../../connectors/amqp";
import { postJson, RestCallError } from "../../connectors/rest/post-json";
import { explode, whereUsed } from "../../domain/planning/bom-explosion";
import { BomCycleError, PlanningInputError } from "../../domain/planning/errors";
import { isoDate } from "../../domain/planning/input-checks";
import { isMasterDataError } from "../../mappings/master-data";
import { EcoNotFoundError, EcoStateError, type PlanningBook } from "../../store/planning-book";
import { ECO_STATUSES, type EcoRow, type EcoStatus } from "../../store/planning-types";
import type { MasterDataService } from "../master-data";
import { bomImportOf, importBoms, parseBomCsv } from "../planning-import";
import { checkMrpRequest, kittingFromStore, mrpFromStore, publishSuggestions, type PlanningSources } from "../planning";
import { systemAddress, SystemAddressError } from "../systems";
import { today } from "../today";

export interface PlanningApiDeps {
  book(): PlanningBook;
  master(): MasterDataService;
  /** The connection `?publish=true` publishes suggestions on. */
  broker?: BrokerConnection;
  clock?: () => number;
}

/** Bodies up to this size: 50,000 BOM lines as JSON are about 5 MB. */
const MAX_BYTES = 32 * 1024 * 1024;

function problem(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

/** Who asks, for the BOM history: the `X-User` header, else the API. */
const whoOf = (req: Request) => (req.get("x-user")?.trim() || "api").slice(0, 200);

const ecoView = (row: EcoRow) => ({
  id: row.id,
  status: row.status,
  reason: row.eco.reason,
  effectiveDate: row.eco.effectiveDate,
  changes: row.eco.changes,
  approvalId: row.approvalId,
  createdAt: new Date(row.createdAt).toISOString(),
  submittedAt: row.submittedAt === null ? null : new Date(row.submittedAt).toISOString(),
  decision: row.decidedBy === null ? null : { by: row.decidedBy, at: row.decidedAt === null ? null : new Date(row.decidedAt).toISOString(), comment: row.comment },
  appliedAt: row.appliedAt === null ? null : new Date(row.appliedAt).toISOString(),
  ...(row.applyError ? { applyError: row.applyError } : {}),
});

/** Runs a handler, answering the planning errors: 400 bad input (409 for a cycle, naming the loop), 404 unknown ECO, 409 wrong state. */
function handled(run: (req: Request, res: Response) => Promise<unknown>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await run(req, res);
    } catch (err) {
      if (err instanceof BomCycleError) return problem(res, 409, err.message, { code: "bom-cycle", loop: err.loop });
      if (err instanceof PlanningInputError) return problem(res, 400, err.message, { code: "invalid-planning-input" });
      if (isMasterDataError(err)) return problem(res, 400, err.message, { code: "invalid-master-data", problems: err.problems });
      if (err instanceof EcoNotFoundError) return problem(res, 404, err.message);
      if (err instanceof EcoStateError) return problem(res, 409, err.message, { eco: ecoView(err.row) });
      next(err);
    }
  };
}

const dateOf = (v: unknown, name: string) => (v === undefined || v === "" ? undefined : isoDate(v, name).slice(0, 10));

/**
 * Manufacturing planning over REST (docs/PLANNING.md):
 * - `PUT /api/planning/boms`: BOM lines (JSON array, `{lines, parents?, items?}`, or text/csv) replace the BOMs of
 *   their parents; `GET /api/planning/boms/{item}[?date]`, `/explode?quantity&date`, `/where-used?multiLevel&date`, `/history`.
 * - ECOs: `POST /api/planning/ecos`, `GET /api/planning/ecos[/{id}]`, `POST …/{id}/preview`, `…/submit` (to OA),
 *   `…/decision` (OA's answer: approved ECOs are applied in one transaction), `…/apply` (an approved one not applied).
 * - `POST /api/planning/kitting`, `POST /api/planning/mrp[?mergeWindow=N&publish=true]`.
 */
export function planningRouter(deps: PlanningApiDeps): Router {
  const router = express.Router();
  const clock = deps.clock ?? Date.now;
  const sources = (): PlanningSources => ({ book: deps.book(), master: deps.master(), today: today(clock) });
  router.use("/planning", express.text({ type: ["text/csv", "application/csv"], limit: MAX_BYTES }));
  router.use("/planning", express.json({ type: (req) => !/csv/i.test(String(req.headers["content-type"] ?? "")), limit: MAX_BYTES }));

  router.put(
    "/planning/boms",
    handled(async (req, res) => {
      const imp = typeof req.body === "string" ? { lines: parseBomCsv(req.body), parents: [], items: [] } : bomImportOf(req.body);
      const reason = typeof req.query.reason === "string" && req.query.reason ? req.query.reason : "BOM import (PUT /api/planning/boms)";
      const done = await importBoms(imp, { who: whoOf(req), why: reason }, { book: deps.book(), master: deps.master() });
      res.json({ replaced: done.parents, lines: done.lines, items: done.items, version: done.version });
    }),
  );

  router.get(
    "/planning/boms/:item",
    handled(async (req, res) => {
      const date = dateOf(req.query.date, "date");
      const { lines, lowLevelCode } = await deps.book().bomOf(req.params.item, date);
      if (lines.length === 0 && lowLevelCode === undefined) return problem(res, 404, `item ${req.params.item} is in no BOM`);
      res.json({ item: req.params.item, ...(date ? { date } : {}), lowLevelCode: lowLevelCode ?? 0, lines });
    }),
  );

  router.get(
    "/planning/boms/:item/explode",
    handled(async (req, res) => {
      const date = dateOf(req.query.date, "date");
      const quantity = req.query.quantity === undefined ? 1 : Number(req.query.quantity);
      if (!(quantity > 0)) throw new PlanningInputError(`quantity: must be a number above 0 (is ${JSON.stringify(req.query.quantity)})`);
      const snap = await deps.book().snapshot();
      if (!snap.lines.some((l) => l.parent === req.params.item || l.child === req.params.item)) return problem(res, 404, `item ${req.params.item} is in no BOM`);
      res.json(explode(snap.lines, req.params.item, quantity, date));
    }),
  );

  router.get(
    "/planning/boms/:item/where-used",
    handled(async (req, res) => {
      const date = dateOf(req.query.date, "date");
      const multiLevel = req.query.multiLevel === "true" || req.query.multiLevel === "";
      const snap = await deps.book().snapshot();
      if (!snap.lines.some((l) => l.parent === req.params.item || l.child === req.params.item)) return problem(res, 404, `item ${req.params.item} is in no BOM`);
      res.json({ item: req.params.item, multiLevel, ...(date ? { date } : {}), usedIn: whereUsed(snap.lines, req.params.item, { multiLevel, date }) });
    }),
  );

  router.get(
    "/planning/boms/:item/history",
    handled(async (req, res) => {
      const entries = await deps.book().history(req.params.item);
      res.json({ item: req.params.item, changes: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) });
    }),
  );

  router.post(
    "/planning/ecos",
    handled(async (req, res) => {
      const { created, row } = await deps.book().createEco(req.body);
      res.status(created ? 201 : 200).json(ecoView(row));
    }),
  );

  router.get(
    "/planning/ecos",
    handled(async (req, res) => {
      const asked = typeof req.query.status === "string" && req.query.status ? req.query.status.split(",") : undefined;
      const bad = asked?.find((s) => !ECO_STATUSES.includes(s as EcoStatus));
      if (bad) throw new PlanningInputError(`status: must be one or more (comma-separated) of ${ECO_STATUSES.join(", ")} (is ${JSON.stringify(bad)})`);
      const rows = await deps.book().listEcos(asked as EcoStatus[] | undefined);
      res.json({ count: rows.length, ecos: rows.map(ecoView) });
    }),
  );

  router.get(
    "/planning/ecos/:id",
    handled(async (req, res) => {
      res.json(ecoView(await deps.book().eco(req.params.id)));
    }),
  );

  router.post(
    "/planning/ecos/:id/preview",
    handled(async (req, res) => {
      const { row, result } = await deps.book().preview(req.params.id);
      res.json({ eco: ecoView(row), count: result.boms.length, boms: result.boms });
    }),
  );

  router.post(
    "/planning/ecos/:id/submit",
    handled(async (req, res) => {
      const book = deps.book();
      const { row, result } = await book.preview(req.params.id);
      if (row.status !== "draft") throw new EcoStateError(`ECO ${row.id} is ${row.status}: only a draft is submitted for approval`, row);
      let url: string;
      try {
        url = systemAddress("oa").url;
      } catch (err) {
        if (err instanceof SystemAddressError) return problem(res, 503, `ECO ${row.id} was not submitted: ${err.message}`, { eco: ecoView(row) });
        throw err;
      }
      const approvalId = `eco-${row.id}`;
      const request = {
        kind: "eco",
        approvalId,
        ecoId: row.id,
        reason: row.eco.reason,
        effectiveDate: row.eco.effectiveDate,
        changes: row.eco.changes,
        boms: result.boms.map((b) => ({ parent: b.parent, before: b.before, after: b.after })),
        decision: { method: "POST", path: `/api/planning/ecos/${encodeURIComponent(row.id)}/decision`, body: '{"decision": "approve" | "reject", "by": "…", "comment": "…"}' },
        requestedAt: new Date(clock()).toISOString(),
      };
      try {
        await postJson(url, request, { headers: { "idempotency-key": approvalId, "x-correlation-id": approvalId }, retries: 2, initialDelayMs: 200, maxDelayMs: 2000 });
      } catch (err) {
        if (err instanceof RestCallError) return problem(res, 502, `ECO ${row.id} was not submitted: OA did not take the request: ${err.message}`, { eco: ecoView(row) });
        throw err;
      }
      res.json({ ...ecoView(await book.markSubmitted(row.id, approvalId)), boms: result.boms.length });
    }),
  );

  router.post(
    "/planning/ecos/:id/decision",
    handled(async (req, res) => {
      const body = (req.body ?? {}) as { decision?: unknown; by?: unknown; comment?: unknown };
      if (body.decision !== "approve" && body.decision !== "reject") throw new PlanningInputError(`decision: must be "approve" or "reject" (is ${JSON.stringify(body.decision) ?? "missing"})`);
      if (typeof body.by !== "string" || !body.by.trim()) throw new PlanningInputError(`by: must name who decided (is ${JSON.stringify(body.by) ?? "missing"})`);
      if (body.comment !== undefined && body.comment !== null && typeof body.comment !== "string") throw new PlanningInputError(`comment: must be text (is ${JSON.stringify(body.comment)})`);
      const row = await deps.book().decide(req.params.id, body.decision, body.by.trim(), (body.comment as string | undefined) ?? null);
      res.json(ecoView(row));
    }),
  );

  router.post(
    "/planning/ecos/:id/apply",
    handled(async (req, res) => {
      res.json(ecoView(await deps.book().applyApproved(req.params.id)));
    }),
  );

  router.post(
    "/planning/kitting",
    handled(async (req, res) => {
      res.json(await kittingFromStore(req.body, sources()));
    }),
  );

  router.post(
    "/planning/mrp",
    handled(async (req, res) => {
      const src = sources();
      const request = checkMrpRequest(req.body, src.today, req.query.mergeWindow);
      const answer = await mrpFromStore(request, src);
      if (req.query.publish !== "true") return res.json(answer);
      if (!deps.broker) return problem(res, 503, "no broker connection to publish on; ask without publish=true for the plan");
      res.json({ ...answer, published: await publishSuggestions(deps.broker, answer.plannedOrders) });
    }),
  );

  router.use("/planning", (err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.parse.failed") return problem(res, 400, `the body is not JSON: ${err.message}`);
    if (err.type === "entity.too.large") return problem(res, 413, `a planning body is at most ${MAX_BYTES / 1024 / 1024} MB`);
    if (err.message?.startsWith("store:") || err.message?.includes("the store")) return problem(res, 503, `the store cannot answer: ${err.message}`);
    next(err);
  });
  return router;
}
