import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, json } from "../support/amqp";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, shippedFlowFiles, startHubProcess, waitForHealthy } from "./support/hub-process";

// The *Orders from CRM* flow on a hub with the sandbox on: the stand-in CRM's webhook and the hub's poll of the CRM
// both put the order on the intake queue, and the intake accepts it once.

const CLI = join(__dirname, "../../dist/cli/main.js");

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;

const crmOrder = (orderNumber: string) => ({
  orderNumber,
  issueDate: new Date().toISOString().slice(0, 10),
  currency: "EUR",
  buyer: { id: "C-NORTH" },
  lines: [{ lineNumber: "1", sku: "BR-VCB-001", quantity: 10, unitPrice: 0.98 }],
});
const placeInCrm = async (order: object): Promise<{ crmOrderId: string }> => {
  const res = await fetch(`${hub.url}/sandbox/crm/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(order) });
  expect(res.status).toBe(201);
  return (await res.json()) as { crmOrderId: string };
};
/** The poll's inject, as its button in the editor starts it. */
const pollNow = async () => expect((await fetch(`${hub.url}/admin/inject/crm-orders-poll`, { method: "POST" })).status).toBe(200);
const duplicates = async () => {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  return [...text.matchAll(/^orderhub_duplicates_total(?:\{[^}]*\})? (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
};

beforeAll(async () => {
  vhost = createVhost("orderhub-crm-orders");
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows: shippedFlowFiles("config.json", "order-intake.json", "crm-orders.json") });
  expect(await waitForHealthy(hub.url)).toBe(200);
  client = await TestClient.connect(vhost.url);
}, 30_000);

afterAll(async () => {
  await client?.close();
  if (hub) expect(await hub.stop()).toBe(0);
  vhost?.drop();
});

describe("orders from the CRM", () => {
  it("an order taken in the CRM reaches the intake by webhook and is accepted, its source the CRM", async () => {
    const accepted = await client.tap("order.accepted");
    const { crmOrderId } = await placeInCrm(crmOrder("CRM-T-1"));
    const [event] = await client.collect(accepted, 1);
    expect(json(event)).toMatchObject({ orderNumber: "CRM-T-1", buyer: { id: "C-NORTH" }, source: { system: "crm", format: "json", documentId: crmOrderId } });
    const callbacks = (await (await fetch(`${hub.url}/sandbox/crm/_callbacks`)).json()) as { sent: Array<{ status?: number }> };
    expect(callbacks.sent.map((c) => c.status)).toContain(202);
  });

  it("the poll sees the same order again, and the intake does not accept it twice", async () => {
    const accepted = await client.tap("order.accepted");
    // the poll at start, or this one, reads the order again (whichever came after it: the cursor then is past it)
    await pollNow();
    await until("the poll's copy to reach the intake as a repeat", async () => (await duplicates()) >= 1);
    expect((await client.collect(accepted, 0)).map((m) => json(m).orderNumber)).toEqual([]);
  });

  it("once the hub has API keys of its own, the stand-in CRM still gets its webhook through with the sandbox's key, and the poll does not double it", async () => {
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [CLI, "keys", "add", "tms"], { env: { ...process.env, ORDERHUB_DATA_DIR: hub.dataDir } }, (err) => (err ? reject(err) : resolve())),
    );
    await until("the hub to ask loopback callers for a key too", async () => (await fetch(`${hub.url}/api/no-such-route`)).status === 401);
    const accepted = await client.tap("order.accepted");
    const { crmOrderId } = await placeInCrm(crmOrder("CRM-T-2"));
    const events = await client.collect(accepted, 1);
    expect(events.map((m) => json(m))).toEqual([expect.objectContaining({ orderNumber: "CRM-T-2", source: expect.objectContaining({ system: "crm", documentId: crmOrderId }) })]);
    const state = (await (await fetch(`${hub.url}/sandbox/crm/_state`)).json()) as { failedCallbacks: unknown[] };
    expect(state.failedCallbacks).toEqual([]);
    await pollNow();
    expect(await client.collect(accepted, 0)).toEqual([]);
  });
});
