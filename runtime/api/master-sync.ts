import express, { type Router } from "express";
import { SYNC_SOURCES, type SyncSource } from "../../domain/master/sync";
import { SyncRunError, lastSyncRuns, runSyncNow } from "../master-sync";

/**
 * The master data sync over REST (the *Master data sync* flow, flows/master-sync.json, does the work):
 * - `POST /api/master/sync?source=erp|plm|wms` (default erp): runs that source's sync now, through the flow as its
 *   schedule does, and answers the run's report: 200 when it ran (`outcome` ok, or partial with the failed records
 *   named), 502 when the source did not answer (`outcome` failed, `error` why), 503 when no flow syncs the source, 504
 *   when the run did not finish within two minutes.
 * - `GET /api/master/sync`: the last run of each source since the hub started.
 * Mounted before the master data router, whose `/master/<kind>` would take `sync` for a kind.
 */
export function masterSyncRouter(options: { timeoutMs?: number } = {}): Router {
  const router = express.Router();
  router.get("/master/sync", (_req, res) => {
    res.json({ runs: lastSyncRuns() });
  });
  router.post("/master/sync", async (req, res) => {
    const given = req.query.source ?? "erp";
    if (typeof given !== "string" || !(SYNC_SOURCES as readonly string[]).includes(given)) {
      res.status(400).json({ error: `source: must be one of ${SYNC_SOURCES.join(", ")} (is ${JSON.stringify(given)})` });
      return;
    }
    try {
      const report = await runSyncNow(given as SyncSource, options.timeoutMs);
      res.status(report.outcome === "failed" ? 502 : 200).json(report);
    } catch (err) {
      if (err instanceof SyncRunError) {
        res.status(err.status).json({ error: err.message });
        return;
      }
      res.status(500).json({ error: (err as Error).message });
    }
  });
  return router;
}
