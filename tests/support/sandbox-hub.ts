import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect } from "vitest";
import { type HubProcess, shippedFlowFiles, startHubProcess, waitForHealthy } from "../runtime/support/hub-process";
import { allQueueCounts, createVhost, type TestVhost } from "./rabbit";
import { until } from "./wait";

const ROOT = resolve(__dirname, "../..");

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

const send = async (url: string, method: string, body: unknown) => {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status, `${method} ${url}`).toBe(200);
};

/**
 * The end-to-end tests' hub: every shipped flow, the sandbox on, a vhost of its own; the manufacturer's master data
 * (tests/fixtures/master/manufacturer.json) in once the start-up sync is applied, and `stock` of FG-1000 on hand in
 * WH-WALLDORF both in the hub's master data and in the WMS, which is consuming when this returns.
 */
export async function startSandboxHub(vhostName: string, stock: number): Promise<{ vhost: TestVhost; hub: HubProcess }> {
  const vhost = createVhost(vhostName);
  const flows = shippedFlowFiles(...readdirSync(resolve(ROOT, "flows")).filter((f) => f.endsWith(".json")));
  const hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows });
  expect(await waitForHealthy(hub.url)).toBe(200);
  await startUpSyncApplied(hub.url, vhost.name);
  await send(`${hub.url}/api/master`, "PUT", JSON.parse(readFileSync(resolve(ROOT, "tests/fixtures/master/manufacturer.json"), "utf8")));
  await send(`${hub.url}/api/master/supply`, "PATCH", [{ sku: "FG-1000", warehouse: "WH-WALLDORF", type: "on-hand", quantity: stock }]);
  await send(`${hub.url}/sandbox/wms/_stock`, "PUT", { sku: "FG-1000", warehouse: "WH-WALLDORF", quantity: stock });
  await until("the WMS consuming", async () => ((await (await fetch(`${hub.url}/sandbox/wms/_state`)).json()) as { consuming: boolean }).consuming, 30_000);
  return { vhost, hub };
}
