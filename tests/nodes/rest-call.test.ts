import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { breakerFor, resetBreakers } from "../../connectors/rest/circuit-breaker";
import restCallNode from "../../nodes/rest-call/index";
import { idempotencyKeyOf } from "../../nodes/rest-call/controller";
import restSystemNode from "../../nodes/rest-system/index";
import { restTargetOf } from "../../nodes/rest-system/controller";
import { TestClient, json } from "../support/amqp";
import { helper, hubNodes, loadFlow } from "../support/node-red";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";

/**
 * The rest-call node between a queue and a connected system (a real HTTP server here): an answer goes on, a refusal is
 * dead-lettered naming it, a system that is down keeps its messages waiting (past the settle deadline) until it is back.
 */

const QUEUE = "orderhub.test.shipments";
let vhost: TestVhost;
let client: TestClient;
let server: Server;
let base: string;

interface Got {
  method: string;
  url: string;
  key: string | undefined;
  body: unknown;
}
const got: Got[] = [];
/** How the system answers the n-th request (0-based) it gets. */
let answer: (req: Got, n: number) => { status: number; body?: unknown } = () => ({ status: 200 });

beforeAll(async () => {
  vhost = createVhost("orderhub-rest-call");
  process.env.AMQP_URL = vhost.url;
  client = await TestClient.connect(vhost.url);
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      const g: Got = { method: req.method ?? "", url: req.url ?? "", key: req.headers["idempotency-key"] as string | undefined, body: text ? JSON.parse(text) : undefined };
      got.push(g);
      const { status, body } = answer(g, got.length - 1);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tms/v1`;
});

afterAll(async () => {
  await client?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  vhost.drop();
});

afterEach(async () => {
  await helper.unload();
  resetBreakers();
  got.length = 0;
  await client.ch.purgeQueue("orderhub.dlq").catch(() => undefined);
});

/** amqp in → rest-call → settle (and a helper node seeing the answer); catch → dead-letter. */
function flow(call: Record<string, unknown> = {}, system: Record<string, unknown> = {}, settleDeadline = 60) {
  return [
    { id: "b", type: "amqp-broker", name: "rabbitmq", url: "", settleDeadline, declareTopology: true },
    { id: "tms", type: "rest-system", name: "TMS", system: "other", url: base, auth: "none", timeout: 2, failureThreshold: 3, coolDown: 0.3, ...system },
    { id: "t", type: "tab", label: "shipments" },
    { id: "in", type: "amqp-in", z: "t", name: "shipments in", broker: "b", queue: QUEUE, prefetch: 20, output: "json", declare: true, wires: [["call"]] },
    { id: "call", type: "rest-call", z: "t", name: "book shipment", system: "tms", method: "POST", url: "/shipments/{{payload.shipmentId}}", operation: "create-shipment", retries: 1, ...call, wires: [["ok", "out"]] },
    { id: "ok", type: "settle", z: "t", name: "booked: ack", wires: [[]] },
    { id: "out", type: "helper", z: "t" },
    { id: "c", type: "catch", z: "t", name: "refused", scope: ["call", "ok"], uncaught: false, wires: [["dl"]] },
    { id: "dl", type: "dead-letter", z: "t", name: "keep it", broker: "b", reason: "", wires: [[]] },
  ];
}

async function start(...args: Parameters<typeof flow>) {
  await loadFlow(flow(...args), [...hubNodes(), restSystemNode, restCallNode]);
  await client.consumed(QUEUE);
}

async function send(body: unknown, messageId: string) {
  await client.send(QUEUE, JSON.stringify(body), { messageId, contentType: "application/json" });
  await client.confirmed();
}

describe("rest-call", () => {
  it("passes the answer on in msg.payload and msg.statusCode, then the flow acknowledges the message", async () => {
    answer = (g) => ({ status: 201, body: { booked: g.url } });
    await start();
    const seen = new Promise<Record<string, unknown>>((resolve) => helper.getNode("out").on("input", (m: Record<string, unknown>) => resolve(m)));
    await send({ orderKey: "C-NORTH/PO-1001/0", shipmentId: "S 1/A", carrier: "DHL" }, "ship-1");
    const msg = await seen;
    expect(msg).toMatchObject({ payload: { booked: "/tms/v1/shipments/S%201%2FA" }, statusCode: 201 });
    expect(got).toEqual([{ method: "POST", url: "/tms/v1/shipments/S%201%2FA", key: "C-NORTH/PO-1001/0|create-shipment", body: { orderKey: "C-NORTH/PO-1001/0", shipmentId: "S 1/A", carrier: "DHL" } }]);
    await client.drained(QUEUE);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });

  it("tries a 503 again with the same Idempotency-Key, and goes on with the answer when the system takes it", async () => {
    answer = (_g, n) => (n < 2 ? { status: 503, body: { error: "busy" } } : { status: 200, body: { ok: true } });
    await start({ retries: 3 });
    await send({ orderKey: "C-NORTH/PO-1002/0", shipmentId: "S-2" }, "ship-2");
    await client.drained(QUEUE);
    expect(got.map((g) => g.key)).toEqual(Array(3).fill("C-NORTH/PO-1002/0|create-shipment"));
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });

  it("sends msg.idempotencyKey when the message has one, the same on each attempt", async () => {
    answer = (_g, n) => (n === 0 ? { status: 502 } : { status: 200 });
    await start({ url: "/shipments", keyProperty: "" });
    // amqp in gives the body as payload; a change node would set msg.idempotencyKey: here the node is fed directly
    const seen = new Promise<Record<string, unknown>>((resolve) => helper.getNode("out").on("input", (m: Record<string, unknown>) => resolve(m)));
    helper.getNode("call").receive({ payload: { orderKey: "C-SOUTH/PO-7/1" }, idempotencyKey: "inv-2026-0042" } as never);
    expect((await seen).statusCode).toBe(200);
    expect(got.map((g) => g.key)).toEqual(["inv-2026-0042", "inv-2026-0042"]);
  });

  it("dead-letters a 400 at once, naming method, URL, status and the system's answer", async () => {
    answer = () => ({ status: 400, body: { error: "unknown carrier ACME" } });
    await start();
    await send({ shipmentId: "S-3", carrier: "ACME" }, "ship-3");
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(dead.properties.messageId).toBe("ship-3");
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toBe(`rest-call: POST ${base}/shipments/S-3 answered HTTP 400 Bad Request: {"error":"unknown carrier ACME"}`);
    expect(dead.properties.headers?.["x-orderhub-node"]).toBe("book shipment");
    expect(json(dead)).toEqual({ shipmentId: "S-3", carrier: "ACME" });
    expect(got).toHaveLength(1);
    await client.drained(QUEUE);
  });

  it("dead-letters a message the URL template cannot be filled from, naming the property", async () => {
    await start();
    await send({ carrier: "DHL" }, "ship-4");
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toBe("rest-call: URL template /shipments/{{payload.shipmentId}}: msg.payload.shipmentId is missing");
    expect(got).toHaveLength(0);
  });

  it("keeps messages waiting while the system is down, past the settle deadline, and delivers them once it is back", async () => {
    let down = true;
    answer = () => (down ? { status: 503, body: { error: "maintenance" } } : { status: 200, body: { ok: true } });
    await start({ retries: 1 }, {}, 2);
    for (let i = 0; i < 5; i++) await send({ shipmentId: `S-W${i}` }, `wait-${i}`);
    const host = new URL(base).host;
    await until("the circuit open", () => breakerFor(host).state === "open" || breakerFor(host).state === "half-open");
    // down for three times the settle deadline: nothing may be dead-lettered meanwhile
    const downSince = Date.now();
    await until("6 s of the system being down", () => Date.now() - downSince > 6000, 10_000, 100);
    expect(await client.depth("orderhub.dlq")).toBe(0);
    expect((await client.counts(QUEUE)).unacked).toBe(5);
    const tries = got.length;
    // the open circuit spares the system: far fewer calls than five messages retrying on their own
    expect(tries).toBeLessThan(40);
    down = false;
    await client.drained(QUEUE, 30_000);
    expect(await client.depth("orderhub.dlq")).toBe(0);
    const delivered = new Set(got.slice(tries).filter((g) => g.method === "POST").map((g) => g.url));
    expect([...delivered].sort()).toEqual([0, 1, 2, 3, 4].map((i) => `/tms/v1/shipments/S-W${i}`));
    expect(breakerFor(host).state).toBe("closed");
  }, 60_000);

  it("keeps no more waiting messages than it is allowed: the next one fails at once, saying so", async () => {
    answer = () => ({ status: 503 });
    await start({ retries: 0, maxWaiting: 1 });
    const call = helper.getNode("call") as unknown as { receive(m: object): void; on(e: string, f: (c: { args: [Error] }) => void): void };
    const failed = new Promise<Error>((resolve) => call.on("call:error", (c) => resolve(c.args[0])));
    call.receive({ payload: { shipmentId: "S-M1" } });
    await until("the first message waiting", () => got.length >= 1);
    call.receive({ payload: { shipmentId: "S-M2" } });
    expect((await failed).message).toBe(`rest-call: POST ${base}/shipments/S-M2 answered HTTP 503 Service Unavailable: {}; 1 messages wait for other already (waiting at most), this one is not kept`);
  });

  it("with keep trying off, dead-letters a message once its retries are spent", async () => {
    answer = () => ({ status: 503, body: { error: "maintenance" } });
    await start({ retries: 1, keepTrying: false });
    await send({ shipmentId: "S-5" }, "ship-5");
    const [dead] = await client.collect("orderhub.dlq", 1);
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toBe(`rest-call: POST ${base}/shipments/S-5 answered HTTP 503 Service Unavailable: {"error":"maintenance"} (after 2 attempts)`);
  });
});

describe("the Idempotency-Key", () => {
  const config = { keyProperty: "idempotencyKey", operation: "create-shipment", name: "book", method: "POST", url: "/shipments" };
  it.each([
    ["msg.idempotencyKey when set", { idempotencyKey: "K-9", payload: { orderKey: "C-NORTH/PO-1/0" } }, config, "K-9"],
    ["else the order's key with the operation", { payload: { orderKey: "C-NORTH/PO-1/0" } }, config, "C-NORTH/PO-1/0|create-shipment"],
    ["the operation defaults to the node's name", { payload: { orderKey: "C-NORTH/PO-1/0" } }, { ...config, operation: "" }, "C-NORTH/PO-1/0|book"],
    ["then to method and path", { payload: { orderKey: "C-NORTH/PO-1/0" } }, { ...config, operation: "", name: "" }, "C-NORTH/PO-1/0|POST /shipments"],
    ["another property when configured", { headers: { key: "H-1" }, payload: {} }, { ...config, keyProperty: "headers.key" }, "H-1"],
    ["an empty key counts as none", { idempotencyKey: "", payload: { orderKey: "C-NORTH/PO-1/0" } }, config, "C-NORTH/PO-1/0|create-shipment"],
    ["none without either", { payload: { shipmentId: "S-1" } }, config, undefined],
  ])("%s", (_case, msg, cfg, key) => {
    expect(idempotencyKeyOf(msg, cfg)).toBe(key);
  });
});

describe("a rest-system's settings", () => {
  it.each([
    [{ auth: "basic" }, { user: "hub", password: "pw" }, { type: "basic", user: "hub", password: "pw" }],
    [{ auth: "bearer" }, { token: "t0k" }, { type: "bearer", token: "t0k" }],
    [{ auth: "apikey", apiKeyHeader: "X-Tms-Key" }, { apiKey: "k-1" }, { type: "apikey", header: "X-Tms-Key", value: "k-1" }],
    [{}, {}, { type: "none" }],
  ])("auth %j", (config, creds, auth) => {
    expect(restTargetOf({ id: "s", type: "rest-system", name: "", z: "", system: "tms", url: "http://tms", ...config } as never, creds).auth).toEqual(auth);
  });

  it.each([
    [{ system: "tms", url: "http://node.example" }, {}, "http://node.example"],
    [{ system: "tms", url: "http://node.example" }, { ORDERHUB_TMS_URL: "http://env.example/tms" }, "http://env.example/tms"],
    [{ system: "other", url: "http://node.example" }, { ORDERHUB_TMS_URL: "http://env.example/tms" }, "http://node.example"],
  ])("%j with %j is at %s, resolved at call time", (config, env, url) => {
    expect(restTargetOf({ ...config } as never, {}, env).address().url).toBe(url);
  });

  it.each([
    [{ system: "erp" }, 'system must be one of oa, crm, tms, finance, plm, wms, other (is "erp")'],
    [{ system: "tms", url: "tms.example" }, 'base URL must be an http(s) URL (is "tms.example")'],
    [{ system: "tms", auth: "apikey", apiKeyHeader: "x key" }, 'API key header must be a header name such as X-Api-Key (is "x key")'],
    [{ system: "tms", timeout: "0" }, 'timeout must be a positive number (is "0")'],
    [{ system: "tms", failureThreshold: "-1" }, 'failures to open the circuit must be a positive number (is "-1")'],
  ])("refuses %j", (config, message) => {
    expect(() => restTargetOf(config as never, {}, {})).toThrow(message);
  });

  it("names what to set when a system has no address", () => {
    expect(() => restTargetOf({ system: "tms" } as never, {}, {}).address()).toThrow("TMS has no address: set ORDERHUB_TMS_URL or the address in its config node");
    expect(() => restTargetOf({ system: "other" } as never, {}, {}).address()).toThrow("system other has no address: set the base URL in its rest-system node");
  });
});
