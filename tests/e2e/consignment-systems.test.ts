import { execFile } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allQueueCounts, createVhost, type TestVhost } from "../support/rabbit";
import { startUpSyncApplied } from "../support/sandbox-hub";
import { until } from "../support/wait";
import { type HubProcess, shippedFlowFiles, startHubProcess, tempHubDir, waitForHealthy } from "../runtime/support/hub-process";

// A consignment cycle through the systems (docs/SETTLEMENT.md, "Consignment"), across a restart of the hub. The
// systems are the stand-ins of a second hub (sandbox on, no flows of its own), so that they keep their books while the
// hub under test (sandbox off, every shipped flow, the systems' URLs set) is stopped and started again on its data:
// a fill-up through WMS, ERP and TMS; the customer's use reported as an order through the intake, booked, its
// ownership transferred in ERP, invoiced; a use beyond the site refused with the ledger's figure; goods used and
// returned credited; the rest picked up; the ledger at zero.

const ROOT = resolve(__dirname, "../..");
const CLI = resolve(ROOT, "bin/orderhub");
const run = promisify(execFile);
const SITE = "/api/consignment/C-OPEN/P1";

let systems: HubProcess;
let vhost: TestVhost;
let dir: string;
let start: () => Promise<HubProcess>;
let hub: HubProcess;

async function call<T>(base: string, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
const api = <T>(path: string, init?: RequestInit) => call<T>(hub.url, path, init);
const sandbox = <T>(path: string, init?: RequestInit) => call<T>(systems.url, `/sandbox${path}`, init);
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

type Ledger = { items: Array<{ sku: string; balance: number; issued: number; filledUp: number; pickedUp: number; returned: number }> };
type ErpConsignment = { consignmentStock: Array<{ customer: string; site: string; sku: string; consignment: number; issued: number }>; consignmentMovements: Array<{ externalReference: string }> };
const ledger = async () => (await api<Ledger>(SITE)).body.items.find((i) => i.sku === "FG-1000");
const erpSite = async () => (await sandbox<ErpConsignment>("/erp/_state")).body.consignmentStock.find((s) => s.customer === "C-OPEN" && s.site === "P1" && s.sku === "FG-1000");
const milestones = async (orderNumber: string) => {
  const res = await api<{ orders: Array<{ entries: Array<{ milestone: string; document: string; system: string }> }> }>(`/api/orders/${orderNumber}/timeline`);
  return res.status === 200 ? res.body.orders[0].entries : [];
};
const queueTotal = async (queue: string) => (await allQueueCounts(vhost.name)).get(queue)?.total ?? 0;

/** The customer's use of goods at its site P1, as an order through the intake: quantities, no prices (the list's apply). */
const use = (orderNumber: string, quantity: number) => ({
  orderNumber, orderType: "consignment-issue", issueDate: new Date().toISOString().slice(0, 10), currency: "EUR",
  buyer: { id: "C-OPEN" }, shipTo: { id: "P1" }, lines: [{ lineNumber: "10", sku: "FG-1000", quantity, unit: "H87" }],
});

beforeAll(async () => {
  vhost = createVhost("orderhub-consignment");
  // the systems first, on the vhost the hub uses (the WMS stand-in speaks AMQP there)
  systems = await startHubProcess({ env: { AMQP_URL: vhost.url } });
  expect(await waitForHealthy(systems.url)).toBe(200);
  const at = (name: string) => `${systems.url}/sandbox/${name}`;
  const env = {
    AMQP_URL: vhost.url, ORDERHUB_SANDBOX: "off", ORDERHUB_ERP_WSDL: `${at("erp")}?wsdl`, ORDERHUB_TMS_URL: at("tms"), ORDERHUB_FINANCE_URL: at("finance"),
    ORDERHUB_OA_URL: at("oa"), ORDERHUB_CRM_URL: at("crm"), ORDERHUB_PLM_URL: at("plm"),
  };
  const flows = shippedFlowFiles(...readdirSync(resolve(ROOT, "flows")).filter((f) => f.endsWith(".json")));
  dir = tempHubDir().dir;
  start = () => startHubProcess({ env, flows, dir, keepDir: true });
  hub = await start();
  expect(await waitForHealthy(hub.url)).toBe(200);
  // the master data sync loads the ERP's at start: let it finish before the test's own master data goes in
  await startUpSyncApplied(hub.url, vhost.name);
  const master = JSON.parse(readFileSync(resolve(ROOT, "tests/fixtures/master/manufacturer.json"), "utf8"));
  expect((await api("/api/master", json("PATCH", master))).status).toBe(200);
  expect((await sandbox("/wms/_stock", json("PUT", { sku: "FG-1000", warehouse: "WH-WALLDORF", quantity: 1000 }))).status).toBe(200);
  expect((await sandbox("/wms/_behaviour", json("PUT", { stepDelayMs: 50 }))).status).toBe(200);
  await until("the WMS consuming", async () => (await sandbox<{ consuming: boolean }>("/wms/_state")).body.consuming, 30_000);
}, 180_000);

afterAll(async () => {
  expect(await hub?.stop()).toBe(0);
  await systems?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  vhost?.drop();
});

describe("a consignment cycle through the systems, across a hub restart", () => {
  it("fills up, restarts, bills exactly what was used, refuses a use beyond the site, credits a return, picks up the rest: the ledger at zero", async () => {
    // fill-up of 100 through the WMS, the ERP transfer and the TMS shipment
    expect((await api(`${SITE}/fill-ups`, json("POST", { document: "FU-1", lines: [{ sku: "FG-1000", quantity: 100, warehouse: "WH-WALLDORF" }] }))).status).toBe(202);
    await until("the fill-up on the ledger", async () => (await ledger())?.balance === 100, 60_000, 250);
    expect(await until("the ERP transfer", erpSite, 60_000, 250)).toMatchObject({ consignment: 100, issued: 0 });
    type Tms = { shipments: Array<{ deliveryNote: string }> };
    await until("the TMS shipment", async () => (await sandbox<Tms>("/tms/_state")).body.shipments.some((s) => s.deliveryNote === "FU-1"), 60_000, 250);

    // the hub stops and starts again on its data; the systems keep their books
    expect(await hub.stop()).toBe(0);
    hub = await start();
    expect(await waitForHealthy(hub.url)).toBe(200);
    expect(await ledger()).toMatchObject({ balance: 100, filledUp: 100 });

    // the customer reports 40 used, as an order through the intake (sent twice)
    expect((await api("/api/orders", json("POST", use("CR-1", 40)))).status).toBe(202);
    expect((await api("/api/orders", json("POST", use("CR-1", 40)))).status).toBe(202);
    await until("CR-1 invoiced", async () => (await milestones("CR-1")).some((e) => e.milestone === "invoiced"), 90_000, 250);
    const steps = (await milestones("CR-1")).map((e) => e.milestone);
    expect(steps).toEqual(expect.arrayContaining(["approved", "booked", "shipped", "delivered", "invoiced"]));
    // no warehouse, no carrier: the goods were at the customer's
    expect(steps).not.toContain("delivery-note-sent");
    expect(steps).not.toContain("shipment-booked");
    expect(await ledger()).toMatchObject({ balance: 60, issued: 40 });
    expect(await erpSite()).toMatchObject({ consignment: 60, issued: 40 });
    // billed for exactly what was used, at C-OPEN's list price: 40 × 12.50 + 19 % = 595.00
    type Finance = { invoices: Array<{ number: string; orderReference?: string; payable: number }> };
    const invoices = (await sandbox<Finance>("/finance/_state")).body.invoices.filter((i) => i.orderReference === "CR-1");
    expect(invoices).toEqual([expect.objectContaining({ payable: 595 })]);
    type Wms = { deliveryNotes: Array<{ deliveryNote: string }> };
    expect((await sandbox<Wms>("/wms/_state")).body.deliveryNotes.filter((n) => n.deliveryNote.includes("CR-1"))).toEqual([]);

    // 70 more reported used: the site holds 60, so it is refused with the ledger's figure and nothing is billed
    expect((await api("/api/orders", json("POST", use("CR-2", 70)))).status).toBe(202);
    const env = { ...process.env, AMQP_URL: vhost.url };
    const letter = await until("CR-2 in orderhub.dlq", async () => {
      const { stdout } = await run(CLI, ["dlq", "list", "--json"], { env });
      return stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { error: string; queue: string }).find((d) => d.error.includes("CR-2"));
    }, 60_000, 500);
    expect(letter.error).toContain("site P1 holds 60 of FG-1000");
    expect(letter.queue).toBe("orderhub.orders.decisions");
    expect((await milestones("CR-2")).map((e) => e.milestone)).not.toContain("approved");
    expect(await ledger()).toMatchObject({ balance: 60, issued: 40 });

    // 10 of the used ones come back: one credit note for them, though the return is sent twice
    const returned = { kind: "return", document: "RT-1", issue: "CR-1", lines: [{ sku: "FG-1000", quantity: 10 }] };
    const first = await api<{ creditNote: string; credited: number }>(`${SITE}/movements`, json("POST", returned));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.credited).toBe(148.75);
    const again = await api<{ creditNote: string }>(`${SITE}/movements`, json("POST", returned));
    expect([again.status, again.body.creditNote]).toEqual([200, first.body.creditNote]);
    type Credits = { creditNotes: Array<{ number: string; payable: number }> };
    const credits = async () => (await sandbox<Credits>("/finance/_state")).body.creditNotes.filter((c) => c.number === first.body.creditNote);
    await until("the credit note in finance", async () => (await credits()).length > 0, 60_000, 250);
    await until("the return in ERP", async () => (await erpSite())?.issued === 30, 60_000, 250);
    await until("the repeats taken", async () => (await queueTotal("orderhub.settlement.returns")) === 0 && (await queueTotal("orderhub.consignment.erp")) === 0, 30_000, 250);
    expect(await credits()).toEqual([expect.objectContaining({ payable: 148.75 })]);

    // the 60 left are picked up: the site holds nothing of ours
    expect((await api(`${SITE}/movements`, json("POST", { kind: "pickup", document: "PU-1", lines: [{ sku: "FG-1000", quantity: 60 }] }))).status).toBe(201);
    await until("the pick-up in ERP", async () => (await erpSite())?.consignment === 0, 60_000, 250);
    expect(await ledger()).toEqual({ sku: "FG-1000", balance: 0, filledUp: 100, issued: 30, pickedUp: 60, returned: 10 });
    expect(await erpSite()).toMatchObject({ consignment: 0, issued: 30 });
    // the one letter is CR-2's
    expect(await queueTotal("orderhub.dlq")).toBe(1);
    // what /metrics counted since the restart
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    const counted = (kind: string, outcome: string) => Number(new RegExp(`^orderhub_settlement_documents_total\\{kind="${kind}",outcome="${outcome}"\\} (\\d+)$`, "m").exec(metrics)?.[1] ?? 0);
    expect([counted("consignment-issue", "written"), counted("consignment-issue", "refused"), counted("consignment-return", "written"), counted("consignment-return", "repeat"), counted("consignment-pickup", "written"), counted("credit-note", "written")]).toEqual([1, 1, 1, 1, 1, 1]);
  }, 300_000);
  it("takes a fill-up and a pick-up as orders through the intake, no sale; refuses a pick-up beyond the site and a return order, saying why", async () => {
    const order = (orderNumber: string, orderType: string, quantity: number) => ({ ...use(orderNumber, quantity), orderType, shipTo: { id: "P2" } });
    const p2 = async () => (await api<Ledger>("/api/consignment/C-OPEN/P2")).body.items.find((i) => i.sku === "FG-1000");
    const erpP2 = async () => (await sandbox<ErpConsignment>("/erp/_state")).body.consignmentStock.find((s) => s.customer === "C-OPEN" && s.site === "P2" && s.sku === "FG-1000");

    expect((await api("/api/orders", json("POST", order("FU-P2", "consignment-fillup", 30)))).status).toBe(202);
    await until("the fill-up on P2's ledger", async () => (await p2())?.balance === 30, 60_000, 250);
    await until("the ERP transfer to P2", async () => (await erpP2())?.consignment === 30, 60_000, 250);
    type Tms = { shipments: Array<{ deliveryNote: string }> };
    await until("the TMS shipment", async () => (await sandbox<Tms>("/tms/_state")).body.shipments.some((s) => s.deliveryNote === "FU-P2"), 60_000, 250);

    expect((await api("/api/orders", json("POST", order("PU-P2", "consignment-pickup", 30)))).status).toBe(202);
    await until("the pick-up in ERP", async () => (await erpP2())?.consignment === 0, 60_000, 250);
    expect(await p2()).toMatchObject({ balance: 0, filledUp: 30, pickedUp: 30 });
    // neither was decided, booked as a sale or invoiced
    type Finance = { invoices: Array<{ orderReference?: string }> };
    expect((await sandbox<Finance>("/finance/_state")).body.invoices.filter((i) => i.orderReference === "FU-P2" || i.orderReference === "PU-P2")).toEqual([]);
    for (const n of ["FU-P2", "PU-P2"]) expect((await milestones(n)).map((e) => e.milestone)).not.toContain("approved");

    const env = { ...process.env, AMQP_URL: vhost.url };
    const letters = async () => (await run(CLI, ["dlq", "list", "--json"], { env })).stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { error: string });
    expect((await api("/api/orders", json("POST", order("PU-P2-B", "consignment-pickup", 5)))).status).toBe(202);
    expect((await api("/api/orders", json("POST", { ...use("RET-9", 2), orderType: "return" }))).status).toBe(202);
    const refused = await until("both refused", async () => {
      const all = await letters();
      const pickup = all.find((l) => l.error.includes("PU-P2-B"));
      const ret = all.find((l) => l.error.includes("RET-9"));
      return pickup && ret ? { pickup, ret } : undefined;
    }, 60_000, 500);
    expect(refused.pickup.error).toContain("site P2 holds 0 of FG-1000");
    expect(refused.ret.error).toContain("send it as a return authorisation naming the invoice");
    expect(await p2()).toMatchObject({ balance: 0, pickedUp: 30 });
    expect(await queueTotal("orderhub.dlq")).toBe(3);
  }, 300_000);
});
