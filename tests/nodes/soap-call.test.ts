import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import erpSystem from "../../nodes/erp-system/index";
import soapCall from "../../nodes/soap-call/index";
import { registry } from "../../observability/metrics";
import { TestClient, json } from "../support/amqp";
import { helper, hubNodes, loadFlow } from "../support/node-red";
import { createVhost, type TestVhost } from "../support/rabbit";
import { startErp, type StandInErp } from "../support/soap-erp";
import { until } from "../support/wait";

const QUEUE = "orderhub.erp.orders";
let vhost: TestVhost;
let client: TestClient;
let erp: StandInErp;

beforeAll(async () => {
  vhost = createVhost("orderhub-soap-call");
  client = await TestClient.connect(vhost.url);
});

afterAll(async () => {
  await client.close();
  vhost.drop();
});

beforeEach(async () => {
  erp = await startErp();
});

afterEach(async () => {
  await helper.unload();
  await erp.close();
  delete process.env.ORDERHUB_ERP_WSDL;
  await client.purge("orderhub.dlq");
});

/** amqp in → soap-call → settle, with a catch → dead-letter for the soap-call; `answered` sees what goes on. */
function flow(wsdl: string, erpOptions: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  return [
    { id: "t", type: "tab", label: "erp" },
    { id: "rabbit", type: "amqp-broker", configVersion: 1, name: "rabbitmq", url: vhost.url, heartbeat: 30, settleDeadline: 60, declareTopology: true, rejectUnauthorized: true },
    { id: "the-erp", type: "erp-system", configVersion: 1, name: "ERP", wsdl, timeout: 5, retries: 2, ...erpOptions },
    { id: "in", type: "amqp-in", configVersion: 1, z: "t", broker: "rabbit", queue: QUEUE, prefetch: 10, output: "json", declare: true, wires: [["call"]] },
    { id: "call", type: "soap-call", configVersion: 1, z: "t", name: "create sales order", system: "the-erp", service: "ErpService", port: "ErpPort", operation: "CreateSalesOrder", wires: [["done", "answered"]] },
    { id: "done", type: "settle", configVersion: 1, z: "t", wires: [] },
    { id: "answered", type: "helper", z: "t" },
    { id: "failed", type: "catch", z: "t", scope: ["call"], uncaught: false, wires: [["dlq"]] },
    { id: "dlq", type: "dead-letter", configVersion: 1, z: "t", broker: "rabbit", reason: "", wires: [] },
  ];
}

async function start(wsdl = erp.wsdlUrl, erpOptions: Record<string, unknown> = {}, credentials?: Record<string, string>): Promise<void> {
  const nodes = [...hubNodes(), erpSystem, soapCall];
  const f = flow(wsdl, erpOptions);
  await loadFlow(f, nodes, credentials ? { credentials: { "the-erp": credentials } } : {});
  await client.consumed(QUEUE);
}

async function send(order: Record<string, unknown>): Promise<void> {
  await client.send(QUEUE, JSON.stringify(order), { contentType: "application/json", messageId: `m-${String(order.orderNumber)}` });
  await client.confirmed();
}

/** What arrives at the helper after the soap-call. */
function answers(): Array<{ payload: unknown }> {
  const got: Array<{ payload: unknown }> = [];
  helper.getNode("answered").on("input", (m: { payload: unknown }) => got.push(m));
  return got;
}

async function soapCalls(outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric("orderhub_soap_calls_total")!.get();
  return metric.values.filter((v) => v.labels.outcome === outcome && v.labels.operation === "CreateSalesOrder").reduce((n, v) => n + v.value, 0);
}

/** The soap-call's statuses (the helper spies on Node.prototype: every node's calls are in one spy). */
function statusTexts(): string[] {
  const node = helper.getNode("call") as unknown as { status: { args: Array<[{ text?: string }]>; thisValues: unknown[] } };
  return node.status.args.filter((_a, i) => node.status.thisValues[i] === node).map((a) => a[0].text ?? "");
}

describe("soap-call in a flow", () => {
  it("calls the ERP with msg.payload and sends the answer on; the message is acknowledged after it", async () => {
    await start();
    const got = answers();
    const before = await soapCalls("ok");
    await send({ orderNumber: "PO-1", customer: "C-NORTH", amount: 99.5 });
    await until("the answer", () => got.length === 1);
    expect(got[0].payload).toEqual({ salesOrder: "SO-PO-1", status: "created" });
    expect(erp.calls[0].args).toMatchObject({ orderNumber: "PO-1", customer: "C-NORTH" });
    await client.drained(QUEUE);
    expect(await client.depth("orderhub.dlq")).toBe(0);
    expect(await soapCalls("ok")).toBe(before + 1);
    expect(statusTexts().at(-1)).toBe("1 call");
  });

  it("tries a 503 again and succeeds", async () => {
    await start();
    const got = answers();
    const retried = await soapCalls("retried");
    erp.failNext(1, 503);
    await send({ orderNumber: "PO-2", customer: "C-NORTH", amount: 1 });
    await until("the answer", () => got.length === 1);
    expect(got[0].payload).toEqual({ salesOrder: "SO-PO-2", status: "created" });
    expect(await soapCalls("retried")).toBe(retried + 1);
    await client.drained(QUEUE);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });

  it("dead-letters the source message on a SOAP fault, once, with operation, faultcode and faultstring", async () => {
    await start();
    const got = answers();
    const faults = await soapCalls("fault");
    await send({ orderNumber: "PO-3", customer: "UNKNOWN", amount: 1 });
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(json(dead)).toEqual({ orderNumber: "PO-3", customer: "UNKNOWN", amount: 1 });
    expect(dead.properties.messageId).toBe("m-PO-3");
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toBe(
      "soap-call: ERP operation CreateSalesOrder answered SOAP fault soap:Client: customer UNKNOWN is not in the ERP",
    );
    expect(String(dead.properties.headers?.["x-orderhub-node"])).toBe("create sales order");
    expect(erp.calls).toHaveLength(1);
    expect(got).toHaveLength(0);
    await client.drained(QUEUE);
    expect(await soapCalls("fault")).toBe(faults + 1);
    expect(statusTexts().at(-1)).toBe("1 call · 1 failed · soap:Client: customer UNKNOWN is not in the ERP");
  });

  it("dead-letters the source message once the retries are exhausted, saying why", async () => {
    await start();
    await erpClientReady();
    erp.failNext(10, 503);
    await send({ orderNumber: "PO-4", customer: "C-NORTH", amount: 1 });
    const [dead] = await client.collect("orderhub.dlq", 1, 15_000);
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toMatch(
      /^soap-call: ERP operation CreateSalesOrder at http:\/\/127\.0\.0\.1:\d+\/erp\?wsdl failed: HTTP 503 .* \(after 3 attempts\)$/,
    );
    expect(erp.requests.filter((r) => r === "POST" || r === "GET ?wsdl")).toHaveLength(3);
    await client.drained(QUEUE);
  });

  it("sends the erp-system's WS-Security UsernameToken", async () => {
    await start(erp.wsdlUrl, {}, { user: "orderhub", password: "s3cret" });
    const got = answers();
    await send({ orderNumber: "PO-5", customer: "C-NORTH", amount: 1 });
    await until("the answer", () => got.length === 1);
    const token = (erp.calls[0].headers?.Security as { UsernameToken?: { Username?: unknown; Password?: unknown } }).UsernameToken;
    expect(token?.Username).toBe("orderhub");
    expect(JSON.stringify(token?.Password)).toContain("s3cret");
  });

  it("resolves the address at call time: ORDERHUB_ERP_WSDL overrides the node's", async () => {
    await start("http://127.0.0.1:9/nowhere?wsdl");
    process.env.ORDERHUB_ERP_WSDL = erp.wsdlUrl;
    const got = answers();
    await send({ orderNumber: "PO-6", customer: "C-NORTH", amount: 1 });
    await until("the answer", () => got.length === 1);
    expect(got[0].payload).toEqual({ salesOrder: "SO-PO-6", status: "created" });
  });

  it("dead-letters a payload that is no object, naming the operation", async () => {
    await start();
    await client.send(QUEUE, "just text", { contentType: "text/plain", messageId: "m-text" });
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toBe("soap-call: ERP operation CreateSalesOrder: msg.payload must be an object with the operation's arguments (is a string)");
    expect(erp.requests).toHaveLength(0);
  });
});

/** The WSDL loaded before the ERP starts failing: a first call that succeeds. */
async function erpClientReady(): Promise<void> {
  const got = answers();
  await send({ orderNumber: "PO-WARM", customer: "C-NORTH", amount: 1 });
  await until("the warm-up answer", () => got.length === 1);
  erp.requests.length = 0;
}

describe("the editor's operations route", () => {
  it("lists the services, ports and operations of a deployed erp-system, and of a WSDL address", async () => {
    await start();
    const bySystem = await helper.request().get("/orderhub/soap/operations?system=the-erp").expect(200);
    expect(bySystem.body.wsdl).toBe(erp.wsdlUrl);
    expect(bySystem.body.from).toBe("node");
    expect(bySystem.body.operations.map((o: { operation: string }) => o.operation)).toEqual(["CreateSalesOrder", "GetOrderStatus"]);
    const byAddress = await helper.request().get(`/orderhub/soap/operations?wsdl=${encodeURIComponent(erp.wsdlUrl)}`).expect(200);
    expect(byAddress.body.operations).toHaveLength(2);
  });

  it("says what is wrong: an erp-system not deployed, no WSDL named, a WSDL that cannot be read", async () => {
    await start();
    const missing = await helper.request().get("/orderhub/soap/operations?system=nope").expect(404);
    expect(missing.body.error).toMatch(/erp-system nope is not deployed/);
    await helper.request().get("/orderhub/soap/operations").expect(400);
    const unreadable = await helper.request().get("/orderhub/soap/operations?wsdl=/nonexistent.wsdl").expect(400);
    expect(unreadable.body.error).toMatch(/the WSDL could not be read: .*ENOENT/);
  });
});
