import { allQueueCounts } from "./rabbit";
import { until } from "./wait";

/**
 * Waits until the hub's start-up master data sync from the ERP has run and its changes are applied (the *Master data*
 * flow's queue drained): a test's own master data written before that could be overwritten by the sync's.
 */
export async function startUpSyncApplied(hubUrl: string, vhost: string): Promise<void> {
  await until("the start-up master data sync, applied", async () => {
    const runs = ((await (await fetch(`${hubUrl}/api/master/sync`)).json()) as { runs: Array<{ source: string }> }).runs;
    return runs.some((r) => r.source === "erp") && ((await allQueueCounts(vhost)).get("orderhub.master")?.total ?? 0) === 0;
  }, 60_000, 250);
}
