import type { Request, Response, Router } from "express";
import express from "express";
import { listBrokers, type BrokerInfo } from "../connectors/amqp/registry";
import { registry } from "../observability/metrics";
import type { HubStore } from "../store/types";

export interface HealthDeps {
  flowsRunning(): boolean;
  store(): HubStore;
}

export interface HealthReport {
  status: "ok" | "degraded";
  broker: { connected: boolean; brokers: BrokerInfo[] };
  store: { ok: boolean; error?: string };
  flows: { running: boolean };
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
  const connected = brokers.every((b) => b.state === "connected");
  const store = await pingStore(deps.store);
  const running = deps.flowsRunning();
  return {
    status: connected && store.ok && running ? "ok" : "degraded",
    broker: { connected, brokers },
    store,
    flows: { running },
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
