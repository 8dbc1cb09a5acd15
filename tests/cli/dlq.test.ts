import { spawnSync } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareHubTopology } from "../../connectors/amqp/topology";
import { TestClient, json } from "../support/amqp";
import { ROOT, ensureBuilt } from "../support/build";
import { canonicalOrder } from "../support/orders";
import { createVhost, type TestVhost } from "../support/rabbit";
import { type HubProcess, shippedFlowFiles, startHubProcess, waitForHealthy } from "../runtime/support/hub-process";

const CLI = join(ROOT, "dist/cli/main.js");
const INBOUND = "orderhub.orders.inbound";
const DLQ = "orderhub.dlq";

function orderhub(url: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args, "--url", url], { cwd: ROOT, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The value `orderhub dlq show` prints for a header. */
const headerLine = (stdout: string, name: string) => new RegExp(`^  ${name}: (.*)$`, "m").exec(stdout)?.[1];

beforeAll(() => ensureBuilt("dist/cli/main.js", "dist/runtime/main.js"), 180_000);

describe("orderhub dlq, with the hub making the dead letters", () => {
  let vhost: TestVhost;
  let hub: HubProcess;
  let client: TestClient;
  let events: string;
  const dlq = (...args: string[]) => orderhub(vhost.url, "dlq", ...args);
  /** The idempotent step of the shipped intake flow, as dead letters name it. */
  const idempotent = (shippedFlowFiles("order-intake.json")["order-intake.json"] as Array<{ type: string; name: string }>).find((n) => n.type === "idempotent")!.name;

  beforeAll(async () => {
    vhost = createVhost("orderhub-dlq-cli");
    hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows: shippedFlowFiles("config.json", "order-intake.json") });
    expect(await waitForHealthy(hub.url)).toBe(200);
    client = await TestClient.connect(vhost.url);
    events = await client.tap("order.*");
  });

  afterAll(async () => {
    await client?.close();
    await hub?.stop();
    vhost?.drop();
  });

  it("lists and shows a document the intake could not read: reason, failure headers and the original body, left in the queue", async () => {
    const body = "orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity\nCLI-1,2026-11-20,EUR,C-1001,1,FG-1000,fifteen\n";
    await client.send(INBOUND, body, { contentType: "text/csv", messageId: "cli-bad-1", headers: { "x-sender": "shop" } });
    await client.confirmed();
    expect((await client.collect(events, 1)).map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    await client.drained(INBOUND);

    const list = dlq("list");
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^1 dead letter\(s\)\n/);
    expect(list.stdout).toMatch(/^ {3}1 {2}cli-bad-1 .* orderhub\.orders\.inbound .* normalize .* line 2: quantity "fifteen" is not a number$/m);

    const show = dlq("show", "1");
    expect(show.status).toBe(0);
    expect(show.stdout).toContain("message id:   cli-bad-1\n");
    expect(show.stdout).toContain(`from queue:   ${INBOUND}\n`);
    expect(show.stdout).toContain("failed node:  normalize\n");
    expect(show.stdout).toContain('error:        line 2: quantity "fifteen" is not a number\n');
    expect(show.stdout).toContain("deliveries:   1\n");
    expect(show.stdout).toContain("content type: text/csv\n");
    expect(headerLine(show.stdout, "x-orderhub-error")).toBe('line 2: quantity "fifteen" is not a number');
    expect(headerLine(show.stdout, "x-orderhub-node")).toBe("normalize");
    expect(headerLine(show.stdout, "x-orderhub-queue")).toBe(INBOUND);
    expect(headerLine(show.stdout, "x-orderhub-failed-at")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(headerLine(show.stdout, "x-sender")).toBe("shop");
    // the DLQ's own count of how often it was read (by the list above) means nothing to the operator
    expect(show.stdout).not.toContain("x-delivery-count");
    expect(show.stdout.endsWith(`body (${Buffer.byteLength(body)} bytes):\n${body}\n`)).toBe(true);
    expect(await client.counts(DLQ)).toEqual({ ready: 1, unacked: 0, total: 1 });
  });

  it("replays it unchanged: refused again and kept again, once, now counting the replay", async () => {
    const replay = dlq("replay", "cli-bad-1");
    expect(replay.status).toBe(0);
    expect(replay.stdout).toBe(`replayed cli-bad-1 → ${INBOUND}\n1 replayed, 0 skipped\n`);
    expect((await client.collect(events, 1)).map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    await client.drained(INBOUND);
    const show = dlq("show", "cli-bad-1");
    expect(show.status).toBe(0);
    expect(headerLine(show.stdout, "x-orderhub-replays")).toBe("1");
    expect(headerLine(show.stdout, "x-sender")).toBe("shop");
    expect(await client.depth(DLQ)).toBe(1);
    await client.purge(DLQ);
  });

  it("replays orders that failed for a passing cause once it is gone: accepted once, the repeat recognised as a duplicate", async () => {
    // An operator's sqlite3 session (or a backup) holds the store's write lock: the hub cannot record the orders.
    const lock = new Database(join(hub.dataDir, "orderhub.db"));
    lock.exec("BEGIN IMMEDIATE");
    const order = JSON.stringify(canonicalOrder("CLI-LOCKED"));
    try {
      const first = await fetch(`${hub.url}/api/orders`, { method: "POST", body: order, headers: { "content-type": "application/json", "idempotency-key": "cli-locked-1" } });
      expect(first.status).toBe(202);
      // the sender tries again, as senders do when they hear nothing
      const again = await fetch(`${hub.url}/api/orders`, { method: "POST", body: order, headers: { "content-type": "application/json", "idempotency-key": "cli-locked-2" } });
      expect(again.status).toBe(202);
      await client.drained(INBOUND);
    } finally {
      lock.exec("ROLLBACK");
      lock.close();
    }
    // Neither was accepted; both are kept, with the store's reason.
    expect(await client.collect(events, 0)).toEqual([]);
    const list = dlq("list", "--json");
    expect(list.status).toBe(0);
    const letters = list.stdout.trim().split("\n").map((l) => JSON.parse(l) as { messageId: string; node: string; error: string; queue: string; body: string });
    expect(letters.map((d) => d.messageId).sort()).toEqual(["cli-locked-1", "cli-locked-2"]);
    for (const d of letters) {
      expect(d).toMatchObject({ node: idempotent, queue: INBOUND, body: order });
      expect(d.error).toMatch(/database is locked/);
    }

    // The lock is gone: replay both.
    const replay = dlq("replay", "--all");
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain("2 replayed, 0 skipped");
    await client.drained(INBOUND);
    const got = await client.collect(events, 1);
    expect(got.map((m) => [m.fields.routingKey, json(m).orderNumber])).toEqual([["order.accepted", "CLI-LOCKED"]]);
    expect(await client.depth(DLQ)).toBe(0);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/^orderhub_duplicates_total\{scope="order\.accepted"\} 1$/m);
  });
});

describe("orderhub dlq, the operator's mistakes and a broker away", () => {
  let vhost: TestVhost;
  let client: TestClient;
  const dlq = (...args: string[]) => orderhub(vhost.url, "dlq", ...args);

  beforeAll(async () => {
    vhost = createVhost("orderhub-dlq-cli");
    client = await TestClient.connect(vhost.url);
    await declareHubTopology(() => client.conn.createChannel());
    // A dead letter of a message that had been delivered twice before it failed (the hub went down meanwhile).
    client.ch.publish("orderhub.dlx", INBOUND, Buffer.from("second body"), {
      persistent: true,
      messageId: "dl-redelivered",
      headers: { "x-orderhub-error": "not settled within 60 s", "x-orderhub-node": "inbound orders", "x-orderhub-queue": INBOUND, "x-orderhub-deliveries": 2 },
    });
    await client.confirmed();
  });

  afterAll(async () => {
    await client?.close();
    vhost?.drop();
  });

  it("says when a dead letter was redelivered before it failed", () => {
    const { status, stdout } = dlq("show", "dl-redelivered");
    expect(status).toBe(0);
    expect(stdout).toContain("deliveries:   2 (redelivered: the hub or its broker connection went down while it was being handled)\n");
  });

  it("says clearly when there is no such dead letter, exit 2", async () => {
    const show = dlq("show", "no-such-id");
    expect(show.status).toBe(2);
    expect(show.stderr).toBe('orderhub dlq show: no dead letter with message id or position "no-such-id"\n');
    const replay = dlq("replay", "no-such-id");
    expect(replay.status).toBe(2);
    expect(replay.stderr).toMatch(/no dead letter with message id or position "no-such-id"/);
    expect(await client.depth(DLQ)).toBe(1);
  });

  it("exits 1 with a clear line when the broker cannot be reached", () => {
    const run = spawnSync(process.execPath, [CLI, "dlq", "list", "--url", "amqp://guest:guest@127.0.0.1:1"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^orderhub dlq list: cannot reach the broker: .*\(set --url or AMQP_URL\)\n$/);
  });
});
