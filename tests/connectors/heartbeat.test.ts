import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerConnection } from "../../connectors/amqp";
import { relayToBroker, waitForState, type BrokerRelay } from "../support/broker-relay";
import { createVhost, type TestVhost } from "../support/rabbit";

/**
 * A broker that goes silent without closing anything (a cable pulled, a firewall dropping packets): a TCP relay on
 * loopback to the real broker whose current connections can be frozen. Only heartbeats notice such a peer.
 */
let relay: BrokerRelay;
let vhost: TestVhost;

beforeAll(async () => {
  relay = await relayToBroker();
  vhost = createVhost("orderhub-heartbeat");
});

afterAll(async () => {
  await relay.close();
  vhost.drop();
});

/** Stop every byte in both directions on the connections open now, closing nothing. */
function freeze(): void {
  for (const { client, broker } of relay.pairs) {
    client.unpipe(broker);
    broker.unpipe(client);
    client.pause();
    broker.pause();
  }
}

describe("a broker that goes silent", () => {
  it("is noticed by the heartbeat, and the connection comes back by itself", async () => {
    const broker = new BrokerConnection({
      id: "hb",
      name: "hb",
      url: `amqp://guest:guest@127.0.0.1:${relay.port}/${encodeURIComponent(vhost.name)}`,
      heartbeatSeconds: 1,
      reconnectInitialMs: 100,
    });
    const user = {};
    const seen: string[] = [];
    broker.onState((s) => seen.push(s));
    broker.register(user);
    try {
      expect(await waitForState(broker, ["connected"], 8000)).toBe("connected");
      freeze();
      // noticed by the heartbeat (2 s here); without it the broker's silence would go unseen for its own 60 s
      expect(await waitForState(broker, ["retrying", "failing"], 10_000)).toMatch(/retrying|failing/);
      expect(await waitForState(broker, ["connected"], 10_000)).toBe("connected");
      await broker.publish("orderhub.events", "heartbeat.test", Buffer.from("after the silence"));
      expect(seen.filter((s) => s === "connected").length).toBeGreaterThanOrEqual(2);
    } finally {
      await broker.deregister(user);
    }
  });
});
