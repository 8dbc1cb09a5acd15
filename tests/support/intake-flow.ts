import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { SqliteStore, setHubStore } from "../../store";
import { createVhost, type TestVhost } from "./rabbit";
import { TestClient } from "./amqp";
import { until } from "./wait";
import { helper, hubNodes, loadFlow, shippedFlows } from "./node-red";

export const INBOUND = "orderhub.orders.inbound";

/**
 * The shipped intake flow (or another) on a vhost of this test file's own, with a fresh SQLite store per test:
 * `start()` loads it and returns a tap on order.* events; each test's flow, store, client and dead letters are gone
 * after it.
 */
export function useIntakeFlow(name: string) {
  let vhost: TestVhost;
  const state = { dir: "", client: undefined as unknown as TestClient };

  beforeAll(() => {
    vhost = createVhost(name);
    process.env.AMQP_URL = vhost.url;
  });

  afterAll(() => vhost.drop());

  afterEach(async () => {
    await helper.unload();
    await state.client?.close();
    setHubStore(undefined);
    rmSync(state.dir, { recursive: true, force: true });
    // The flow is gone, so nothing takes from or writes to these queues any more: the next test starts on empty ones.
    const cleanup = await TestClient.connect(vhost.url);
    await cleanup.purge("orderhub.dlq");
    await cleanup.purge(INBOUND);
    await cleanup.close();
  });

  return {
    get client(): TestClient {
      return state.client;
    },
    get dir(): string {
      return state.dir;
    },
    get vhost(): string {
      return vhost.name;
    },
    /** Loads `flow` (the shipped intake flow unless given, with `nodes`) and returns a tap on order.* events. */
    async start(flow = shippedFlows("config.json", "order-intake.json"), nodes = hubNodes()): Promise<string> {
      state.dir = mkdtempSync(join(tmpdir(), "orderhub-intake-"));
      setHubStore(new SqliteStore(join(state.dir, "orderhub.db")));
      await loadFlow(flow, nodes);
      state.client = await TestClient.connect(vhost.url);
      // The broker node declares the topology on connect; the tap waits for it to exist.
      const client = state.client;
      await until("the flow's broker node to declare the topology", () => client.ready(INBOUND).then(() => true, () => false), 10_000);
      return client.tap("order.*");
    },
  };
}
