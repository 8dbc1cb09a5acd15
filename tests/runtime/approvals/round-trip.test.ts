import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { declareHubTopology } from "../../../connectors/amqp/topology";
import { SETTLE_MS, TestClient } from "../../support/amqp";
import { ensureBuilt } from "../../support/build";
import { createVhost, type TestVhost } from "../../support/rabbit";
import { quietFor, until } from "../../support/wait";
import { type LaunchedHub, launchHubProcess, tempHubDir } from "../support/hub-process";
import { APPROVALS_QUEUE, NEEDS_APPROVAL_QUEUE, OaServer, api, approvalFlows, eventsOf, orderNeedingApproval, sendForApproval, tapEvents, type Event } from "./support";

/**
 * An order that needs approval, end to end on a real hub process: the approval-request node asks a small OA server
 * started here, the order waits in the store (the hub is SIGKILLed and started again meanwhile), and a decision by
 * REST resumes it exactly once.
 */

let vhost: TestVhost;
let client: TestClient;
let oa: OaServer;
const hubs: LaunchedHub[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  ensureBuilt("dist/runtime/main.js", "dist/nodes/approval-request/index.js", "dist/store/sqlite-approvals.cjs");
  vhost = createVhost("orderhub-approvals");
  client = await TestClient.connect(vhost.url);
  await declareHubTopology(() => client.conn.createChannel());
  oa = await OaServer.start();
}, 180_000);

afterEach(async () => {
  await Promise.allSettled(hubs.splice(0).map((h) => h.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await client?.close();
  await oa?.close();
  vhost?.drop();
});

/** A hub on `dir` (kept across a kill, so the restart finds the same store) with the test approval flow. */
async function startHub(dir: string): Promise<{ hub: LaunchedHub; url: string }> {
  const hub = launchHubProcess({ dir, keepDir: true, flows: approvalFlows(oa.url), env: { AMQP_URL: vhost.url, ORDERHUB_SANDBOX: "off" } });
  hubs.push(hub);
  const port = await hub.started;
  await client.consumed(APPROVALS_QUEUE);
  return { hub, url: `http://127.0.0.1:${port}` };
}

async function freshHub(): Promise<{ hub: LaunchedHub; url: string; dir: string }> {
  const { dir } = tempHubDir();
  dirs.push(dir);
  return { ...(await startHub(dir)), dir };
}

/** Sends the order and waits until its approval is with OA, announced, and the inbound message acknowledged. */
async function requested(events: Event[], orderNumber: string): Promise<string> {
  await sendForApproval(client, orderNumber);
  await until(`approval.requested for ${orderNumber}`, () => eventsOf(events, orderNumber, "approval.requested").length > 0);
  await client.drained(APPROVALS_QUEUE);
  return oa.of(orderNumber)[0].body.approvalId;
}

describe("an order needing approval, approved after the hub was killed while it waited", () => {
  it("is asked of OA once, waits in the store across a SIGKILL, and is released exactly once on approval", async () => {
    const events = await tapEvents(client);
    const { hub: first, dir } = await freshHub();
    const id = await requested(events, "APR-1");

    const [request] = oa.of("APR-1");
    expect(request.headers["idempotency-key"]).toBe(id);
    expect(request.headers["x-correlation-id"]).toBe("corr-APR-1");
    expect(request.body).toMatchObject({
      approvalId: id,
      correlationId: "corr-APR-1",
      orderKey: "C-1001/APR-1/0",
      buyer: "C-1001",
      amount: { payable: 395, currency: "EUR" },
      reasons: ["price-check: line 1 (FG-1000): 12.50 EUR is 16.67 % below the list price 15.00 EUR"],
      priceDeviations: [{ lineNumber: "1", sku: "FG-1000", expected: 15, actual: 12.5, deviationPercent: -16.67 }],
      exposure: { total: 1395, limit: 50000 },
      escalateAfter: "24 hours",
      escalateTo: "sales-director",
    });
    const announced = eventsOf(events, "APR-1", "approval.requested");
    expect(announced.map((e) => [e.messageId, e.correlationId])).toEqual([[`approval.requested:${id}`, "corr-APR-1"]]);

    await first.kill();
    const { hub: second, url } = await startHub(dir);
    const waiting = await api(url, "GET", "/approvals?status=pending");
    expect(waiting.body.approvals.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(waiting.body.approvals[0]).toMatchObject({ orderKey: "C-1001/APR-1/0", state: "pending", decision: null });

    const decided = await api(url, "POST", `/approvals/${id}`, { decision: "approve", by: "alice", comment: "agreed with sales" });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ state: "approved", decision: { decision: "approve", by: "alice", comment: "agreed with sales" }, event: { routingKey: "order.released", published: true } });

    await until("order.released", () => eventsOf(events, "APR-1", "order.released").length > 0);
    await quietFor(() => events.length, SETTLE_MS);
    const released = eventsOf(events, "APR-1", "order.released");
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({ messageId: `order.released:${id}`, correlationId: "corr-APR-1" });
    expect(released[0].body).toMatchObject({
      orderKey: "C-1001/APR-1/0",
      order: { orderNumber: "APR-1", totals: { payable: 395 } },
      event: "order.released",
      buyer: "C-1001",
      outcome: "released",
      amount: { payable: 395, currency: "EUR" },
      confirmations: orderNeedingApproval("APR-1").confirmed,
      approval: { id, state: "approved", decidedBy: "alice", comment: "agreed with sales" },
    });
    expect(eventsOf(events, "APR-1").map((e) => e.routingKey)).toEqual(["approval.requested", "order.released"]);
    expect(oa.of("APR-1")).toHaveLength(1);
    expect((await api(url, "GET", "/approvals?status=pending")).body.count).toBe(0);
    expect(await second.stop()).toBe(0);
    hubs.splice(hubs.indexOf(second), 1);
  });
});

describe("deciding", () => {
  it("rejects with who and why, and answers a second decision 409 naming who decided and when", async () => {
    const events = await tapEvents(client);
    const { url } = await freshHub();
    const id = await requested(events, "APR-2");

    const rejected = await api(url, "POST", `/approvals/${id}`, { decision: "reject", by: "bob", comment: "below the floor price" });
    expect(rejected.status).toBe(200);
    await until("order.rejected", () => eventsOf(events, "APR-2", "order.rejected").length > 0);
    const second = await api(url, "POST", `/approvals/${id}`, { decision: "approve", by: "carol" });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(new RegExp(`^approval ${id} \\(order C-1001/APR-2/0\\) was rejected by bob at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(below the floor price\\); a decision stands$`));
    expect(second.body).toMatchObject({ state: "rejected", decidedBy: "bob", decidedAt: rejected.body.decision.at });

    await quietFor(() => events.length, SETTLE_MS);
    const [event, ...more] = eventsOf(events, "APR-2", "order.rejected");
    expect(more).toEqual([]);
    expect(event.messageId).toBe(`order.rejected:${id}`);
    expect(event.body).toMatchObject({ orderKey: "C-1001/APR-2/0", reason: "approval rejected by bob: below the floor price", rejectedBy: "bob", comment: "below the floor price" });
    expect(eventsOf(events, "APR-2", "order.released")).toEqual([]);
  });

  it("answers 400 to a decision it cannot read and 404 to an approval it does not have", async () => {
    const { url } = await freshHub();
    expect((await api(url, "POST", "/approvals/apr-none", { decision: "maybe", by: "x" })).body.error).toBe('decision must be "approve" or "reject" (is "maybe")');
    expect((await api(url, "POST", "/approvals/apr-none", { decision: "approve" })).body.error).toBe("by must name who decides (is missing)");
    expect((await api(url, "POST", "/approvals/apr-none", { decision: "approve", by: "orderhub" })).status).toBe(400);
    expect(await api(url, "POST", "/approvals/apr-none", { decision: "approve", by: "x" })).toEqual({ status: 404, body: { error: "no approval apr-none" } });
    expect((await api(url, "GET", "/approvals?status=waiting")).status).toBe(400);
  });
});

describe("an order sent again", () => {
  it("finds its approval: one request to OA, one approval.requested, every copy acknowledged", async () => {
    const events = await tapEvents(client);
    const { url } = await freshHub();
    // the same message twice at once (a sender's quick retry) and a redelivery of it once it waits
    await Promise.all([sendForApproval(client, "APR-3", "in-APR-3"), sendForApproval(client, "APR-3", "in-APR-3")]);
    const id = await requested(events, "APR-3");
    await sendForApproval(client, "APR-3", "in-APR-3");
    await client.drained(APPROVALS_QUEUE);
    await quietFor(() => events.length + oa.requests.length, SETTLE_MS);
    expect(oa.of("APR-3")).toHaveLength(1);
    expect(eventsOf(events, "APR-3").map((e) => e.routingKey)).toEqual(["approval.requested"]);
    const all = await api(url, "GET", "/approvals?status=all");
    expect(all.body.approvals.filter((a: { orderKey: string }) => a.orderKey === "C-1001/APR-3/0").map((a: { id: string }) => a.id)).toEqual([id]);
  });
});

describe("the decisions flow's order.needs-approval event", () => {
  it("is taken as it is, the order and its decisions in it, with its evaluation date on the release", async () => {
    const events = await tapEvents(client);
    const { url } = await freshHub();
    const { order, decisions, orderKey } = orderNeedingApproval("APR-4");
    const needsApproval = { event: "order.needs-approval", orderKey, orderNumber: "APR-4", revision: 0, buyer: "C-1001", outcome: "needs-approval", at: "2026-11-20", reasons: [], decisions, order };
    await client.send(NEEDS_APPROVAL_QUEUE, JSON.stringify(needsApproval), { contentType: "application/json", messageId: "order.needs-approval:APR-4", correlationId: "corr-APR-4" });
    await until("approval.requested", () => eventsOf(events, "APR-4", "approval.requested").length > 0);
    await client.drained(NEEDS_APPROVAL_QUEUE);
    const id = oa.of("APR-4")[0].body.approvalId;
    expect(oa.of("APR-4")[0].body).toMatchObject({ orderKey, correlationId: "corr-APR-4", reasons: decisions[1].reasons });
    expect((await api(url, "POST", `/approvals/${id}`, { decision: "approve", by: "dora" })).status).toBe(200);
    await until("order.released", () => eventsOf(events, "APR-4", "order.released").length > 0);
    expect(eventsOf(events, "APR-4", "order.released")[0].body).toMatchObject({ at: "2026-11-20", approval: { decidedBy: "dora", comment: null } });
  });
});
