import { ORDER_STATES } from "../../domain/order/timeline";
import { masterRecords } from "../../observability/metrics";
import { MASTER_KINDS } from "../../store/master-kinds";
import type { HubStore } from "../../store/types";
import { lastSyncRuns } from "../master-sync";
import { today } from "../today";
import { section } from "./section";
import type { BusinessFacts, Capped } from "./types";

/**
 * The business side of the page, from the store's read methods as the REST routes use them (runtime/api/*.ts): each
 * part on its own, so a part whose read fails or is late leaves the others standing.
 */
export interface BusinessDeps {
  store(): HubStore;
  /** The day lateness is judged on (YYYY-MM-DD): the hub's today. */
  today?: () => string;
}

/**
 * Orders are counted in the store; other counts are read as the routes list them, up to the routes' own limit: a count
 * that reaches it reads `capped` (the page shows 1000+), so the page never reads more than one such route does.
 */
export const COUNT_LIMIT = 1000;
const TASK_STATUSES = ["open", "released", "done", "cancelled"] as const;
const SITES_SHOWN = 20;

const capped = (rows: readonly unknown[], href: string, cli?: string): Capped => ({
  count: rows.length,
  capped: rows.length >= COUNT_LIMIT,
  detail: { href, ...(cli ? { cli } : {}) },
});

const iso = (ms: number) => new Date(ms).toISOString();
const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");

export async function businessFacts(deps: BusinessDeps, ms: number): Promise<BusinessFacts> {
  const store = () => deps.store();
  const [orders, approvals, held, master, masterSync, reconciliation, consignment, planning] = await Promise.all([
    section(async () => {
      const asOf = (deps.today ?? (() => today()))();
      // counted in the store (GROUP BY over its state index): exact however many orders there are
      const counts = await store().timeline.counts(asOf);
      const exact = (count: number, href: string, cli: string): Capped => ({ count, capped: false, detail: { href, cli } });
      const byState = ORDER_STATES.filter((state) => counts.byState[state]).map((state) => ({
        state,
        ...exact(counts.byState[state], `/api/orders?state=${state}&limit=${COUNT_LIMIT}`, `orderhub order list --state ${state} --limit ${COUNT_LIMIT}`),
      }));
      const late = exact(counts.late, `/api/orders?late=true&limit=${COUNT_LIMIT}`, `orderhub order list --late --limit ${COUNT_LIMIT}`);
      return { asOf, byState, late };
    }, ms),
    section(async () => {
      const counts = await store().approvals.counts();
      return { byState: counts.byState, unsent: counts.unsent, eventsOwed: counts.eventsOwed, detail: { href: "/api/approvals?status=open" } };
    }, ms),
    section(async () => {
      const rows = await store().orders.heldOrders({ status: "held" });
      const oldest = rows.reduce<number | null>((min, r) => (min === null || r.heldAt < min ? r.heldAt : min), null);
      return { count: rows.length, oldestHeldAt: oldest === null ? null : iso(oldest), detail: { href: "/api/orders?state=held", cli: "orderhub order list --state held" } };
    }, ms),
    section(async () => {
      const records = (await masterRecords.get()).values.map((v) => {
        const kind = String(v.labels.kind ?? "");
        const kindPath = MASTER_KINDS.find((k) => k.kind === kind)?.path;
        return { kind, count: v.value, detail: { href: kindPath ? `/api/master/${kindPath}` : "/api/master" } };
      });
      return { records: records.sort((a, b) => a.kind.localeCompare(b.kind)), detail: { href: "/api/master" } };
    }, ms),
    section(async () => ({
      runs: lastSyncRuns().map((r) => ({
        source: r.source,
        at: r.at,
        outcome: r.outcome,
        records: r.records,
        changed: r.changedTotal,
        failed: r.failed.length,
        ...(r.error ? { error: r.error } : {}),
      })),
      detail: { href: "/api/master/sync" },
    }), ms),
    section(async () => {
      // the run before one past every id is the newest run
      const run = await store().settlement.previousRun(Number.MAX_SAFE_INTEGER);
      if (!run) return { last: null };
      const byKind = Object.fromEntries(Object.entries(run.report.byKind).filter(([, n]) => (n ?? 0) > 0)) as Record<string, number>;
      const detail = { href: `/api/reconciliation/runs/${run.id}?compare=previous` };
      return { last: { id: run.id, date: run.date, recordedAt: iso(run.recordedAt), counts: { ...run.report.counts }, byKind, detail } };
    }, ms),
    section(async () => {
      const sites = await store().settlement.sites();
      return { count: sites.length, sites: sites.slice(0, SITES_SHOWN).map((s) => ({ ...s, detail: { href: `/api/consignment/${path(s.customer, s.site)}` } })) };
    }, ms),
    section(async () => {
      const production = store().production;
      const tasks = await Promise.all(
        TASK_STATUSES.map(async (status) => ({ status, ...capped(await production.tasks({ status: [status], limit: COUNT_LIMIT }), `/api/planning/production-tasks?status=${status}&limit=${COUNT_LIMIT}`) })),
      );
      const count = (status: string) => tasks.find((t) => t.status === status)?.count ?? 0;
      return { tasks, done: count("done"), of: count("open") + count("released") + count("done") };
    }, ms),
  ]);
  return { orders, approvals, held, master, masterSync, reconciliation, consignment, planning };
}
