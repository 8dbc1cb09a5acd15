import express, { type Router } from "express";
import { requireMetricsKey } from "../api-keys";
import type { FlowsEvent } from "../node-red";
import { startSampling } from "./counters";
import { deployedFlows } from "./deployed";
import { gatherFacts, type OpsDeps } from "./facts";
import { renderPage } from "./page";
import type { OpsFacts } from "./types";

export interface OpsPageOptions extends Omit<OpsDeps, "deployed" | "samples" | "startedAt"> {
  /** Node-RED's runtime events: the deployed flows come with `flows:started`. */
  events: { on(event: string, listener: (ev: FlowsEvent) => void): void };
  /** ORDERHUB_METRICS_KEY: when set, both routes need it, as `/metrics` does (runtime/api-keys.ts). */
  metricsKey?: string;
}

/**
 * `GET /ops` (HTML for a person, refreshing itself) and `GET /ops.json` (the same facts for a script): whether the
 * hub is well and what it is doing, in one place (docs/OPERATIONS.md, "The ops page"). Both answer 200 whatever the
 * hub's state, within a bounded time: each section is read with a timeout, and one that fails says why. Requests that
 * come while the facts are being gathered share that gathering.
 */
export function opsPageRouter(options: OpsPageOptions): Router {
  const startedAt = Date.now() - Math.round(process.uptime() * 1000);
  const deps: OpsDeps = { ...options, deployed: deployedFlows(options.events), samples: startSampling(startedAt), startedAt };
  let gathering: Promise<OpsFacts> | undefined;
  const facts = () => (gathering ??= gatherFacts(deps).finally(() => (gathering = undefined)));
  const guard = requireMetricsKey(options.metricsKey);

  const router = express.Router();
  router.get("/ops.json", guard, (_req, res, next) => {
    facts().then((f) => res.set("Cache-Control", "no-store").json(f), next);
  });
  router.get("/ops", guard, (_req, res, next) => {
    facts().then((f) => res.set("Cache-Control", "no-store").type("html").send(renderPage(f)), next);
  });
  return router;
}
