import { afterEach, describe, expect, it } from "vitest";
import { INBOUND_ORDERS_QUEUE } from "../../connectors/amqp/topology";
import { registry } from "../../observability/metrics";
import { healthReport } from "../../runtime/health";
import { TestClient } from "../support/amqp";
import { createVhost, type TestVhost } from "../support/rabbit";
import { openBroker, queueArguments } from "./broker-fixture";

// The hub declares its queues; one that already exists with other arguments cannot be declared over (the broker
// refuses) and is used as it is. That must not pass in silence: the operator sees it in the log, /health and /metrics.

const vhosts: TestVhost[] = [];
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const v of vhosts.splice(0)) v.drop();
});

const health = () => healthReport({ flowsRunning: () => true, store: () => ({ ping: async () => true }) as never });

async function hubOn(prepare?: (client: TestClient) => Promise<unknown>) {
  const vhost = createVhost("orderhub-topology");
  vhosts.push(vhost);
  if (prepare) {
    const client = await TestClient.connect(vhost.url);
    await prepare(client);
    await client.close();
  }
  const { broker, stop } = await openBroker(vhost.url);
  stops.push(stop);
  return { vhost, broker };
}

const driftMetric = async () => /orderhub_topology_drift\{queue="orderhub\.orders\.inbound"\} (\d)/.exec(await registry.getSingleMetricAsString("orderhub_topology_drift"))?.[1];

describe("the inbound queue as the hub declares it on a fresh broker", () => {
  it("is a quorum queue dead-lettering at least once to orderhub.dlx, after 20 redeliveries at the latest, with no drift", async () => {
    const { vhost, broker } = await hubOn();
    const args = queueArguments(vhost.name, INBOUND_ORDERS_QUEUE);
    expect(args).toContain('{"x-queue-type","quorum"}');
    expect(args).toContain('{"x-dead-letter-exchange","orderhub.dlx"}');
    expect(args).toContain('{"x-delivery-limit",20}');
    expect(args).toContain('{"x-dead-letter-strategy","at-least-once"}');
    expect(args).toContain('{"x-overflow","reject-publish"}');
    expect(broker.info().topologyDrift).toEqual([]);
    expect(await driftMetric()).toBe("0");
  });
});

describe("an inbound queue that exists with other arguments", () => {
  it.each([
    [
      "a classic queue where a quorum queue was expected",
      (c: TestClient) => c.ch.assertQueue(INBOUND_ORDERS_QUEUE, { durable: true, arguments: { "x-dead-letter-exchange": "orderhub.dlx" } }),
      /inequivalent arg .*: it is a classic queue, so it has no delivery limit/,
    ],
    [
      "a queue of an earlier release, without at-least-once dead-lettering",
      (c: TestClient) =>
        c.ch.assertQueue(INBOUND_ORDERS_QUEUE, { durable: true, arguments: { "x-queue-type": "quorum", "x-dead-letter-exchange": "orderhub.dlx", "x-delivery-limit": 20 } }),
      /declared without at-least-once dead-lettering/,
    ],
    [
      "a quorum queue without any dead-lettering",
      (c: TestClient) => c.ch.assertQueue(INBOUND_ORDERS_QUEUE, { durable: true, arguments: { "x-queue-type": "quorum" } }),
      /x-dead-letter-exchange.*the hub uses the queue as it is; without dead-lettering to orderhub\.dlx a message the broker rejects is lost/,
    ],
  ])("is used as it is, and %s shows in /health and /metrics", async (_what, prepare, says) => {
    const { broker } = await hubOn(prepare);
    const [drift] = broker.info().topologyDrift;
    expect(drift?.queue).toBe(INBOUND_ORDERS_QUEUE);
    expect(drift?.drift).toMatch(says);
    const report = await health();
    // a warning, not an outage: the hub goes on consuming and publishing
    expect(report.status).toBe("ok");
    expect(report.warnings.join("\n")).toMatch(new RegExp(`queue ${INBOUND_ORDERS_QUEUE.replace(/\./g, "\\.")}: `));
    expect(await driftMetric()).toBe("1");
  });
});
