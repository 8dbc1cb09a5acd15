import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseMessageId } from "../../runtime/credit-release";
import { json, type TestClient } from "../support/amqp";
import { ensureBuilt, ROOT } from "../support/build";
import { OWN, PUBLIC } from "../support/fixtures";
import type { TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { masterFixture } from "../fixtures/master/master-data";
import type { HubProcess } from "./support/hub-process";
import { startHubOnVhost, stopHubOnVhost } from "./support/hub-on-vhost";

let vhost: TestVhost;
let hub: HubProcess;
let dir: string;
let client: TestClient;
let tap: string;
let startHub: () => Promise<HubProcess>;

beforeAll(async () => {
  ensureBuilt("dist/runtime/api/decisions.js", "dist/nodes/order-record/index.html");
  ({ vhost, dir, hub, client, startHub } = await startHubOnVhost("orderhub-decisions-api", ["config.json", "order-intake.json", "order-decisions.json"]));
  await client.consumed("orderhub.orders.decisions", 20_000);
  tap = await client.tap("order.*");
  const put = await fetch(`${hub.url}/api/master`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(masterFixture()) });
  expect(put.status).toBe(200);
}, 120_000);

afterAll(() => stopHubOnVhost({ client, hub, dir, vhost }));

async function evaluate(body: Buffer | string, query = "?at=2025-10-01", contentType = "application/octet-stream") {
  const res = await fetch(`${hub.url}/api/orders/evaluate${query}`, { method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : new Uint8Array(body) });
  return { status: res.status, body: await res.json() };
}

const fixture = (file: string) => readFileSync(file);
const rulesOf = (answer: { decisions: Array<{ rule: string; outcome: string }> }) => Object.fromEntries(answer.decisions.map((d) => [d.rule, d.outcome]));

describe("POST /api/orders/evaluate: the dry run on the hub's master data", () => {
  it.each([
    ["sap-in260/orders-inbound.idoc-orders05.xml", "10040", "released"],
    ["sap-in260/orders-inbound.edifact-d96a.edi", "10040", "released"],
    ["ubl-2.1/UBL-Order-2.1-Example.xml", "34", "held"],
  ])("judges %s: order %s is %s", async (file, orderNumber, outcome) => {
    const { status, body } = await evaluate(fixture(path.join(PUBLIC, file)));
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["orderNumber", "outcome", "decisions"]);
    expect(body).toMatchObject({ orderNumber, outcome });
  });

  it("rejects the cXML order of a customer the master lacks, naming every problem", async () => {
    const { body } = await evaluate(fixture(path.join(OWN, "cxml-orderrequest.xml")));
    expect(body.outcome).toBe("rejected");
    expect(rulesOf(body)).toEqual({ audit: "reject", price: "approval", credit: "reject", atp: "reject" });
    expect(body.decisions[0].reasons[0]).toBe("order-audit: customer AN01000002789 is not in the customer master: the order cannot be booked to an unknown customer");
  });

  it("judges the UBL order once its customer's old invoice is paid: its discount needs approval", async () => {
    const paid = await fetch(`${hub.url}/api/master/open-items`, { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify([{ customer: "PartyID123", document: "INV-2010-0012" }]) });
    expect(paid.status).toBe(200);
    const { body } = await evaluate(fixture(path.join(PUBLIC, "ubl-2.1/UBL-Order-2.1-Example.xml")));
    expect(body.outcome).toBe("needs-approval");
    expect(rulesOf(body)).toEqual({ audit: "approval", price: "ok", credit: "ok", atp: "ok" });
  });

  it("changes nothing: no reservation, no history, no event", async () => {
    const before = await (await fetch(`${hub.url}/api/master/reservations`)).json();
    await evaluate(fixture(path.join(PUBLIC, "sap-in260/orders-inbound.idoc-orders05.xml")));
    expect(await (await fetch(`${hub.url}/api/master/reservations`)).json()).toEqual(before);
    expect((await fetch(`${hub.url}/api/orders/10040/decisions`)).status).toBe(404);
    expect(await client.collect(tap, 0)).toEqual([]);
  });

  it("refuses a date that is none and a document it cannot read, with 400", async () => {
    const bad = await evaluate(fixture(path.join(PUBLIC, "ubl-2.1/UBL-Order-2.1-Example.xml")), "?at=2025-02-30");
    expect(bad).toEqual({ status: 400, body: { error: "at=2025-02-30 is not an ISO 8601 date (YYYY-MM-DD)", code: "bad-date" } });
    const unreadable = await evaluate(fixture(path.join(OWN, "bad/csv-quantity-fifteen.csv")), "", "text/csv");
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error).toMatch(/quantity "fifteen" is not a number/);
  });

  it("is what `orderhub evaluate` prints without --master", () => {
    const file = path.join(PUBLIC, "ubl-2.1/UBL-Order-2.1-Example.xml");
    const run = spawnSync(process.execPath, [path.join(ROOT, "dist/cli/main.js"), "evaluate", file, "--url", hub.url, "--at", "2025-10-01"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ orderNumber: "34", outcome: "needs-approval" });
  });
});

describe("a held order, its release by a credit controller, and its history", () => {
  const order = { orderNumber: "CASH-77", issueDate: "2026-03-02", currency: "EUR", buyer: { id: "C-CASH" }, lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 10, unitPrice: 13.9 }] };
  const decisions = async (query = "") => {
    const res = await fetch(`${hub.url}/api/orders/CASH-77/decisions${query}`);
    return { status: res.status, body: await res.json() };
  };
  const release = async (body: unknown, query = "") => {
    const res = await fetch(`${hub.url}/api/orders/CASH-77/release${query}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  it("holds a cash-in-advance customer's order across a restart, lets a credit controller release it once, and shows why at each step", async () => {
    const posted = await fetch(`${hub.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(order) });
    expect(posted.status).toBe(202);
    const held = await until("the order decided", async () => ((await decisions()).status === 200 ? decisions() : undefined));
    expect(held.body.orders).toHaveLength(1);
    expect(held.body.orders[0]).toMatchObject({ orderKey: "C-CASH/CASH-77/0", buyer: "C-CASH", outcome: "held", hold: { status: "held", customer: "C-CASH", amount: 139, currency: "EUR" } });
    expect(held.body.orders[0].history.map((e: { rule: string }) => e.rule)).toEqual(["audit", "price", "credit", "atp", "order"]);
    const events = await client.collect(tap, 2);
    expect(events.map((m) => m.fields.routingKey)).toEqual(["order.accepted", "order.held"]);

    // the hub restarts while the order waits: the held order is still there to release
    await hub.stop();
    hub = await startHub();
    await client.consumed("orderhub.orders.decisions", 20_000);
    expect((await decisions()).body.orders[0].hold.status).toBe("held");

    expect((await release({ by: "anna.berg" })).status).toBe(400);
    const done = await release({ by: "anna.berg", comment: "prepayment received by wire, see ticket 4711" }, "?buyer=C-CASH");
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      orderKey: "C-CASH/CASH-77/0",
      outcome: "released",
      event: "order.released",
      messageId: releaseMessageId("C-CASH/CASH-77/0"),
      published: true,
      release: { by: "anna.berg", comment: "prepayment received by wire, see ticket 4711" },
    });
    const [released, ...more] = await client.collect(tap, 1);
    expect(more).toEqual([]);
    expect(released.fields.routingKey).toBe("order.released");
    expect(released.properties.messageId).toBe(releaseMessageId("C-CASH/CASH-77/0"));
    expect(json(released).confirmations).toEqual(done.body.confirmations);

    const again = await release({ by: "bob", comment: "again" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "released-already", releasedBy: "anna.berg" });
    expect(await client.collect(tap, 0)).toEqual([]);

    const after = await decisions("?buyer=C-CASH");
    expect(after.body.orders[0]).toMatchObject({ outcome: "released", hold: { status: "released", releasedBy: "anna.berg" } });
    expect(after.body.orders[0].history.find((e: { by?: string }) => e.by)).toMatchObject({ rule: "credit", outcome: "ok", by: "anna.berg", comment: "prepayment received by wire, see ticket 4711" });
    const reservations = (await (await fetch(`${hub.url}/api/master/reservations`)).json()) as Array<{ order: string }>;
    expect(reservations.filter((r) => r.order === "C-CASH/CASH-77/0")).not.toHaveLength(0);
  });

  it("answers 404 for an order it never decided", async () => {
    expect((await fetch(`${hub.url}/api/orders/NOPE-1/decisions`)).status).toBe(404);
    const res = await fetch(`${hub.url}/api/orders/NOPE-1/release`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: "a", comment: "b" }) });
    expect(res.status).toBe(404);
  });
});
