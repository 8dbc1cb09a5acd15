import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareHubTopology } from "../../connectors/amqp/topology";
import { TestClient } from "../support/amqp";
import { createVhost, type TestVhost } from "../support/rabbit";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/cli/main.js");
const ORIGIN = "orderhub.test.replay";

let vhost: TestVhost;
let client: TestClient;

function orderhub(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args, "--url", vhost.url], { cwd: ROOT, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A dead letter as the dead-letter node writes it. */
async function deadLetter(messageId: string, body: string, error: string) {
  client.ch.publish("orderhub.dlx", ORIGIN, Buffer.from(body), {
    persistent: true,
    messageId,
    contentType: "text/csv",
    headers: { "x-orderhub-error": error, "x-orderhub-node": "normalize", "x-orderhub-failed-at": "2026-11-21T08:00:00.000Z", "x-orderhub-queue": ORIGIN, "x-orderhub-deliveries": 2, "x-sender": "shop" },
  });
  await client.confirmed();
}

beforeAll(async () => {
  vhost = createVhost("orderhub-dlq-cli");
  client = await TestClient.connect(vhost.url);
  await declareHubTopology(() => client.conn.createChannel());
  await client.ch.assertQueue(ORIGIN, { durable: true });
  await deadLetter("dl-1", "orderNumber,quantity\nA,fifteen\n", 'line 2: quantity "fifteen" is not a number');
  await deadLetter("dl-2", "second body", "not settled within 60 s");
  await deadLetter("dl-3", "third body", "exchange missing");
});

afterAll(async () => {
  await client.close();
  vhost.drop();
});

describe("orderhub dlq", () => {
  it("lists dead letters with their reason and leaves them in the queue", async () => {
    const { status, stdout } = orderhub("dlq", "list");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^3 dead letter\(s\)/);
    expect(stdout).toContain('dl-1');
    expect(stdout).toContain('line 2: quantity "fifteen" is not a number');
    expect(stdout).toContain(ORIGIN);
    expect(await client.depth("orderhub.dlq")).toBe(3);
  });

  it("shows one dead letter with its headers and the original body", () => {
    const { status, stdout } = orderhub("dlq", "show", "dl-1");
    expect(status).toBe(0);
    expect(stdout).toContain("failed node:  normalize");
    expect(stdout).toContain("x-sender: shop");
    expect(stdout).toContain("deliveries:   2 (redelivered: the hub or its broker connection went down while it was being handled)");
    // the DLQ's own count of how often it was read (by the list above) means nothing to the operator
    expect(stdout).not.toContain("x-delivery-count");
    expect(stdout).toContain("orderNumber,quantity\nA,fifteen");
  });

  it("says clearly when there is no such dead letter, exit 2", () => {
    const { status, stderr } = orderhub("dlq", "show", "no-such-id");
    expect(status).toBe(2);
    expect(stderr).toBe('orderhub dlq show: no dead letter with message id or position "no-such-id"\n');
  });

  it("replays one dead letter to the queue it came from, original body and headers, failure headers gone", async () => {
    const { status, stdout } = orderhub("dlq", "replay", "dl-2");
    expect(status).toBe(0);
    expect(stdout).toContain(`replayed dl-2 → ${ORIGIN}`);
    const [back] = await client.collect(ORIGIN, 1, 2000);
    expect(back.content.toString()).toBe("second body");
    expect(back.properties.messageId).toBe("dl-2");
    expect(back.properties.headers?.["x-sender"]).toBe("shop");
    expect(back.properties.headers?.["x-orderhub-error"]).toBeUndefined();
    expect(back.properties.headers?.["x-orderhub-replays"]).toBe(1);
    expect(await client.depth("orderhub.dlq")).toBe(2);
  });

  it("replays everything with --all and reports the count", async () => {
    const { status, stdout } = orderhub("dlq", "replay", "--all");
    expect(status).toBe(0);
    expect(stdout).toContain("2 replayed, 0 skipped");
    expect(await client.depth("orderhub.dlq")).toBe(0);
    expect(await client.depth(ORIGIN)).toBe(2);
  });

  it("exits 1 with a clear line when the broker cannot be reached", () => {
    const run = spawnSync(process.execPath, [CLI, "dlq", "list", "--url", "amqp://guest:guest@127.0.0.1:1"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^orderhub dlq list: cannot reach the broker: .*\(set --url or AMQP_URL\)\n$/);
  });
});
