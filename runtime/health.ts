import type { Request, Response, Router } from "express";
import express from "express";
import { listBrokers, type BrokerInfo } from "../connectors/amqp/registry";
import { registry } from "../observability/metrics";
import type { HubStore } from "../store/types";

export interface HealthDeps {
  flowsRunning(): boolean;
  store(): HubStore;
  /** The sandbox is on: every system the flows call is a stand-in (sandbox/). */
  sandbox?: boolean;
}

export interface HealthReport {
  status: "ok" | "degraded";
  /** What makes the hub degraded, one line each, in words an operator acts on. */
  problems: string[];
  /** What is worth an operator's look without stopping the hub (topology drift). */
  warnings: string[];
  broker: { connected: boolean; brokers: BrokerInfo[] };
  store: { ok: boolean; error?: string };
  flows: { running: boolean };
  /** True while the stand-in systems answer instead of the real ones: no real order should be sent here. */
  sandbox: boolean;
}

const STORE_PING_TIMEOUT_MS = 2000;

/** `GET /health` (200 ok / 503 degraded, for load balancers and probes) and `GET /metrics` (Prometheus). */
export function opsRouter(deps: HealthDeps): Router {
  const router = express.Router();
  router.get("/health", async (_req: Request, res: Response) => {
    const report = await healthReport(deps);
    res.status(report.status === "ok" ? 200 : 503).set("Cache-Control", "no-store").json(report);
  });
  router.get("/metrics", async (_req: Request, res: Response) => {
    res.set("Content-Type", registry.contentType).send(await registry.metrics());
  });
  return router;
}

export async function healthReport(deps: HealthDeps): Promise<HealthReport> {
  const brokers = listBrokers();
  const connected = brokers.every((b) => b.state === "connected" || b.state === "blocked");
  const store = await pingStore(deps.store);
  const running = deps.flowsRunning();
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const b of brokers) {
    if (b.state !== "connected" && b.state !== "blocked") problems.push(`broker ${b.name} is ${b.state}${b.lastError ? `: ${b.lastError}` : ""}`);
    if (b.blocked !== undefined) problems.push(`broker ${b.name} blocks publishing: ${b.blocked}`);
    for (const c of b.consumers) {
      if (c.wanted && !c.running) problems.push(`queue ${c.queue} has no consumer (${c.consumer}): ${c.reason ?? "not subscribed"}; it subscribes again by itself once the queue can be consumed (docs/OPERATIONS.md)`);
    }
    if (b.deadLettersWaiting > 0) problems.push(`broker ${b.name}: ${b.deadLettersWaiting} dead letter(s) no queue can take yet; their originals stay unacknowledged until orderhub.dlq can be declared and bound to orderhub.dlx again (docs/OPERATIONS.md)`);
    for (const d of b.topologyDrift) warnings.push(`queue ${d.queue}: ${d.drift}`);
  }
  if (!store.ok) problems.push(`store: ${store.error ?? "not ok"}`);
  if (!running) problems.push("flows are not running");
  return {
    status: problems.length === 0 ? "ok" : "degraded",
    problems,
    warnings,
    broker: { connected, brokers },
    store,
    flows: { running },
    sandbox: deps.sandbox === true,
  };
}

async function pingStore(open: () => HubStore): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STORE_PING_TIMEOUT_MS} ms`)), STORE_PING_TIMEOUT_MS);
  });
  try {
    const ok = await Promise.race([open().ping(), timeout]);
    return ok ? { ok } : { ok, error: "store ping returned false" };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
