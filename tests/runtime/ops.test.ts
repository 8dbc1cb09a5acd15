import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SampleRing } from "../../runtime/ops/samples";
import { escapeHtml } from "../../runtime/ops/page";
import { SECTION_TIMEOUT_MS } from "../../runtime/ops/section";
import { TestClient } from "../support/amqp";
import { relayToBroker, type BrokerRelay } from "../support/broker-relay";
import { canonicalOrder } from "../support/orders";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, shippedFlowFiles, startHubProcess, waitForHealthy } from "./support/hub-process";

// The ops page of a hub of its own, after a known piece of work: an order accepted through POST /api/orders, the same
// order number posted again with other content (dead-lettered as a key conflict), and a document whose quantity is
// markup (dead-lettered by normalize, its reason quoting the markup). The hub reaches the broker through a relay the
// test can freeze: a broker that stops answering is a source that fails.

const KEY = "ops-test-metrics-key";
const INBOUND = "orderhub.orders.inbound";
const DLQ = "orderhub.dlq";
const SCRIPT = "<script>alert(1)</script>";
const VERSION = (JSON.parse(readFileSync(resolve(__dirname, "../../package.json"), "utf8")) as { version: string }).version;

type FlowNode = { id: string; type: string; name?: string; label?: string; queue?: string };
const files = shippedFlowFiles("config.json", "order-intake.json", "order-timeline.json");
const nodesOf = (file: string) => files[file] as FlowNode[];
const tabOf = (file: string) => nodesOf(file).find((n) => n.type === "tab")!.label!;
const named = (file: string, type: string) => nodesOf(file).find((n) => n.type === type)!;

let vhost: TestVhost;
let relay: BrokerRelay;
let hub: HubProcess;
let client: TestClient;

const withKey = { authorization: `Bearer ${KEY}` };
const opsJson = async () => (await fetch(`${hub.url}/ops.json`, { headers: withKey })).json() as Promise<any>;
const post = (body: unknown, key: string) =>
  fetch(`${hub.url}/api/orders`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", "idempotency-key": key } });

beforeAll(async () => {
  vhost = createVhost("orderhub-ops");
  relay = await relayToBroker();
  const viaRelay = `amqp://guest:guest@127.0.0.1:${relay.port}/${encodeURIComponent(vhost.name)}`;
  hub = await startHubProcess({ env: { AMQP_URL: viaRelay, ORDERHUB_METRICS_KEY: KEY }, flows: files });
  expect(await waitForHealthy(hub.url)).toBe(200);
  client = await TestClient.connect(vhost.url);
  const events = await client.tap("order.*");

  expect((await post(canonicalOrder("OPS-1"), "ops-1")).status).toBe(202);
  expect((await client.collect(events, 1)).map((m) => m.fields.routingKey)).toEqual(["order.accepted"]);
  const changed = canonicalOrder("OPS-1") as { lines: Array<{ quantity: number }> };
  changed.lines[0].quantity = 11;
  expect((await post(changed, "ops-1-changed")).status).toBe(202);
  const markup = canonicalOrder("OPS-2") as { lines: Array<{ quantity: unknown }> };
  markup.lines[0].quantity = SCRIPT;
  await client.send(INBOUND, JSON.stringify(markup), { contentType: "application/json", messageId: "ops-2-markup" });
  await client.confirmed();
  expect((await client.collect(events, 2)).map((m) => m.fields.routingKey)).toEqual(["order.rejected", "order.rejected"]);
  await client.drained(INBOUND);
  // the timeline has recorded the accepted order once its consumer acknowledged the event
  await until("the order on the timeline", async () => (await fetch(`${hub.url}/api/orders/OPS-1`)).status === 200);
  await client.drained("orderhub.timeline");
});

afterAll(async () => {
  await client?.close();
  await hub?.stop();
  await relay?.close();
  vhost?.drop();
});

describe("the guard: /ops and /ops.json need the metrics key when ORDERHUB_METRICS_KEY is set, as /metrics does", () => {
  it.each([
    ["/ops", {}, 401],
    ["/ops.json", {}, 401],
    ["/ops", { authorization: "Bearer not-the-key" }, 401],
    ["/ops.json", { "x-api-key": "not-the-key" }, 401],
    ["/ops", withKey, 200],
    ["/ops.json", { "x-api-key": KEY }, 200],
    ["/metrics", {}, 401],
    ["/health", {}, 200],
  ] as Array<[string, Record<string, string>, number]>)("GET %s with %j answers %i", async (path, headers, status) => {
    const res = await fetch(`${hub.url}${path}`, { headers });
    expect(res.status).toBe(status);
    if (status === 401) expect(res.headers.get("www-authenticate")).toBe("Bearer");
  });
});

describe("GET /ops.json: the hub's real state", () => {
  let facts: any;
  beforeAll(async () => {
    facts = await opsJson();
  });

  it("says the hub is well: status, version, flows, store", () => {
    expect(facts.hub).toMatchObject({ available: true, status: "ok", problems: [], version: VERSION, flowsRunning: true, store: { ok: true } });
    expect(facts.hub.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(facts.sandbox).toBe(true);
  });

  it("lists each broker connection, and one consumer per queue with the flow and node that consume it", () => {
    expect(facts.broker.connections.map((c: any) => [c.name, c.state]).sort()).toEqual([["api", "connected"], ["rabbitmq", "connected"]]);
    const intakeIn = named("order-intake.json", "amqp-in");
    const timelineIn = named("order-timeline.json", "amqp-in");
    expect(facts.broker.consumers.map((c: any) => [c.queue, c.flow, c.node, c.running])).toEqual([
      [intakeIn.queue, tabOf("order-intake.json"), intakeIn.name, true],
      [timelineIn.queue, tabOf("order-timeline.json"), timelineIn.name, true],
    ]);
    expect(facts.queues.queues).toEqual([
      { queue: intakeIn.queue, ready: 0, consumers: 1 },
      { queue: timelineIn.queue, ready: 0, consumers: 1 },
    ]);
  });

  it("counts the dead letters in orderhub.dlq as the broker does, and names the newest reasons", async () => {
    expect(facts.queues.deadLetterQueue).toEqual({ queue: DLQ, ready: 2, detail: { cli: "orderhub dlq list" } });
    expect(await client.ready(DLQ)).toBe(facts.queues.deadLetterQueue.ready);
    const recent = facts.broker.recentDeadLetters as Array<{ queue: string; node: string; error: string; messageId?: string }>;
    expect(recent).toHaveLength(2);
    const conflict = recent.find((d) => d.messageId !== "ops-2-markup")!;
    expect(conflict).toMatchObject({ queue: INBOUND, node: named("order-intake.json", "idempotent").name });
    expect(conflict.error).toMatch(/^key C-1001\/OPS-1\/0 .* was used before .* with other content/);
    const markup = recent.find((d) => d.messageId === "ops-2-markup")!;
    expect(markup).toMatchObject({ queue: INBOUND, node: named("order-intake.json", "order-normalize").name });
    expect(markup.error).toContain(SCRIPT);
  });

  it("counts the messages settled per queue, the dead letters per failing node, published and key conflicts", () => {
    const t = facts.throughput;
    const inbound = t.queues.find((q: any) => q.queue === INBOUND);
    expect(inbound).toMatchObject({ flow: tabOf("order-intake.json"), acked: { total: 1 }, deadLettered: { total: 2 } });
    expect(t.deadLetters.map((d: any) => [d.queue, d.node, d.count.total]).sort()).toEqual(
      [
        [INBOUND, named("order-intake.json", "idempotent").name, 1],
        [INBOUND, named("order-intake.json", "order-normalize").name, 1],
      ].sort(),
    );
    const published = Object.fromEntries(t.published.map((p: any) => [p.routingKey, p.count.total]));
    expect(published).toMatchObject({ "order.accepted": 1, "order.rejected": 2 });
    expect(t.keyConflicts.map((k: any) => k.count.total)).toEqual([1]);
    expect(t.flows.find((f: any) => f.flow === tabOf("order-intake.json")).error.total).toBeGreaterThan(0);
  });

  it("shows the orders by state as the timeline has them: the accepted order, and nothing of the two refused", async () => {
    const state = ((await (await fetch(`${hub.url}/api/orders/OPS-1`)).json()) as any).orders[0].state as string;
    expect(facts.business.orders.byState).toEqual([
      { state, count: 1, capped: false, detail: { href: `/api/orders?state=${state}&limit=1000`, cli: `orderhub order list --state ${state} --limit 1000` } },
    ]);
    expect(facts.business.orders.late.count).toBe(0);
    expect(facts.business.held).toMatchObject({ available: true, count: 0 });
    expect(facts.business.approvals).toMatchObject({ available: true, byState: { pending: 0, escalated: 0 } });
    expect(facts.business.reconciliation).toEqual({ available: true, last: null });
  });
});

describe("GET /ops: the page rendered from those facts", () => {
  let html: string;
  let res: Response;
  beforeAll(async () => {
    res = await fetch(`${hub.url}/ops`, { headers: withKey });
    html = await res.text();
  });

  it("is HTML that refreshes itself and says SANDBOX while the stand-ins answer", () => {
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('<div class="sandbox">OrderHub — SANDBOX');
    expect(html).toMatch(/<span class="status ok">ok<\/span>/);
  });

  it("escapes a dead letter's reason: the markup in it is text, and the page has no script at all", () => {
    expect(html).toContain(escapeHtml(SCRIPT));
    expect(html).not.toMatch(/<script/i);
  });

  it("links each order count to the route that lists those orders", async () => {
    const state = ((await (await fetch(`${hub.url}/api/orders/OPS-1`)).json()) as any).orders[0].state as string;
    expect(html).toContain(`<a class="n" href="/api/orders?state=${state}&amp;limit=1000" title="orderhub order list --state ${state} --limit 1000">1</a>`);
    expect(html).toMatch(/dead letters in <code>orderhub\.dlq<\/code>: <strong class="bad"><span class="n">2<\/span><\/strong>/);
  });
});

describe("a source that fails: the broker stops answering", () => {
  const frozen: Array<{ client: Socket; broker: Socket }> = [];
  afterAll(() => {
    for (const pair of frozen) pair.client.pipe(pair.broker).pipe(pair.client);
  });

  it("shows the broker's queues unavailable with the reason, and the page still answers 200 with every other section", async () => {
    for (const pair of relay.pairs) {
      pair.client.unpipe(pair.broker);
      pair.broker.unpipe(pair.client);
      pair.client.pause();
      pair.broker.pause();
      frozen.push(pair);
    }
    const res = await fetch(`${hub.url}/ops.json`, { headers: withKey });
    expect(res.status).toBe(200);
    const facts = (await res.json()) as any;
    expect(facts.queues).toEqual({ available: false, reason: `no answer within ${SECTION_TIMEOUT_MS} ms` });
    expect(facts.hub.available).toBe(true);
    expect(facts.broker.available).toBe(true);
    expect(facts.business.orders.available).toBe(true);
    expect(facts.throughput.available).toBe(true);
    const page = await fetch(`${hub.url}/ops`, { headers: withKey });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<p class="unavailable">unavailable: no answer within ${SECTION_TIMEOUT_MS} ms</p>`);
    expect(html).toContain("<h2>Business</h2>");
  });
});

describe("counts over a window, from samples of the counters", () => {
  const start = 1_000_000;
  const ring = (samples: Array<[number, number]>) => {
    const r = new SampleRing(start);
    for (const [at, value] of samples) r.add({ at: start + at * 1000, values: new Map([["k", value]]) });
    return r;
  };
  it.each([
    ["no sample yet: since start", [], 30, 12, { count: 12, seconds: 30, sinceStart: true }],
    ["only samples newer than a minute: since start", [[0, 0], [20, 5]], 50, 12, { count: 12, seconds: 50, sinceStart: true }],
    ["the newest sample at least a minute old", [[0, 0], [10, 4], [20, 9]], 80, 12, { count: 3, seconds: 60, sinceStart: false }],
    ["a sample older than the window only", [[0, 2]], 95, 12, { count: 10, seconds: 95, sinceStart: false }],
    ["a counter lower than its sample (a new process): since start", [[0, 50]], 70, 12, { count: 12, seconds: 70, sinceStart: true }],
  ] as Array<[string, Array<[number, number]>, number, number, object]>)("%s", (_what, samples, nowSeconds, value, expected) => {
    expect(ring(samples).window("k", value, 60_000, start + nowSeconds * 1000)).toEqual(expected);
  });
});
