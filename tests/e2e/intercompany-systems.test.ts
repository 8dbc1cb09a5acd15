import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allQueueCounts, createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, shippedFlowFiles, startHubProcess, waitForHealthy } from "../runtime/support/hub-process";

// Inter-company orders through the systems (docs/SETTLEMENT.md, "Inter-company orders"): one hub with every shipped
// flow and the sandbox on, on a vhost of its own. The group comes from the ERP's master data at start (DE01, the demo
// manufacturer and the home company, whose warehouses the hub runs, and its sister PL01, with DE01's transfer prices);
// each company's documents go to its own ERP book (DE01's is the stand-in ERP's main book, PL01's
// /sandbox/erp/companies/PL01). What DE01 sells the hub ships; what PL01 sells, PL01 reports.

const ROOT = resolve(__dirname, "../..");
const CLI = resolve(ROOT, "bin/orderhub");
const run = promisify(execFile);

let vhost: TestVhost;
let hub: HubProcess;

interface TimelineView {
  orderKey: string;
  entries: Array<{ milestone: string; event: string; document: string; system: string }>;
}

interface Books {
  salesOrders: Array<{ salesOrderNumber: string; externalReference: string; customer: string; netValue: number; revision: number; changeReferences: string[]; status: string; lines: Array<{ lineNumber: string; quantity: number }> }>;
  purchaseOrders: Array<{ purchaseOrderNumber: string; externalReference: string; supplier: string; netValue: number; revision: number; changeReferences: string[]; status: string; lines: Array<{ lineNumber: string; quantity: number; received?: number }> }>;
  goodsReceipts: Array<{ goodsReceiptNumber: string; externalReference: string; purchaseOrderNumber: string; deliveryNote?: string; lines: Array<{ sku: string; quantity: number }> }>;
  supplierInvoices: Array<{ apVoucherNumber: string; externalReference: string; supplierInvoiceNumber: string; purchaseOrderNumber: string; netAmount: number }>;
}

async function api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
/** A company's ERP book: DE01's is the main one. */
const books = async (company: string) => (await api<Books>(company === "DE01" ? "/sandbox/erp/_state" : `/sandbox/erp/companies/${company}/_state`)).body;
const de01 = () => books("DE01");
const pl01 = () => books("PL01");

async function timeline(orderNumber: string): Promise<TimelineView | undefined> {
  const res = await api<{ orders: TimelineView[] }>(`/api/orders/${encodeURIComponent(orderNumber)}/timeline`);
  return res.status === 200 ? res.body.orders[0] : undefined;
}

const entriesOf = (t: TimelineView | undefined, milestone: string) => (t?.entries ?? []).filter((e) => e.milestone === milestone);
const queueTotal = async (queue: string) => (await allQueueCounts(vhost.name)).get(queue)?.total ?? 0;
const documentsOf = async (orderNumber: string, buyer = "PL01") =>
  (await api<{ documents: Array<{ kind: string; document: string; company: string }> }>(`/api/intercompany/orders/${buyer}/${orderNumber}`)).body.documents;

/** An inter-company order through the intake, as a JSON order of type intercompany: PL01 buying from DE01 unless told. */
const intercompanyOrder = (orderNumber: string, quantity: number, seller = "DE01", buyer = "PL01") => ({
  orderNumber, orderType: "intercompany", issueDate: new Date().toISOString().slice(0, 10), currency: "EUR",
  buyer: { id: buyer }, seller: { id: seller },
  lines: [{ lineNumber: "10", sku: "FG-1000", quantity, unit: "H87", unitPrice: 9.8 }],
});
/** DE01 buying from PL01: PL01 ships and invoices itself. */
const fromPl01 = (orderNumber: string, quantity: number) => intercompanyOrder(orderNumber, quantity, "PL01", "DE01");

async function placed(orderNumber: string): Promise<TimelineView> {
  return until(`${orderNumber}: both documents in ERP`, async () => {
    const view = await timeline(orderNumber);
    return entriesOf(view, "intercompany-sales-order").length && entriesOf(view, "intercompany-purchase-order").length ? view : undefined;
  }, 60_000, 250);
}

beforeAll(async () => {
  vhost = createVhost("orderhub-intercompany");
  const flows = shippedFlowFiles(...readdirSync(resolve(ROOT, "flows")).filter((f) => f.endsWith(".json")));
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows });
  expect(await waitForHealthy(hub.url)).toBe(200);
  // the group, from the ERP's GetMasterData at start
  await until("the group in master data", async () => (await api<Array<{ id: string }>>("/api/master/companies")).body.length === 2, 60_000, 250);
  // PL01 sells FG-1000 to its sisters at 9.80 too
  expect((await api("/api/master/transfer-prices", json("PATCH", [{ sku: "FG-1000", from: "PL01", price: 9.8, currency: "EUR" }]))).status).toBe(200);
}, 120_000);

afterAll(async () => {
  expect(await hub?.stop()).toBe(0);
  vhost?.drop();
});

describe("inter-company orders through the systems", () => {
  it("places PL01's order on DE01 from the intake: DE01's sales order in DE01's ERP, PL01's purchase order in PL01's, once each though it repeats; no decision", async () => {
    const order = intercompanyOrder("IC-E2E-1", 5);
    expect((await api("/api/orders", json("POST", order))).status).toBe(202);
    expect((await api("/api/orders", json("POST", order))).status).toBe(202);
    const view = await placed("IC-E2E-1");
    // the same order placed over REST too: the same documents, no new ones
    const again = await api<{ created: string[] }>("/api/intercompany/orders", json("POST", { orderNumber: "IC-E2E-1", buyer: "PL01", seller: "DE01", lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 5 }] }));
    expect(again.status).toBe(200);
    expect(again.body.created).toEqual([]);
    await until("the repeats taken", async () => (await queueTotal("orderhub.intercompany.erp")) === 0 && (await queueTotal("orderhub.intercompany.orders")) === 0, 30_000, 250);
    await new Promise((r) => setTimeout(r, 1000));

    const docs = await documentsOf("IC-E2E-1");
    const hubSo = docs.find((d) => d.kind === "sales-order")!;
    const hubPo = docs.find((d) => d.kind === "purchase-order")!;
    expect([hubSo.company, hubPo.company]).toEqual(["DE01", "PL01"]);
    // 5 × 9.80, DE01's transfer price to PL01 from the ERP's master data
    const [b, a] = [await de01(), await pl01()];
    expect(b.salesOrders.filter((o) => o.externalReference === hubSo.document)).toEqual([expect.objectContaining({ customer: "PL01", netValue: 49 })]);
    expect(a.purchaseOrders.filter((o) => o.externalReference === hubPo.document)).toEqual([expect.objectContaining({ supplier: "DE01", netValue: 49 })]);
    // each document in its own company's ERP only
    expect(b.purchaseOrders.filter((o) => o.externalReference === hubPo.document)).toEqual([]);
    expect(a.salesOrders.filter((o) => o.externalReference === hubSo.document)).toEqual([]);

    const after = (await timeline("IC-E2E-1"))!;
    expect(after.orderKey).toBe(view.orderKey);
    expect(entriesOf(after, "intercompany-sales-order").map((e) => e.document)).toEqual([b.salesOrders.find((o) => o.externalReference === hubSo.document)!.salesOrderNumber]);
    expect(entriesOf(after, "intercompany-purchase-order").map((e) => e.document)).toEqual([a.purchaseOrders.find((o) => o.externalReference === hubPo.document)!.purchaseOrderNumber]);
    // the order decisions leave it alone: no credit check of a sister company, no hold, no release
    for (const decided of ["approved", "held", "rejected", "needs-approval"]) expect(entriesOf(after, decided)).toEqual([]);
    expect(await queueTotal("orderhub.dlq")).toBe(0);
  }, 120_000);

  it("ships what the home company DE01 sells: the WMS delivers it, PL01's ERP books the goods receipt and DE01's invoice as supplier invoice, once each", async () => {
    expect((await api("/api/orders", json("POST", intercompanyOrder("IC-E2E-3", 4)))).status).toBe(202);
    await placed("IC-E2E-3");
    const hubSo = (await documentsOf("IC-E2E-3")).find((d) => d.kind === "sales-order")!.document;
    const hubPo = (await documentsOf("IC-E2E-3")).find((d) => d.kind === "purchase-order")!.document;
    const received = await until("the goods receipt in PL01's ERP", async () => entriesOf(await timeline("IC-E2E-3"), "intercompany-goods-receipt")[0], 60_000, 250);
    const invoiced = await until("the supplier invoice in PL01's ERP", async () => entriesOf(await timeline("IC-E2E-3"), "intercompany-supplier-invoice")[0], 60_000, 250);
    await until("everything taken", async () => (await queueTotal("orderhub.intercompany.wms")) === 0 && (await queueTotal("orderhub.intercompany.invoicing")) === 0 && (await queueTotal("orderhub.intercompany.erp-mirrors")) === 0, 30_000, 250);

    // the WMS shipped the sales order's delivery note to PL01
    type Wms = { deliveryNotes: Array<{ deliveryNote: string; type?: string; shipTo?: string; lines: Array<{ quantity: number }> }> };
    expect((await api<Wms>("/sandbox/wms/_state")).body.deliveryNotes.filter((n) => n.deliveryNote === hubSo)).toEqual([
      expect.objectContaining({ type: "intercompany", shipTo: "PL01", lines: [expect.objectContaining({ quantity: 4 })] }),
    ]);
    const a = await pl01();
    const po = a.purchaseOrders.find((o) => o.externalReference === hubPo)!;
    expect(po.lines).toEqual([expect.objectContaining({ quantity: 4, received: 4 })]);
    const receipts = a.goodsReceipts.filter((g) => g.purchaseOrderNumber === po.purchaseOrderNumber);
    expect(receipts).toEqual([expect.objectContaining({ deliveryNote: hubSo })]);
    // 4 × 9.80 at the transfer price
    const invoices = a.supplierInvoices.filter((i) => i.purchaseOrderNumber === po.purchaseOrderNumber);
    expect(invoices).toEqual([expect.objectContaining({ netAmount: 39.2 })]);
    expect([received.document, invoiced.document]).toEqual([receipts[0].goodsReceiptNumber, invoices[0].apVoucherNumber]);
    expect(await queueTotal("orderhub.dlq")).toBe(0);
  }, 120_000);

  it("books PL01's delivery and invoice, which PL01 reports itself, as DE01's goods receipt and supplier invoice in DE01's ERP, once each though they repeat", async () => {
    expect((await api("/api/orders", json("POST", fromPl01("IC-E2E-2", 5)))).status).toBe(202);
    const view = await placed("IC-E2E-2");
    const hubPo = (await documentsOf("IC-E2E-2", "DE01")).find((d) => d.kind === "purchase-order")!.document;
    const delivery = { orderKey: view.orderKey, kind: "delivery", from: "seller", document: "PL01-DN-88", at: "2026-12-03", lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 5 }] };
    expect((await api("/api/intercompany/events", json("POST", delivery))).status).toBe(201);
    expect((await api("/api/intercompany/events", json("POST", delivery))).status).toBe(200);
    const received = await until("the goods receipt in DE01's ERP", async () => entriesOf(await timeline("IC-E2E-2"), "intercompany-goods-receipt")[0], 60_000, 250);

    // PL01 invoices 5 × 9.80 = 49.00
    const invoice = { orderKey: view.orderKey, kind: "invoice", from: "seller", document: "PL01-INV-4711", at: "2026-12-04", amount: 49, lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 5 }] };
    expect((await api("/api/intercompany/events", json("POST", invoice))).status).toBe(201);
    expect((await api("/api/intercompany/events", json("POST", invoice))).status).toBe(200);
    const booked = await until("the supplier invoice in DE01's ERP", async () => entriesOf(await timeline("IC-E2E-2"), "intercompany-supplier-invoice")[0], 60_000, 250);
    await until("the repeats taken", async () => (await queueTotal("orderhub.intercompany.erp-mirrors")) === 0 && (await queueTotal("orderhub.intercompany.invoicing")) === 0, 30_000, 250);
    await new Promise((r) => setTimeout(r, 1000));

    const a = await de01();
    const po = a.purchaseOrders.find((o) => o.externalReference === hubPo)!;
    const receipts = a.goodsReceipts.filter((g) => g.purchaseOrderNumber === po.purchaseOrderNumber);
    expect(receipts).toEqual([expect.objectContaining({ deliveryNote: "PL01-DN-88", lines: [expect.objectContaining({ sku: "FG-1000", quantity: 5 })] })]);
    expect(po.lines).toEqual([expect.objectContaining({ lineNumber: "10", quantity: 5, received: 5 })]);
    // only PL01's own invoice: the hub invoices for the home company alone
    expect(a.supplierInvoices.filter((i) => i.purchaseOrderNumber === po.purchaseOrderNumber)).toEqual([expect.objectContaining({ supplierInvoiceNumber: "PL01-INV-4711", netAmount: 49 })]);
    // nothing of it in PL01's ERP, and nothing went to the WMS
    expect((await pl01()).goodsReceipts.filter((g) => g.deliveryNote === "PL01-DN-88")).toEqual([]);
    type Wms = { deliveryNotes: Array<{ orderKey: string }> };
    expect((await api<Wms>("/sandbox/wms/_state")).body.deliveryNotes.filter((n) => n.orderKey === view.orderKey)).toEqual([]);
    const after = await timeline("IC-E2E-2");
    expect(entriesOf(after, "intercompany-goods-receipt")).toEqual([expect.objectContaining({ document: receipts[0].goodsReceiptNumber, system: "erp" })]);
    expect(entriesOf(after, "intercompany-supplier-invoice")).toEqual([expect.objectContaining({ document: a.supplierInvoices.find((i) => i.supplierInvoiceNumber === "PL01-INV-4711")!.apVoucherNumber })]);
    expect([received.event, booked.event]).toEqual(["intercompany.goods-received", "intercompany.supplier-invoice-booked"]);
    expect(await queueTotal("orderhub.dlq")).toBe(0);
  }, 120_000);

  it.each([
    ["DE01's side (the buyer) raises line 10 to 8: PL01's sales order in PL01's ERP changes once", "buyer", "DE01-CHG-7", 8, "seller"],
    ["PL01's side (the seller) can deliver 3 only: DE01's purchase order in DE01's ERP changes once", "seller", "PL01-CHG-3", 3, "buyer"],
  ] as const)("%s", async (_case, from, source, quantity, to) => {
    const orderNumber = `IC-E2E-${source}`;
    expect((await api("/api/orders", json("POST", fromPl01(orderNumber, 5)))).status).toBe(202);
    const view = await placed(orderNumber);
    const change = { orderKey: view.orderKey, kind: "change", from, document: source, lines: [{ lineNumber: "10", sku: "FG-1000", quantity }] };
    const first = await api<{ links: Array<{ document: string; side: string; kind: string }> }>("/api/intercompany/events", json("POST", change));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.links[0]).toMatchObject({ kind: "change", side: to });
    const changeId = first.body.links[0].document;
    expect((await api("/api/intercompany/events", json("POST", change))).status).toBe(200);
    const entry = await until("the change on the timeline", async () => entriesOf(await timeline(orderNumber), "intercompany-changed")[0], 60_000, 250);
    expect(entry).toMatchObject({ event: "intercompany.order-changed-in-erp", document: changeId, system: "erp" });
    await until("the repeat taken", async () => (await queueTotal("orderhub.intercompany.erp-changes")) === 0, 30_000, 250);
    await new Promise((r) => setTimeout(r, 1000));

    const docs = await documentsOf(orderNumber, "DE01");
    const hubSo = docs.find((d) => d.kind === "sales-order")!.document;
    const hubPo = docs.find((d) => d.kind === "purchase-order")!.document;
    const so = (await pl01()).salesOrders.find((o) => o.externalReference === hubSo)!;
    const po = (await de01()).purchaseOrders.find((o) => o.externalReference === hubPo)!;
    const [changed, untouched] = to === "seller" ? [so, po] : [po, so];
    // one change, at the transfer price
    expect(changed).toMatchObject({ revision: 1, changeReferences: [changeId], netValue: Math.round(quantity * 980) / 100, status: "open", lines: [expect.objectContaining({ lineNumber: "10", quantity })] });
    expect(untouched).toMatchObject({ revision: 0 });
    expect(entriesOf(await timeline(orderNumber), "intercompany-changed")).toHaveLength(1);
    expect(await queueTotal("orderhub.dlq")).toBe(0);
  }, 120_000);

  it("DE01's change and then cancellation of its order through the intake reach PL01's sales order in PL01's ERP, once each", async () => {
    expect((await api("/api/orders", json("POST", fromPl01("IC-E2E-5", 5)))).status).toBe(202);
    await placed("IC-E2E-5");
    const hubSo = (await documentsOf("IC-E2E-5", "DE01")).find((d) => d.kind === "sales-order")!.document;
    const so = async () => (await pl01()).salesOrders.find((o) => o.externalReference === hubSo)!;

    expect((await api("/api/orders", json("POST", { ...fromPl01("IC-E2E-5", 8), purpose: "change" }))).status).toBe(202);
    await until("the change in PL01's ERP", async () => (await so()).revision === 1, 60_000, 250);
    expect(await so()).toMatchObject({ status: "open", netValue: 78.4, lines: [expect.objectContaining({ lineNumber: "10", quantity: 8 })] });

    expect((await api("/api/orders", json("POST", { ...fromPl01("IC-E2E-5", 8), purpose: "cancel" }))).status).toBe(202);
    await until("the cancellation in PL01's ERP", async () => (await so()).status === "cancelled", 60_000, 250);
    await until("the changes taken", async () => (await queueTotal("orderhub.intercompany.erp-changes")) === 0 && (await queueTotal("orderhub.intercompany.orders")) === 0, 30_000, 250);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await so()).toMatchObject({ revision: 2, status: "cancelled" });
    expect(entriesOf(await timeline("IC-E2E-5"), "intercompany-changed")).toHaveLength(2);
    // the decisions left the order and its changes alone
    for (const decided of ["approved", "held", "rejected", "cancelled"]) expect(entriesOf(await timeline("IC-E2E-5"), decided)).toEqual([]);
    expect(await queueTotal("orderhub.dlq")).toBe(0);
  }, 120_000);

  it("dead-letters an inter-company order on a company outside the group, naming it, and places nothing", async () => {
    expect((await api("/api/orders", json("POST", intercompanyOrder("IC-E2E-9", 5, "US01")))).status).toBe(202);
    const env = { ...process.env, AMQP_URL: vhost.url };
    const letter = await until("the order in orderhub.dlq", async () => {
      const { stdout } = await run(CLI, ["dlq", "list", "--json"], { env });
      return stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { error: string; queue: string }).find((d) => d.error.includes("IC-E2E-9"));
    }, 60_000, 500);
    expect(letter.error).toContain("seller US01 is not a company of the group");
    expect(letter.queue).toBe("orderhub.intercompany.orders");
    expect((await api("/api/intercompany/orders/PL01/IC-E2E-9")).status).toBe(404);
    // only that one letter: the decisions did not take the order either
    expect(await queueTotal("orderhub.dlq")).toBe(1);
  }, 120_000);
});
