import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../support/build";
import { runCliAsync } from "../support/cli";
import { createVhost, type TestVhost } from "../support/rabbit";
import { type HubProcess, shippedFlowFiles, startHubProcess, waitForHealthy } from "../runtime/support/hub-process";
import { demoOrders, edifactOrder, idocOrder, jsonOrder, runStamp } from "../../cli/commands/demo-orders";

// `orderhub demo` against a hub as `npm start` runs it (the sandbox on), on a vhost of its own. The hub runs every
// shipped flow but the master data sync, so that it starts with no master data and the demo has to load it.


let vhost: TestVhost;
let hub: HubProcess;

const orderhub = (args: string[]) => runCliAsync(args);

beforeAll(async () => {
  ensureBuilt("dist/cli/commands/demo.js", "dist/sandbox/erp/erp.wsdl");
  vhost = createVhost("orderhub-cli-demo");
  const flows = readdirSync(path.join(ROOT, "flows")).filter((f) => f.endsWith(".json") && f !== "master-sync.json");
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows: shippedFlowFiles(...flows) });
  expect(await waitForHealthy(hub.url, 30_000)).toBe(200);
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  vhost?.drop();
});

describe("orderhub demo", () => {
  it("loads the master data, sends 4 orders through CRM, EDI and IDoc, and follows each to a final state the hub agrees with", async () => {
    const before = (await (await fetch(`${hub.url}/api/master/customers`)).json()) as unknown[];
    expect(before).toEqual([]);

    const run = await orderhub(["demo", "--orders", "4", "--hub", hub.url]);
    expect(run.stderr).toBe("");
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain("the hub has no master data yet: loading");
    const customers = (await (await fetch(`${hub.url}/api/master/customers`)).json()) as Array<{ id: string }>;
    expect(customers.map((c) => c.id)).toEqual(expect.arrayContaining(["C-1001", "C-NORTH", "C-SOUTH"]));

    const lines = run.stdout.split("\n");
    const head = lines.findIndex((l) => /^order\s+door\s+buyer\s+state\s+last milestone$/.test(l));
    expect(head, run.stdout).toBeGreaterThanOrEqual(0);
    const rows = lines.slice(head + 1, head + 5).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => r[1])).toEqual(["crm", "edi", "idoc", "crm"]);
    expect(rows.map((r) => r[2])).toEqual(["C-1001", "C-NORTH", "C-1001", "C-SOUTH"]);
    // the three orders of customers in good standing go all the way; C-SOUTH has an invoice overdue: held for credit
    expect(rows.map((r) => r[3])).toEqual(["closed", "closed", "closed", "held"]);
    expect(rows[0][4]).toMatch(/^closed at \d\d:\d\d:\d\d$/);
    expect(rows[3][4]).toMatch(/^held at \d\d:\d\d:\d\d \(credit-checked: hold\)$/);
    for (const [orderNumber, , buyer, state] of rows) {
      expect(orderNumber).toMatch(/^DEMO-[1-4]-\d{10}$/);
      const res = await fetch(`${hub.url}/api/orders/${orderNumber}?buyer=${buyer}`);
      expect(res.status).toBe(200);
      const view = (await res.json()) as { orders: Array<{ state: string; orderKey: string }> };
      expect(view.orders).toHaveLength(1);
      expect(view.orders[0]).toMatchObject({ state, orderKey: `${buyer}/${orderNumber}/0` });
    }
    expect(run.stdout).toContain("every order reached a final state");
    expect(run.stdout).toContain(`orderhub order show ${rows[0][0]} --buyer C-1001 --hub ${hub.url}`);

    // the CRM order came through the CRM's webhook, not the fallback
    const crm = (await (await fetch(`${hub.url}/sandbox/crm/_callbacks`)).json()) as { sent: Array<{ body: { orderNumber: string }; status: number }> };
    expect(crm.sent.find((c) => c.body.orderNumber === rows[0][0])?.status).toBe(202);

    // a second run has new order numbers and finds the master data there
    const again = await orderhub(["demo", "--orders", "1", "--hub", hub.url]);
    expect(again.status, again.stdout).toBe(0);
    expect(again.stdout).not.toContain("loading");
    expect(again.stdout).not.toContain(rows[0][0]);
  }, 120_000);

  it("refuses a hub without the sandbox, saying so", async () => {
    const bare = await startHubProcess({ env: { AMQP_URL: vhost.url, ORDERHUB_SANDBOX: "off" } });
    try {
      const run = await orderhub(["demo", "--hub", bare.url]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^orderhub demo: demo needs the sandbox: the hub at http:\/\/127\.0\.0\.1:\d+ runs with ORDERHUB_SANDBOX=off/);
      expect(run.stdout).toBe("");
    } finally {
      await bare.stop();
    }
  }, 60_000);

  it("refuses a count of orders that is none", async () => {
    const run = await orderhub(["demo", "--orders", "0", "--hub", hub.url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--orders must be a whole number from 1 (is \"0\")");
  });
});

describe("the demo's documents", () => {
  const [crm, edi, idoc] = demoOrders(3, runStamp("2026-12-05T10:15:30.123Z"));

  it("number the orders per run", () => {
    expect([crm.orderNumber, edi.orderNumber, idoc.orderNumber]).toEqual(["DEMO-1-1205101530", "DEMO-2-1205101530", "DEMO-3-1205101530"]);
    expect(() => demoOrders(0, "x")).toThrow("orders: must be a whole number from 1 (is 0)");
  });

  it("are read by the hub as the orders they stand for, whatever the door", async () => {
    const normalize = async (body: string, type: string) => {
      const res = await fetch(`${hub.url}/api/orders/normalize`, { method: "POST", headers: { "content-type": type }, body });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { orderNumber: string; issueDate: string; buyer: { id: string }; lines: Array<{ sku: string; quantity: number; unitPrice: number }>; totals: { payable: number } };
    };
    const fromEdi = await normalize(edifactOrder(edi, "2026-12-05", "2026-12-05T10:15:30Z"), "application/edifact");
    expect(fromEdi).toMatchObject({ orderNumber: edi.orderNumber, issueDate: "2026-12-05", buyer: { id: "C-NORTH" }, lines: [{ sku: "FG-1000", quantity: 2, unitPrice: 13.9 }], totals: { payable: 27.8 } });
    const fromIdoc = await normalize(idocOrder(idoc, "2026-12-05", 42), "application/xml");
    expect(fromIdoc).toMatchObject({ orderNumber: idoc.orderNumber, buyer: { id: "C-1001" }, lines: [{ sku: "FG-1003", quantity: 1 }, { sku: "FG-1000", quantity: 1 }], totals: { payable: 28 } });
    const fromJson = await normalize(JSON.stringify(jsonOrder(crm, "2026-12-05")), "application/json");
    expect(fromJson).toMatchObject({ orderNumber: crm.orderNumber, buyer: { id: "C-1001" }, totals: { payable: 27 } });
  });
});
