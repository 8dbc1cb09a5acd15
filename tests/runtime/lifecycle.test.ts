import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../support/amqp";
import { canonicalOrder } from "../support/orders";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, MAIN, PING_FLOW, hubEnv, shippedFlowFiles, startHubProcess, tempHubDir, waitForHealthy } from "./support/hub-process";

/** Run the hub expecting it to refuse to start; returns its exit status and what it wrote. */
function refusedStart(env: Record<string, string>, flows: Record<string, unknown[]> = {}) {
  const { dir, flowsDir, dataDir } = tempHubDir();
  for (const [file, nodes] of Object.entries(flows)) writeFileSync(join(flowsDir, file), JSON.stringify(nodes));
  try {
    const run = spawnSync(process.execPath, [MAIN], { env: hubEnv(dataDir, flowsDir, env), encoding: "utf8", timeout: 20_000 });
    return { status: run.status, stderr: run.stderr, output: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HELD = "orderhub.test.held";

/** The intake, and a consumer whose messages no node settles: a message in flight when the stop comes. */
const FLOWS = {
  ...shippedFlowFiles("config.json", "order-intake.json"),
  "held.json": [
    { id: "held.tab", type: "tab", label: "Held" },
    { id: "held.in", type: "amqp-in", z: "held.tab", name: "never settled", broker: "orderhub-broker", queue: HELD, prefetch: 10, output: "buffer", declare: true, x: 100, y: 40, wires: [[]] },
  ],
};

let vhost: TestVhost;
let client: TestClient;

beforeAll(async () => {
  vhost = createVhost("orderhub-lifecycle");
  client = await TestClient.connect(vhost.url);
});

afterAll(async () => {
  await client?.close();
  vhost?.drop();
});

/**
 * A hub that accepted order `orderNumber` (its store holds the key) and holds one message on HELD that nothing will
 * settle, ready to be stopped.
 */
async function busyHub(orderNumber: string): Promise<HubProcess> {
  await client.purge(HELD);
  const hub = await startHubProcess({ flows: FLOWS, env: { AMQP_URL: vhost.url }, keepDir: true });
  expect(await waitForHealthy(hub.url)).toBe(200);
  const events = await client.tap("order.accepted");
  const res = await fetch(`${hub.url}/api/orders`, { method: "POST", body: JSON.stringify(canonicalOrder(orderNumber)), headers: { "content-type": "application/json" } });
  expect(res.status).toBe(202);
  expect((await client.collect(events, 1)).map((m) => m.properties.correlationId)).toHaveLength(1);
  await client.send(HELD, "in flight when the stop comes", { messageId: `held-${orderNumber}` });
  await client.confirmed();
  await until("the held message taken by the hub", async () => (await client.counts(HELD)).unacked === 1);
  return hub;
}

/** The store after the hub is gone: opens, passes SQLite's own check, and says whether the order's key is done. */
function storeAfterExit(hub: HubProcess, orderNumber: string): { integrity: string; keys: Array<{ key: string; done: number }> } {
  const db = new Database(join(hub.dataDir, "orderhub.db"));
  try {
    const integrity = db.pragma("integrity_check", { simple: true }) as string;
    const keys = db
      .prepare("SELECT k.key AS key, (d.id IS NOT NULL OR k.status = 'done') AS done FROM idempotency_keys k LEFT JOIN idempotency_done d ON d.id = k.rowid WHERE k.key LIKE ?")
      .all(`%${orderNumber}%`) as Array<{ key: string; done: number }>;
    return { integrity, keys };
  } finally {
    db.close();
  }
}

/** The held message is back on its queue, marked redelivered, and nothing else is left there. */
async function expectHeldMessageBack(orderNumber: string): Promise<void> {
  expect(await client.countsWhenReturned(HELD)).toEqual({ ready: 1, unacked: 0, total: 1 });
  const back = await client.collect(HELD, 1);
  expect(back.map((m) => [m.properties.messageId, m.fields.redelivered])).toEqual([[`held-${orderNumber}`, true]]);
}

describe("stopping", () => {
  it.each([
    ["SIGTERM", "LIFE-TERM"],
    ["SIGINT", "LIFE-INT"],
  ] as const)("on %s: hands back what no node settled, closes the store cleanly and exits 0", async (signal, orderNumber) => {
    const hub = await busyHub(orderNumber);
    try {
      expect(await hub.stop(signal)).toBe(0);
      expect(hub.output()).toContain(`${signal} received: stopping`);
      expect(hub.output()).toContain("Stopped flows");
      expect(hub.output()).toMatch(/"msg":"stopped"/);
      await expectHeldMessageBack(orderNumber);
      // Closed, not abandoned: the last connection's close checkpoints the WAL and removes it, and the order's done
      // mark (which waits a moment for company) was committed before the store closed.
      expect(existsSync(join(hub.dataDir, "orderhub.db-wal"))).toBe(false);
      expect(storeAfterExit(hub, orderNumber)).toEqual({ integrity: "ok", keys: [{ key: expect.stringContaining(orderNumber), done: 1 }] });
    } finally {
      rmSync(hub.dir, { recursive: true, force: true });
    }
  });

  it("on a second signal while stopping (Ctrl-C twice): exits at once; the message in flight goes back, the store keeps what it had", async () => {
    const orderNumber = "LIFE-TWICE";
    const hub = await busyHub(orderNumber);
    try {
      hub.proc.kill("SIGTERM");
      // The held message keeps the stop waiting (half a second without settling) when the second signal comes.
      await hub.waitForOutput(/SIGTERM received: stopping/);
      hub.proc.kill("SIGINT");
      expect(await hub.exited).toBe(130);
      expect(hub.output()).toContain("SIGINT again while stopping: exiting now");
      expect(hub.output()).not.toMatch(/"msg":"stopped"/);
      await expectHeldMessageBack(orderNumber);
      const store = storeAfterExit(hub, orderNumber);
      expect(store.integrity).toBe("ok");
      expect(store.keys).toEqual([{ key: expect.stringContaining(orderNumber), done: expect.any(Number) }]);
    } finally {
      rmSync(hub.dir, { recursive: true, force: true });
    }
  });

  it("is told apart from a clean stop by the store: after SIGKILL the WAL is left for the next start to recover", async () => {
    const hub = await busyHub("LIFE-KILL");
    try {
      await hub.kill();
      expect(existsSync(join(hub.dataDir, "orderhub.db-wal"))).toBe(true);
      expect(storeAfterExit(hub, "LIFE-KILL").integrity).toBe("ok");
      await expectHeldMessageBack("LIFE-KILL");
    } finally {
      rmSync(hub.dir, { recursive: true, force: true });
    }
  });
});

describe("refusing to start on bad configuration", () => {
  it.each([
    ["ORDERHUB_SANDBOX", "maybe", "use on or off"],
    ["ORDERHUB_SANDBOX", "on", "ORDERHUB_OA_URL set"],
    ["PORT", "eighty", "whole number"],
    ["LOG_LEVEL", "loud", "use one of"],
  ])("exits non-zero with one line naming %s=%s", (name, value, says) => {
    // the sandbox on with a real system's address: refused, naming both
    const run = refusedStart({ [name]: value, ...(name === "ORDERHUB_SANDBOX" && value === "on" ? { ORDERHUB_OA_URL: "https://oa.example.com/approvals" } : {}) });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(lines[0]).toContain(says);
  });

  it("exits 1 naming both files when a node id appears in two flow files", () => {
    const run = refusedStart({}, { "a.json": PING_FLOW, "b.json": [PING_FLOW[0]] });
    expect(run.status).toBe(1);
    expect(run.output).toContain("node id ping.tab (tab) appears in both a.json and b.json");
  });
});

describe("health while the flows cannot run", () => {
  it("answers 503 degraded while a node type used by a flow is missing", async () => {
    const flows = { "broken.json": [...PING_FLOW, { id: "x1", type: "no-such-node", z: "ping.tab", x: 1, y: 1, wires: [] }] };
    const hub = await startHubProcess({ flows, env: { AMQP_URL: vhost.url } });
    try {
      const res = await fetch(`${hub.url}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "degraded", flows: { running: false } });
    } finally {
      await hub.stop();
    }
  });
});
