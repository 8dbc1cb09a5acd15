import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../support/amqp";
import { canonicalOrder } from "../support/orders";
import { createVhost, type TestVhost } from "../support/rabbit";
import { edifactInterchange, edifactMessage } from "../support/several-orders";
import { until } from "../support/wait";
import { type HubProcess, shippedFlowFiles, startHubProcess, waitForHealthy } from "./support/hub-process";

// The figures /metrics gives after a known day's work, one of each kind, on a hub of its own: values, not names.

const INBOUND = "orderhub.orders.inbound";
const BATCH = 300;
const intake = shippedFlowFiles("order-intake.json")["order-intake.json"] as Array<{ id: string; type: string; name?: string; scope?: string; label?: string }>;
const FLOW = intake.find((n) => n.type === "tab")!.label!;
/** The intake's nodes by id, as /metrics names them. */
const node = (id: string) => intake.find((n) => n.id === id)!.name!;
const SCOPE = intake.find((n) => n.type === "idempotent")!.scope!;

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;
/** What /metrics said while the batch was being mapped, and at the end. */
const seen = { pendingWhileMapping: 0, mappingWhileMapping: 0 };
let metrics = "";

/** The value of one series (`name{labels}`, labels as Prometheus prints them), undefined when it is not there. */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const readMetrics = async () => (await fetch(`${hub.url}/metrics`)).text();
const post = (body: string, contentType: string, key: string) =>
  fetch(`${hub.url}/api/orders`, { method: "POST", body, headers: { "content-type": contentType, "idempotency-key": key } });

beforeAll(async () => {
  vhost = createVhost("orderhub-metrics");
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows: shippedFlowFiles("config.json", "order-intake.json") });
  expect(await waitForHealthy(hub.url)).toBe(200);
  client = await TestClient.connect(vhost.url);
  const events = await client.tap("order.*");

  // an accepted order, the same order again (a duplicate), a changed order under its number (a conflict)
  expect((await post(JSON.stringify(canonicalOrder("MET-1")), "application/json", "met-1")).status).toBe(202);
  expect((await client.collect(events, 1)).map((m) => m.fields.routingKey)).toEqual(["order.accepted"]);
  expect((await post(JSON.stringify(canonicalOrder("MET-1")), "application/json", "met-1-again")).status).toBe(202);
  const changed = canonicalOrder("MET-1") as { lines: Array<{ quantity: number }> };
  changed.lines[0].quantity = 11;
  expect((await post(JSON.stringify(changed), "application/json", "met-1-changed")).status).toBe(202);
  // an unreadable document (the API would refuse it; a business system puts it on the queue itself)
  await client.send(INBOUND, "orderNumber,quantity\nMET-2,fifteen\n", { contentType: "text/csv", messageId: "met-2" });
  await client.confirmed();
  expect((await client.collect(events, 2)).map((m) => m.fields.routingKey)).toEqual(["order.rejected", "order.rejected"]);

  // a large batch straight onto the queue: mapped on the mapping thread, watched while it is
  const batch = edifactInterchange(Array.from({ length: BATCH }, (_, i) => edifactMessage(String(40000 + i), `MET-B${i}`)));
  await client.send(INBOUND, batch, { contentType: "application/edifact", messageId: "met-batch" });
  await client.confirmed();
  await until("the batch on the mapping thread", async () => {
    const text = await readMetrics();
    seen.pendingWhileMapping = Math.max(seen.pendingWhileMapping, value(text, 'orderhub_batch_orders_pending{format="edifact"}') ?? 0);
    seen.mappingWhileMapping = Math.max(seen.mappingWhileMapping, value(text, 'orderhub_mapping_thread_documents{state="mapping"}') ?? 0);
    return seen.pendingWhileMapping > 0 && seen.mappingWhileMapping > 0;
  });
  await client.drained(INBOUND);
  expect(await client.collect(events, BATCH)).toHaveLength(BATCH);
  metrics = await readMetrics();
});

afterAll(async () => {
  await client?.close();
  await hub?.stop();
  vhost?.drop();
});

describe("/metrics after an accepted order, a duplicate, a conflict, an unreadable document and a batch", () => {
  const at = (series: string) => value(metrics, series);
  const handled = (id: string, outcome = "ok") => at(`orderhub_messages_total{flow="${FLOW}",node="${node(id)}",outcome="${outcome}"}`);

  it("counts the messages each node of the intake handled, per outcome", () => {
    // four documents read (the order, its repeat, the changed order, the batch), one refused
    expect(handled("intake-normalize")).toBe(4);
    expect(handled("intake-normalize", "error")).toBe(1);
    // three single orders and the batch's orders
    expect(handled("intake-validate")).toBe(3 + BATCH);
    expect(handled("intake-idempotent")).toBe(3 + BATCH);
    expect(handled("intake-accepted")).toBe(1 + BATCH);
    expect(handled("intake-duplicate")).toBe(1);
    expect(handled("intake-rejected")).toBe(2);
    expect(handled("intake-dead-letter")).toBe(2);
  });

  it("counts the events published, the duplicate, the conflict and the dead letters", () => {
    expect(at('orderhub_published_total{exchange="orderhub.events",routing_key="order.accepted"}')).toBe(1 + BATCH);
    expect(at('orderhub_published_total{exchange="orderhub.events",routing_key="order.rejected"}')).toBe(2);
    expect(at(`orderhub_duplicates_total{scope="${SCOPE}"}`)).toBe(1);
    expect(at(`orderhub_key_conflicts_total{scope="${SCOPE}"}`)).toBe(1);
    expect(at(`orderhub_dead_letters_total{queue="${INBOUND}",node="${node("intake-normalize")}"}`)).toBe(1);
    expect(at(`orderhub_dead_letters_total{queue="${INBOUND}",node="${node("intake-idempotent")}"}`)).toBe(1);
  });

  it("times each inbound message from taking to settling: three acknowledged, two dead-lettered", () => {
    expect(at(`orderhub_message_duration_seconds_count{queue="${INBOUND}",outcome="ack"}`)).toBe(3);
    expect(at(`orderhub_message_duration_seconds_count{queue="${INBOUND}",outcome="dead-letter"}`)).toBe(2);
    expect(at(`orderhub_message_duration_seconds_bucket{le="+Inf",queue="${INBOUND}",outcome="ack"}`)).toBe(3);
    expect(at(`orderhub_message_duration_seconds_sum{queue="${INBOUND}",outcome="ack"}`)).toBeGreaterThan(0);
  });

  it("counts orders read per format, the batch's one by one, and shows the batch while it was mapped", () => {
    expect(at('orderhub_orders_read_total{format="json",outcome="read"}')).toBe(3);
    expect(at('orderhub_orders_read_total{format="csv",outcome="refused"}')).toBe(1);
    expect(at('orderhub_orders_read_total{format="edifact",outcome="read"}')).toBe(BATCH);
    expect(seen.pendingWhileMapping).toBeGreaterThan(0);
    expect(seen.pendingWhileMapping).toBeLessThanOrEqual(BATCH);
    expect(seen.mappingWhileMapping).toBe(1);
    expect(at('orderhub_batch_orders_pending{format="edifact"}')).toBe(0);
    expect(at('orderhub_mapping_thread_documents{state="mapping"}')).toBe(0);
    expect(at('orderhub_mapping_thread_documents{state="waiting"}')).toBe(0);
    // put on the queue by the sender itself: nothing the API had mapped to take over
    expect(at("orderhub_mappings_reused_total")).toBe(0);
  });

  it("counts the store's commits and the writes they held: a claim per order checked, a done mark per order accepted", () => {
    const writes = at("orderhub_store_writes_total")!;
    const commits = at("orderhub_store_commits_total")!;
    expect(writes).toBeGreaterThanOrEqual(3 + BATCH + 1 + BATCH);
    expect(commits).toBeGreaterThan(0);
    // commits carry several writes each, under load
    expect(commits).toBeLessThan(writes);
  });

  it("says both broker connections are up, and has the process metrics", () => {
    expect(at('orderhub_broker_connected{broker="rabbitmq"}')).toBe(1);
    expect(at('orderhub_broker_connected{broker="api"}')).toBe(1);
    expect(at("orderhub_process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(at("orderhub_process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});
