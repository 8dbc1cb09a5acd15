import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import restWebhookNode from "../../nodes/rest-webhook/index";
import type { NodeAPI } from "../../nodes/shared/types";
import { forgetApiKeys, issueKey } from "../../runtime/api-keys";
import { SqliteStore, setHubStore } from "../../store";
import { TestClient } from "../support/amqp";
import { helper, hubNodes, loadFlow } from "../support/node-red";
import { createVhost, type TestVhost } from "../support/rabbit";
import { shippedFlowFiles, startHubProcess, waitForHealthy, type HubProcess } from "../runtime/support/hub-process";

/**
 * The rest-webhook node on Node-RED's httpNode, served over real HTTP: the caller's key is checked, the body published
 * with confirms, and 202 comes only once the message is in its queue.
 */

const QUEUE = "orderhub.test.tms-status";
let vhost: TestVhost;
let client: TestClient;
let dir: string;
let store: SqliteStore;
let server: Server;
let base: string;
let red: NodeAPI | undefined;

/** The node module, keeping hold of the runtime API it registers with (its httpNode is what we serve). */
const webhookNode = (RED: NodeAPI) => {
  red = RED;
  restWebhookNode(RED);
};

beforeAll(async () => {
  vhost = createVhost("orderhub-rest-webhook");
  process.env.AMQP_URL = vhost.url;
  dir = mkdtempSync(join(tmpdir(), "orderhub-webhook-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  setHubStore(store);
  forgetApiKeys();
  client = await TestClient.connect(vhost.url);
  await client.ch.assertExchange("orderhub.events", "topic", { durable: true });
  await client.ch.assertQueue(QUEUE, { durable: true });
  await client.ch.bindQueue(QUEUE, "orderhub.events", "tms.status.#");
  await loadFlow(
    [
      { id: "b", type: "amqp-broker", name: "rabbitmq", url: "", settleDeadline: 60, declareTopology: true },
      { id: "t", type: "tab", label: "TMS" },
      { id: "hook", type: "rest-webhook", z: "t", name: "TMS status", path: "/webhooks/tms", system: "tms", broker: "b", exchange: "orderhub.events", routingKey: "tms.status.changed", wires: [["out"]] },
      { id: "lost", type: "rest-webhook", z: "t", name: "nowhere", path: "/webhooks/nowhere", broker: "b", exchange: "orderhub.events", routingKey: "nobody.listens", wires: [[]] },
      { id: "out", type: "helper", z: "t" },
    ],
    [...hubNodes(), webhookNode],
  );
  // served as the hub serves it: Node-RED's httpNode under /api
  const app = (await import("express")).default();
  app.use("/api", red!.httpNode as never);
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  await helper.unload();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await client?.close();
  forgetApiKeys();
  setHubStore(undefined);
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
  vhost.drop();
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

describe("rest-webhook, while the hub has no API key (loopback callers only)", () => {
  it("answers 202 only once the message is in its queue, under the body's sha256", async () => {
    const body = JSON.stringify({ shipmentId: "S-1", status: "delivered" });
    const res = await post("/webhooks/tms", body, { "x-correlation-id": "corr-1" });
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { messageId: string };
    const sha = `sha256:${createHash("sha256").update(body).digest("hex").slice(0, 32)}`;
    expect(answer).toEqual({ messageId: sha, exchange: "orderhub.events", routingKey: "tms.status.changed" });
    // asked right after the 202, without waiting: the broker holds it already
    expect(await client.depth(QUEUE)).toBe(1);
    const [m] = await client.collect(QUEUE, 1);
    expect(m.content.toString()).toBe(body);
    expect(m.properties).toMatchObject({ messageId: sha, correlationId: "corr-1", contentType: "application/json", deliveryMode: 2, appId: "loopback", type: "tms.status.changed" });
    expect(m.properties.headers).toMatchObject({ "x-orderhub-source-system": "loopback", "x-orderhub-webhook": "/webhooks/tms" });
  });

  it("gives the same webhook the same message id; an Idempotency-Key becomes the id", async () => {
    const body = JSON.stringify({ shipmentId: "S-2", status: "picked-up" });
    const first = (await (await post("/webhooks/tms", body)).json()) as { messageId: string };
    const again = (await (await post("/webhooks/tms", body)).json()) as { messageId: string };
    expect(again.messageId).toBe(first.messageId);
    const keyed = await post("/webhooks/tms", body, { "idempotency-key": "tms-evt-881" });
    expect(((await keyed.json()) as { messageId: string }).messageId).toBe("tms-evt-881");
    const got = await client.collect(QUEUE, 3);
    expect(got.map((m) => m.properties.messageId)).toEqual([first.messageId, first.messageId, "tms-evt-881"]);
  });

  it("passes the message on after the 202, with the caller's system", async () => {
    const seen = new Promise<Record<string, unknown>>((resolve) => helper.getNode("out").once("input", (m: Record<string, unknown>) => resolve(m)));
    await post("/webhooks/tms", JSON.stringify({ shipmentId: "S-3" }), { "idempotency-key": "evt-3" });
    expect(await seen).toMatchObject({ payload: { shipmentId: "S-3" }, messageId: "evt-3", topic: "tms.status.changed", apiSystem: "loopback" });
    await client.collect(QUEUE, 1);
  });

  it.each([
    ["not JSON", "shipment S-4 delivered", /^body is not JSON: Unexpected token/],
    ["empty", "", /^body is not JSON: the body is empty$/],
  ])("answers 400 for a body that is %s, and publishes nothing", async (_case, body, error) => {
    const res = await post("/webhooks/tms", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(error);
    expect(await client.depth(QUEUE)).toBe(0);
  });

  it("answers 503 when the broker does not take the message (no queue for its routing key)", async () => {
    const res = await post("/webhooks/nowhere", JSON.stringify({ a: 1 }));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { error: string }).error).toMatch(/^not queued, send it again: no queue took the message published to "orderhub.events" with key "nobody.listens"/);
  });
});

describe("rest-webhook, once the hub has API keys", () => {
  let tmsKey: string;
  let crmKey: string;
  beforeAll(async () => {
    tmsKey = (await issueKey("tms")).key;
    crmKey = (await issueKey("crm")).key;
  });

  it.each([
    ["without a key", {}, /^no API key/],
    ["with a key the hub does not know", { "x-api-key": "ohk_0123456789abcdef_" + "A".repeat(43) }, /^unknown API key ohk_0123456789abcdef_/],
    ["with a malformed key", { authorization: "Bearer nonsense" }, /^malformed API key/],
  ])("answers 401 %s, and publishes nothing", async (_case, headers, error) => {
    const res = await post("/webhooks/tms", JSON.stringify({ shipmentId: "S-5" }), headers);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(((await res.json()) as { error: string }).error).toMatch(error);
    expect(await client.depth(QUEUE)).toBe(0);
  });

  it("answers 403 for another system's key", async () => {
    const res = await post("/webhooks/tms", JSON.stringify({ shipmentId: "S-6" }), { authorization: `Bearer ${crmKey}` });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe("this webhook takes calls from tms; the API key is crm's");
  });

  it.each([
    ["X-Api-Key", (k: string) => ({ "x-api-key": k })],
    ["Authorization: Bearer", (k: string) => ({ authorization: `Bearer ${k}` })],
  ])("takes the system's key in %s", async (_case, headers) => {
    const res = await post("/webhooks/tms", JSON.stringify({ shipmentId: "S-7" }), headers(tmsKey));
    expect(res.status).toBe(202);
    const [m] = await client.collect(QUEUE, 1);
    expect(m.properties.appId).toBe("tms");
  });
});

describe("rest-webhook in the running hub (behind OrderHub's own /api routes)", () => {
  let hubVhost: TestVhost;
  let hub: HubProcess;
  let tap: TestClient;
  beforeAll(async () => {
    hubVhost = createVhost("orderhub-webhook-hub");
    tap = await TestClient.connect(hubVhost.url);
    await tap.ch.assertExchange("orderhub.events", "topic", { durable: true });
    await tap.ch.assertQueue(QUEUE, { durable: true });
    await tap.ch.bindQueue(QUEUE, "orderhub.events", "tms.status.#");
    const tms = [
      { id: "tms.tab", type: "tab", label: "TMS" },
      { id: "tms.hook", type: "rest-webhook", z: "tms.tab", name: "TMS status", path: "/webhooks/tms", broker: "orderhub-broker", exchange: "orderhub.events", routingKey: "tms.status.changed", wires: [[]] },
    ];
    hub = await startHubProcess({ env: { AMQP_URL: hubVhost.url }, flows: { ...shippedFlowFiles("config.json"), "tms.json": tms } });
    expect(await waitForHealthy(hub.url, 20_000)).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await tap?.close();
    hubVhost?.drop();
  });

  it("takes the body as sent and answers 202 once it is queued", async () => {
    const body = JSON.stringify({ shipmentId: "S-9", status: "delivered" });
    const res = await fetch(`${hub.url}/api/webhooks/tms`, { method: "POST", body, headers: { "content-type": "application/json", "idempotency-key": "hub-evt-1" } });
    expect(res.status).toBe(202);
    expect(await tap.depth(QUEUE)).toBe(1);
    const [m] = await tap.collect(QUEUE, 1);
    expect([m.content.toString(), m.properties.messageId]).toEqual([body, "hub-evt-1"]);
  });
});
