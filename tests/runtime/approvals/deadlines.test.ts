import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEAD_LETTER_QUEUE, declareHubTopology } from "../../../connectors/amqp/topology";
import { SETTLE_MS, TestClient } from "../../support/amqp";
import { ensureBuilt } from "../../support/build";
import { createVhost, type TestVhost } from "../../support/rabbit";
import { quietFor, until } from "../../support/wait";
import { type LaunchedHub, launchHubProcess, tempHubDir } from "../support/hub-process";
import { APPROVALS_QUEUE, OaServer, api, approvalFlows, eventsOf, sendForApproval, tapEvents, type ApprovalTermsConfig } from "./support";

/**
 * What happens to an approval besides a person's decision, on a real hub process: OA failing (retried, or refusing:
 * dead-lettered) and the deadlines (escalated, then rejected by the hub), also across a SIGKILL.
 */

let vhost: TestVhost;
let client: TestClient;
let oa: OaServer;
const hubs: LaunchedHub[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  ensureBuilt("dist/runtime/main.js", "dist/nodes/approval-request/index.js", "dist/store/sqlite-approvals.cjs");
  vhost = createVhost("orderhub-approval-deadlines");
  client = await TestClient.connect(vhost.url);
  await declareHubTopology(() => client.conn.createChannel());
  oa = await OaServer.start();
}, 180_000);

afterEach(async () => {
  oa.answer = () => 200;
  await Promise.allSettled(hubs.splice(0).map((h) => h.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await client?.close();
  await oa?.close();
  vhost?.drop();
});

async function startHub(dir: string, terms?: ApprovalTermsConfig): Promise<{ hub: LaunchedHub; url: string }> {
  const hub = launchHubProcess({ dir, keepDir: true, flows: approvalFlows(oa.url, terms), env: { AMQP_URL: vhost.url, ORDERHUB_SANDBOX: "off" } });
  hubs.push(hub);
  const port = await hub.started;
  await client.consumed(APPROVALS_QUEUE);
  return { hub, url: `http://127.0.0.1:${port}` };
}

function newDir(): string {
  const { dir } = tempHubDir();
  dirs.push(dir);
  return dir;
}

async function metric(url: string, line: string): Promise<boolean> {
  return (await (await fetch(`${url}/metrics`)).text()).split("\n").includes(line);
}

describe("OA answering 503, then 200", () => {
  it("is asked again after a backoff, with the same request and idempotency key, and the order waits once", async () => {
    oa.answer = (order, before) => (order === "OA-1" && before === 0 ? 503 : 200);
    const events = await tapEvents(client);
    const { url } = await startHub(newDir());
    await sendForApproval(client, "OA-1");
    await until("approval.requested", () => eventsOf(events, "OA-1", "approval.requested").length > 0);
    await client.drained(APPROVALS_QUEUE);
    const [first, second, ...more] = oa.of("OA-1");
    expect(more).toEqual([]);
    expect(second.body).toEqual(first.body);
    expect(second.headers["idempotency-key"]).toBe(first.body.approvalId);
    const approval = await api(url, "GET", `/approvals/${first.body.approvalId}`);
    expect(approval.body).toMatchObject({ state: "pending", orderKey: "C-1001/OA-1/0" });
    expect(approval.body.sentToOaAt).not.toBeNull();
    await until("orderhub_approvals pending 1 in /metrics", () => metric(url, 'orderhub_approvals{state="pending"} 1'));
    expect(await metric(url, 'orderhub_approval_requests_total{outcome="retried"} 1')).toBe(true);
  });
});

describe("OA refusing the request (4xx)", () => {
  it("dead-letters the order with OA's answer at once; the approval stays in the store, unsent, and does not escalate", async () => {
    oa.answer = (order) => (order === "OA-2" ? 400 : 200);
    const { url } = await startHub(newDir(), { escalateAfter: 1, unit: "seconds" });
    await sendForApproval(client, "OA-2");
    const [dead, ...more] = await client.collect(DEAD_LETTER_QUEUE, 1, 10_000);
    expect(more).toEqual([]);
    const id = oa.of("OA-2")[0].body.approvalId;
    expect(oa.of("OA-2")).toHaveLength(1);
    expect(String(dead.properties.headers?.["x-orderhub-error"])).toBe(
      `approval-request: OA did not take the approval request ${id} for order C-1001/OA-2/0: ${oa.url} answered HTTP 400 Bad Request: {"error":"OA test server says 400"}; the approval waits in the store, unsent, until the message is sent again`,
    );
    expect(dead.properties.headers?.["x-orderhub-node"]).toBe("ask OA");
    await client.drained(APPROVALS_QUEUE);
    await until("orderhub_approvals unsent 1 in /metrics", () => metric(url, 'orderhub_approvals{state="unsent"} 1'));
    expect((await api(url, "GET", `/approvals/${id}`)).body).toMatchObject({ state: "pending", sentToOaAt: null, escalateAt: null });
  });
});

describe("nobody deciding", () => {
  it("escalates past the first deadline and rejects past the second, once each, though the hub was killed while it waited", async () => {
    const events = await tapEvents(client);
    const dir = newDir();
    const { hub } = await startHub(dir, { escalateAfter: 2, rejectAfter: 2, unit: "seconds", escalateTo: "sales-director" });
    await sendForApproval(client, "DL-1");
    await until("approval.requested", () => eventsOf(events, "DL-1", "approval.requested").length > 0);
    // acknowledged: the approval and its announcement are committed (killed before that, the order comes again and
    // may announce itself again, under the same message id)
    await client.drained(APPROVALS_QUEUE);
    const id = oa.of("DL-1")[0].body.approvalId;
    await hub.kill();

    const { url } = await startHub(dir, { escalateAfter: 2, rejectAfter: 2, unit: "seconds", escalateTo: "sales-director" });
    await until("approval.escalated", () => eventsOf(events, "DL-1", "approval.escalated").length > 0);
    await until("order.rejected", () => eventsOf(events, "DL-1", "order.rejected").length > 0, 20_000);
    await quietFor(() => events.length, SETTLE_MS);

    expect(eventsOf(events, "DL-1").map((e) => [e.routingKey, e.messageId])).toEqual([
      ["approval.requested", `approval.requested:${id}`],
      ["approval.escalated", `approval.escalated:${id}`],
      ["order.rejected", `order.rejected:${id}`],
    ]);
    const [escalated] = eventsOf(events, "DL-1", "approval.escalated");
    expect(escalated.body).toMatchObject({ approvalId: id, orderKey: "C-1001/DL-1/0", escalateTo: "sales-director", reason: "no decision within 2 seconds: escalated to sales-director" });
    const [rejected] = eventsOf(events, "DL-1", "order.rejected");
    expect(rejected.body).toMatchObject({ orderKey: "C-1001/DL-1/0", rejectedBy: "orderhub", reason: "no approval within 4 seconds (escalated to sales-director after 2 seconds)" });
    expect(Date.parse(String(rejected.body.rejectedAt)) - Date.parse(String(escalated.body.escalatedAt))).toBeGreaterThanOrEqual(2000);

    const late = await api(url, "POST", `/approvals/${id}`, { decision: "approve", by: "alice" });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/was rejected by orderhub at .* \(no approval within 4 seconds/);
    expect(oa.of("DL-1")).toHaveLength(1);
  });
});
