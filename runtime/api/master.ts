import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { isMasterDataError } from "../../mappings/master-data";
import { EVENT_VERBS, MASTER_KINDS, kindOfPath, type MasterKindSpec } from "../../store/master-kinds";
import type { MasterChange, MasterDataService } from "../master-data";

/** Bodies over this size are refused (413): 50,000 items are about 8 MB. */
export const MAX_MASTER_BYTES = 100 * 1024 * 1024;

const KIND_PATHS = MASTER_KINDS.map((k) => k.path).join(", ");

function problem(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

/**
 * What a change did, in counts: `{ "upserted": { "customers": 2 }, "totals": { "customers": 9 } }` (`replaced`,
 * `deleted` alike), with the settings as they are now when it wrote them.
 */
function answer(change: MasterChange, master: MasterDataService): Record<string, unknown> {
  const counts = change.kinds.filter((k) => k.kind !== "settings");
  const body: Record<string, unknown> = {
    [EVENT_VERBS[change.mode]]: Object.fromEntries(counts.map((k) => [k.kind, k.changed])),
    totals: Object.fromEntries(counts.map((k) => [k.kind, k.total])),
  };
  if (change.kinds.some((k) => k.kind === "settings")) body.settings = master.givenSettings();
  return body;
}

type Change = (master: MasterDataService, body: unknown, source: string) => Promise<MasterChange>;

/** Runs a change and answers: 200 with the counts, 400 naming the bad records (nothing applied), 503 when the store failed. */
function changing(master: () => MasterDataService, run: Change) {
  return async (req: Request, res: Response) => {
    const service = master();
    try {
      res.json(answer(await run(service, req.body, `${req.method} ${req.baseUrl}${req.path}`), service));
    } catch (err) {
      if (isMasterDataError(err)) return problem(res, 400, err.message, { code: "invalid-master-data", problems: err.problems, count: err.count });
      problem(res, 503, `the master data could not be stored: ${(err as Error).message}; nothing was changed, send it again`);
    }
  };
}

/**
 * Master data over REST, the same data `orderhub master import` loads and `master.*` events change:
 * - `GET|PUT|PATCH /api/master`: the whole bundle (every kind and the settings); PUT replaces all of it (a kind left
 *   out becomes empty), PATCH upserts the kinds given and merges the settings given.
 * - `GET|PUT|PATCH|DELETE /api/master/<kind>` (customers, items, price-lists, promotions, warehouses, supply,
 *   reservations, open-items): a JSON array; PUT replaces the kind, PATCH upserts by key, DELETE removes by key.
 * - `GET|PUT|PATCH /api/master/settings`: the settings object.
 * Every change is checked first: a bad record is a 400 naming it (`customers[3].creditLimit: must be number`), and
 * nothing of its batch is applied.
 */
export function masterRouter(master: () => MasterDataService): Router {
  const router = express.Router();
  router.use("/master", express.json({ type: () => true, limit: MAX_MASTER_BYTES }));

  router.get("/master", async (_req, res, next) => {
    const service = master();
    await service.ready().then(() => res.json(service.data()), next);
  });
  router.put("/master", changing(master, (m, body, source) => m.applyBundle(body, "replace", source)));
  router.patch("/master", changing(master, (m, body, source) => m.applyBundle(body, "upsert", source)));

  router.get("/master/settings", async (_req, res, next) => {
    const service = master();
    await service.ready().then(() => res.json(service.givenSettings()), next);
  });
  router.put("/master/settings", changing(master, (m, body, source) => m.setSettings(body, "replace", source)));
  router.patch("/master/settings", changing(master, (m, body, source) => m.setSettings(body, "upsert", source)));

  const kind = (req: Request, res: Response): MasterKindSpec | undefined => {
    const spec = kindOfPath(req.params.kind);
    if (!spec) problem(res, 404, `no master data kind "${req.params.kind}" (the kinds are ${KIND_PATHS} and settings)`);
    return spec;
  };
  router.get("/master/:kind", async (req, res, next) => {
    const spec = kind(req, res);
    const service = master();
    if (spec) await service.ready().then(() => res.json(service.records(spec.kind)), next);
  });
  const byKind = (run: (m: MasterDataService, spec: MasterKindSpec, body: unknown, source: string) => Promise<MasterChange>) => (req: Request, res: Response) => {
    const spec = kind(req, res);
    if (spec) return changing(master, (m, body, source) => run(m, spec, body, source))(req, res);
  };
  router.put("/master/:kind", byKind((m, spec, body, source) => m.replace(spec.kind, body, source)));
  router.patch("/master/:kind", byKind((m, spec, body, source) => m.upsert(spec.kind, body, source)));
  router.delete("/master/:kind", byKind((m, spec, body, source) => m.remove(spec.kind, body, source)));

  router.use("/master", (err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.too.large") return problem(res, 413, `body larger than ${MAX_MASTER_BYTES} bytes refused; send the master data kind by kind`, { code: "too-large" });
    if (err.type === "entity.parse.failed") return problem(res, 400, `the body is not JSON: ${err.message}`, { code: "not-json" });
    if (err.type || res.headersSent) return next(err);
    problem(res, 503, `the master data could not be read: ${err.message}`);
  });
  return router;
}
