import { randomUUID } from "node:crypto";
import type { SyncReport, SyncSource } from "../domain/master/sync";

/**
 * The master data sync runs of this process: the `master-sync` nodes deployed (one lane per node, named by its source:
 * erp, plm, wms), the last report of each source, and runs asked for by REST (`POST /api/master/sync`). A run asked
 * for goes through the flow as a scheduled one does: the lane triggers the inject node in front of its source call,
 * the message carries the request's id, and the `master-sync` node answers it with the run's report.
 */

export interface SyncLane {
  /** The master-sync node's id. */
  id: string;
  source: SyncSource;
  /** Starts a run carrying `request` (msg.syncRequest); false when no inject node leads to the lane. */
  trigger(request: string): boolean;
}

export class SyncRunError extends Error {
  override name = "SyncRunError";
  constructor(
    message: string,
    readonly status: 503 | 504,
  ) {
    super(message);
  }
}

const lanes = new Map<string, SyncLane>();
const lastRuns = new Map<SyncSource, SyncReport>();
const waiting = new Map<string, { resolve(report: SyncReport): void; timer: NodeJS.Timeout }>();

/** A master-sync node announces itself as it starts; the function returned takes it off again (on close). */
export function registerSyncLane(lane: SyncLane): () => void {
  lanes.set(lane.id, lane);
  return () => {
    if (lanes.get(lane.id) === lane) lanes.delete(lane.id);
  };
}

/** A master-sync node tells of each run it finished; `request` is the run's msg.syncRequest when REST asked for it. */
export function syncRunFinished(report: SyncReport, request?: unknown): void {
  lastRuns.set(report.source, report);
  if (typeof request !== "string") return;
  const w = waiting.get(request);
  if (!w) return;
  waiting.delete(request);
  clearTimeout(w.timer);
  w.resolve(report);
}

/** The last run of each source since the hub started. */
export function lastSyncRuns(): SyncReport[] {
  return [...lastRuns.values()];
}

/**
 * Runs the source's sync now, through its flow, and resolves with the run's report (a run the source did not answer
 * is a report with outcome `failed`). SyncRunError 503 when no flow syncs that source, 504 when the run did not finish
 * within `timeoutMs`.
 */
export function runSyncNow(source: SyncSource, timeoutMs = 120_000): Promise<SyncReport> {
  const lane = [...lanes.values()].find((l) => l.source === source);
  if (!lane) return Promise.reject(new SyncRunError(`no deployed flow syncs ${source} master data (a master-sync node with source ${source})`, 503));
  const request = `sync-request-${randomUUID()}`;
  return new Promise<SyncReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(request);
      reject(new SyncRunError(`the ${source} master data sync did not finish within ${Math.round(timeoutMs / 1000)} s; its report will be in GET /api/master/sync once it does`, 504));
    }, timeoutMs);
    timer.unref();
    waiting.set(request, { resolve, timer });
    if (!lane.trigger(request)) {
      clearTimeout(timer);
      waiting.delete(request);
      reject(new SyncRunError(`the ${source} master data sync node ${lane.id} has no inject node in front of it to start a run with`, 503));
    }
  });
}
