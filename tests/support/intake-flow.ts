import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { SqliteStore, setHubStore } from "../../store";
import { createVhost, type TestVhost } from "./rabbit";
import { TestClient } from "./amqp";
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
    await new Promise((r) => setTimeout(r, 200));
    const cleanup = await TestClient.connect(vhost.url);
    cleanup.ch.on("error", () => undefined);
    await cleanup.ch.purgeQueue("orderhub.dlq").catch(() => undefined);
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
      // The broker node declares the topology on connect; the tap waits for the exchange to exist.
      for (let i = 0; i < 50; i++) {
        try {
          await state.client.depth(INBOUND);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return state.client.tap("order.*");
    },
  };
}
