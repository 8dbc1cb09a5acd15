import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/wait";
import { startHubProcess, type HubProcess } from "./support/hub-process";

const ROOT = path.resolve(__dirname, "../..");
const flow = (f: string) => JSON.parse(readFileSync(path.join(ROOT, "flows", f), "utf8")) as unknown[];

let hub: HubProcess;

beforeAll(async () => {
  // Nothing listens on port 1: the broker is "down" for the whole test.
  hub = await startHubProcess({
    env: { AMQP_URL: "amqp://guest:guest@127.0.0.1:1" },
    flows: { "config.json": flow("config.json"), "order-intake.json": flow("order-intake.json") },
  });
});

afterAll(async () => {
  expect(await hub.stop()).toBe(0);
});

describe("with the broker down", () => {
  it("the hub keeps running and /health says degraded (503), naming the broker's state and error", async () => {
    // until the flow's broker has tried and failed at least once
    const { res, body } = await until("/health naming the flow broker's error", async () => {
      const res = await fetch(`${hub.url}/health`);
      const body = await res.json();
      return body.broker.brokers.find((b: { id: string; lastError?: string }) => b.id === "orderhub-broker")?.lastError ? { res, body } : undefined;
    });
    expect(res.status).toBe(503);
    expect(body.status).toBe("degraded");
    expect(body.broker.connected).toBe(false);
    const flowBroker = body.broker.brokers.find((b: { id: string }) => b.id === "orderhub-broker");
    expect(["retrying", "failing", "connecting"]).toContain(flowBroker.state);
    expect(flowBroker.lastError).toMatch(/ECONNREFUSED/);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/orderhub_broker_connected\{broker="rabbitmq"\} 0/);
  });

  it("POST /api/orders answers 503 and says nothing was accepted", async () => {
    const csv = "orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity\nD-1,2026-11-20,EUR,C1,1,A-1,3\n";
    const res = await fetch(`${hub.url}/api/orders`, { method: "POST", body: csv, headers: { "content-type": "text/csv" } });
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatch(/could not be queued: .*not connected.*nothing was accepted/);
  });
});
